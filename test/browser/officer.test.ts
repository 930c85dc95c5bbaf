import { readFileSync } from 'node:fs';
import { messageFor } from '#core/messages.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { holdRequests, navigateTo, openConsole, type ConsoleRun } from './harness.js';
import { openNewAudienceForm, signIn, submitNewAudience } from './seed.js';

/**
 * An officer's work through the console only, as a user does it: upload a CSV file with bad rows and see
 * them, build a campaign by occasion while the estimate follows the typing, switch to the unaccented
 * text, test-send, submit, and find it in the list.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);
const audienceName = `Bắc Kạn – vùng biên giới ${suffix}`;
const campaignName = `30/7 Bắc Kạn ${suffix}`;

/** 20 good mobiles (Viettel, VinaPhone, MobiFone), one twice, a landline and a number too short. */
const GOOD = Array.from({ length: 20 }, (_, i) => `${['098', '091', '090'][i % 3]}${String(1234500 + i)}`);
const CSV = [
  'phone,province,district,tags',
  ...GOOD.map((phone, i) => `${phone},${i % 2 ? 'Bắc Kạn' : 'Cao Bằng'},,vùng biên giới`),
  `${GOOD[0]},Bắc Kạn,,`,
  '0241234567,Hà Nội,,',
  '09812,Bắc Kạn,,',
].join('\n');

const amount = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

beforeAll(async () => {
  run = await openConsole('officer');
  await signIn(run, { role: 'officer', user: `can-bo.${suffix}@local` });
});
afterAll(() => run?.stop());

describe('an officer in the console', () => {
  it('creates an audience and uploads a CSV file, then sees the rejected rows with their reasons', async () => {
    const { page } = run;
    await openNewAudienceForm(run);
    expect(await run.check('audience-new')).toEqual([]);

    await submitNewAudience(run, audienceName);
    expect(await run.check('audience-empty')).toEqual([]);

    // A file the server cannot read at all: its reason shows beside the file field.
    await page.getByLabel('Tải tệp lên (CSV hoặc Excel)').setInputFiles({
      name: 'sai.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('ten,tinh\nAn,Bắc Kạn\n'),
    });
    await page.getByRole('button', { name: 'Tải lên' }).click();
    await page.locator('#csv-file-error').getByText(/phone/).waitFor();

    await page
      .getByLabel('Tải tệp lên (CSV hoặc Excel)')
      .setInputFiles({ name: 'bac-kan.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('button', { name: 'Tải lên' }).click();
    await page.getByRole('heading', { name: 'Kết quả kiểm tra tệp' }).waitFor();
    await page.getByText('Đã nhận 20 số, loại 2 dòng, 1 số trùng lặp.').waitFor();
    const rejected = page.getByRole('table', { name: 'Dòng bị loại' });
    const rows = await rejected.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^22\s*0241234567/);
    expect(rows[1]).toMatch(/^23\s*09812/);
    await page.getByText('Danh sách hiện có 20 thuê bao.').waitFor();
    expect(await run.check('audience-upload-check')).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải các dòng bị loại (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('bac-kan-dong-bi-loai.csv');
    const file = readFileSync(await download.path(), 'utf8');
    expect(file).toBe('\uFEFFphone,province,district,tags\r\n0241234567,Hà Nội,,\r\n09812,Bắc Kạn,,\r\n');

    const byCarrier = await page
      .getByRole('table', { name: 'Theo nhà mạng' })
      .locator('tbody tr')
      .allTextContents();
    expect(byCarrier.join('|')).toMatch(/Viettel\s*7/);

    await navigateTo(page, 'Danh sách người nhận');
    const listed = page.getByRole('row', { name: new RegExp(audienceName) });
    await listed.getByRole('cell', { name: '20', exact: true }).waitFor();
    expect(await run.check('audiences')).toEqual([]);
  });

  it('looks a number up in the opt-outs and adds it', async () => {
    const { page } = run;
    await navigateTo(page, 'Từ chối nhận tin');
    const phone = GOOD[1] ?? '';
    // The core's normaliser, loaded into the page, reads the number as the API will.
    await page.locator('#lookup-phone').fill('024 3825 1234');
    await page
      .locator('#lookup-phone-check')
      .getByText(messageFor('landline', undefined, 'vi'))
      .waitFor();
    await page.locator('#lookup-phone').fill(phone);
    await page
      .locator('#lookup-phone-check')
      .getByText(/^✓?\s*\+84911234501 \(VinaPhone\)$/)
      .waitFor();
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.getByText('chưa từ chối nhận tin').waitFor();
    await page.locator('#add-phone').fill(phone);
    await page.locator('#add-reason').fill('Thuê bao gọi tổng đài yêu cầu');
    await page.getByRole('button', { name: 'Thêm vào danh sách từ chối nhận tin' }).click();
    await page.getByText(/^Đã thêm \+84\d+ vào danh sách từ chối nhận tin\.$/).waitFor();
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.getByText(/đã từ chối nhận tin từ ngày \d\d\/\d\d\/\d{4}/).waitFor();
    await page.locator('#lookup-phone').fill('12');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.locator('#lookup-phone-error').waitFor();
    expect(await run.check('opt-outs')).toEqual([]);
  });

  it('writes a campaign for 30/7 and sees the estimate follow the typing', async () => {
    const { page } = run;
    await navigateTo(page, 'Tạo chiến dịch');
    await page.getByLabel('Tên chiến dịch').fill(campaignName);

    const message = page.getByLabel('Nội dung tin nhắn');
    const segments = page.getByTestId('segments');
    await message.pressSequentially('Cảnh giác');
    await page.getByTestId('encoding').getByText('UCS-2 (có dấu)').waitFor();
    expect(await segments.textContent()).toBe('1');
    expect(await page.getByTestId('left').textContent()).toBe('còn 61 ký tự trong tin thành phần này');
    await page.getByTestId('highlighted').locator('mark', { hasText: 'ả' }).waitFor();
    await message.pressSequentially(
      ' với việc nhẹ lương cao ở nước ngoài! Không giao giấy tờ tùy thân cho người lạ. Gọi Tổng đài 111 (miễn phí). {{link:https://example.gov.vn/111}}',
    );
    await page.getByTestId('segments').getByText('3').waitFor();
    expect(await page.getByTestId('phone-preview').locator('.bubble').count()).toBe(3);
    await page
      .getByTestId('phone-preview')
      .getByText(/\/l\/Ab3dE5fG7hJ9/)
      .waitFor();

    // By occasion (the default): 30/7 of the coming year, 08:00 Vietnam time.
    await page.getByLabel('Theo dịp').check();
    await page
      .getByTestId('resolved')
      .getByText(/^Sẽ gửi lúc 08:00 ngày 30\/07\/\d{4} \(giờ Việt Nam\)\.$/)
      .waitFor();

    // Saving with no audience: the API's answer shows beside the audiences.
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    const audiencesField = page.locator('fieldset.field--error', {
      has: page.getByText('Danh sách người nhận', { exact: true }),
    });
    await audiencesField.locator('.field-error').waitFor();

    // Click tracking: a new campaign counts clicks only in aggregate; the officer may choose otherwise.
    const clickTracking = page.getByLabel('Theo dõi lượt nhấp');
    expect(await clickTracking.inputValue()).toBe('aggregate');
    expect(await clickTracking.locator('option').allTextContents()).toEqual([
      'Chỉ đếm tổng lượt nhấp (không biết người nhấp)',
      'Theo từng người nhận (biết người nhấp)',
      'Không theo dõi (gửi liên kết gốc)',
    ]);
    await clickTracking.selectOption({ label: 'Theo từng người nhận (biết người nhấp)' });
    expect(await clickTracking.inputValue()).toBe('recipient');
    await clickTracking.focus();
    expect(await run.check('campaign-editor-click-tracking')).toEqual([]);

    await page.getByLabel(new RegExp(audienceName)).check();
    await page.getByText('Tổng cộng tối đa 20 thuê bao').waitFor();
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByText('Đã lưu bản nháp.').waitFor();
    // Saved as chosen: the campaign read back from the API still tracks each recipient.
    expect(await clickTracking.inputValue()).toBe('recipient');
    // 20 recipients, one opted out: 19 × 3 segments × 350 ₫.
    await page.getByTestId('recipients').getByText('20').waitFor();
    expect(amount(await page.getByTestId('server-cost').textContent())).toBe(19 * 3 * 350);
    expect(amount(await page.getByTestId('live-cost').textContent())).toBe(19 * 3 * 350);
    expect(new URL(page.url()).pathname).toMatch(/^\/campaigns\/\w+$/);
    expect(await run.check('campaign-editor')).toEqual([]);
  });

  it('switches to the unaccented text and sees the cost drop', async () => {
    const { page } = run;
    const before = amount(await page.getByTestId('live-cost').textContent());
    await page
      .getByRole('button', { name: 'Dùng bản không dấu: 1 tin thành phần, tiết kiệm 13.300 ₫' })
      .click();
    await page.getByTestId('encoding').getByText('GSM-7 (không dấu)').waitFor();
    expect(await page.getByTestId('segments').textContent()).toBe('1');
    expect(await page.getByLabel('Nội dung tin nhắn').inputValue()).toMatch(
      /^Canh giac voi viec nhe luong cao/,
    );
    const after = amount(await page.getByTestId('live-cost').textContent());
    expect(after).toBe(19 * 1 * 350);
    expect(after).toBeLessThan(before);
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByTestId('server-cost').getByText('6.650 ₫').waitFor();
    expect(await run.check('campaign-editor-unaccented')).toEqual([]);

    // Only Bắc Kạn, part of Thái Nguyên since 1 July 2025: 10 of the 20, one of them opted out.
    await page.getByLabel('Thái Nguyên (gồm Bắc Kạn cũ) (10)').check();
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByTestId('recipients').getByText('10', { exact: true }).waitFor();
    await page.getByTestId('server-cost').getByText('3.150 ₫').waitFor();
  });

  it('test-sends to two numbers once however often the button is pressed, refuses six, and submits', async () => {
    const { page } = run;
    const phones = page.getByLabel(/Số điện thoại nhận tin gửi thử/);
    await phones.fill('0981111111, 0912222222, 0903333333, 0984444444, 0915555555, 0906666666');
    await page.getByRole('button', { name: 'Gửi thử' }).click();
    await page.locator('#test-phones-error').getByText('tối đa 5 số').waitFor();
    await phones.fill('0981111111, 0912222222');
    // The first answer is held while the button is pressed again: the test is still sent once.
    const tests = await holdRequests(page, '**/v1/campaigns/*/test');
    const button = page.getByTestId('test-send');
    await button.click();
    await vi.waitFor(() => expect(tests.sent()).toBe(1));
    await button.click({ force: true });
    tests.release();
    await page.getByText('Đã gửi thử tới 2 số.').waitFor();
    await tests.stop();
    expect(tests.sent()).toBe(1);
    await page.getByText('+84981111111: đang chờ gửi').waitFor();

    await page.getByRole('button', { name: 'Gửi phê duyệt' }).click();
    await page.getByText('Đã gửi phê duyệt. Người phê duyệt sẽ xem xét chiến dịch.').waitFor();
    await page.locator('.page-head .status').getByText('Chờ phê duyệt').waitFor();
    expect(await page.getByRole('button', { name: 'Lưu bản nháp' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Hủy chiến dịch' }).waitFor();
    expect(await page.getByRole('button', { name: 'Tạm dừng' }).count()).toBe(0);
    expect(await run.check('campaign-pending')).toEqual([]);
  });

  it('finds the campaign in the list by its status, with what may still be done to it, and cancels it', async () => {
    const { page } = run;
    await navigateTo(page, 'Chiến dịch');
    await page.getByLabel('Trạng thái').selectOption('pending_approval');
    const row = page.getByRole('row', { name: new RegExp(campaignName) });
    await row.getByText('Chờ phê duyệt').waitFor();
    expect(await row.getByRole('button').allTextContents()).toEqual(['Hủy']);
    expect(await run.check('campaigns')).toEqual([]);

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: `Hủy: ${campaignName}` }).click();
    await page.getByText('Đã hủy chiến dịch.').waitFor();
    await row.getByText('Đã hủy').waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    expect(run.pageErrors.filter((error) => !/status of 4\d\d/.test(error))).toEqual([]);
  });
});
