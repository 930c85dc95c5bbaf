import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigateTo, openConsole, type ConsoleRun } from './harness.js';
import { seed, seedAudience, signIn, type Who } from './seed.js';

/**
 * Message templates in the console (issue #16): an officer creates one with language variants and a
 * field, edits it into a new version, reads the history, starts a campaign from it (which records the
 * version), archives it; an approver reads it without the editing controls. The audience is SEEDed
 * through the API (its pages are another part's).
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);
const officer: Who = { role: 'officer', user: `mau-tin.${suffix}@local` };
const approver: Who = { role: 'approver', user: `duyet-mau.${suffix}@local` };
const templateName = `Cảnh báo việc nhẹ lương cao ${suffix}`;
const audienceName = `Lai Châu – mẫu tin nhắn ${suffix}`;
const V1 = 'Chào {{Tên|bà con}}: cảnh giác việc nhẹ lương cao ở nước ngoài. Gọi Tổng đài 111 (miễn phí).';
const V2 = 'Chào {{Tên|bà con}}: đừng tin lời mời việc nhẹ lương cao. Gọi Tổng đài 111 (miễn phí).';
const HMONG = 'Nyob zoo {{Ten|phooj ywg}}. Ceev faj txoj hauj lwm nyiaj ntau. Hu 111.';
let templatePath = '';

beforeAll(async () => {
  run = await openConsole('templates');
  await seedAudience(officer, audienceName, [{ phone: '0981234700', province: 'Lai Châu' }]);
  await signIn(run, officer);
});
afterAll(() => run?.stop());

describe('message templates', () => {
  it('lists none yet, then an officer creates one with two language variants', async () => {
    const { page } = run;
    await navigateTo(page, 'Mẫu tin nhắn');
    expect(await run.check('templates-list-empty')).toEqual([]);
    await page.getByRole('link', { name: 'Tạo mẫu tin nhắn' }).click();
    await page.getByRole('heading', { name: 'Tạo mẫu tin nhắn', level: 1 }).waitFor();

    // Nothing typed: the API's reasons beside the fields.
    await page.getByRole('button', { name: 'Lưu mẫu' }).click();
    await page.locator('#template-name-error').waitFor();
    await page.locator('#template-message-error').waitFor();
    expect(await run.check('template-new-errors')).toEqual([]);

    await page.getByLabel('Tên mẫu').fill(templateName);
    await page.getByLabel('Mô tả (không bắt buộc)').fill('Dùng cho dịp 30/7 ở các tỉnh biên giới');
    await page.getByLabel('Nội dung tin nhắn', { exact: true }).fill(V1);
    // The phone shows what a recipient without a name reads: the fallback, not the placeholder.
    const phone = page.getByTestId('phone-preview');
    await phone.getByText('Chào bà con: cảnh giác', { exact: false }).waitFor();
    expect(await phone.textContent()).not.toContain('{{');
    await page.getByRole('button', { name: 'Thêm thành bản ngôn ngữ không dấu' }).click();
    await page.getByLabel('Hoặc gõ tên, mã ngôn ngữ').fill("H'Mông");
    await page.getByRole('button', { name: 'Thêm ngôn ngữ' }).click();
    await page.getByLabel("Nội dung tin nhắn: Tiếng H'Mông").fill(HMONG);
    await page.getByRole('button', { name: 'Lưu mẫu' }).click();
    await page.getByText('Đã tạo mẫu tin nhắn.').waitFor();
    await page.getByTestId('template-version').getByText('Phiên bản 1').waitFor();
    templatePath = new URL(page.url()).pathname;
    expect(templatePath).toMatch(/^\/templates\/\w+$/);
    expect(await run.check('template-created')).toEqual([]);
  });

  it('edits it into version 2 and keeps version 1 in the history', async () => {
    const { page } = run;
    await page.getByRole('tab', { name: 'Tiếng Việt', exact: true }).click();
    await page.getByLabel('Nội dung tin nhắn', { exact: true }).fill(V2);
    await page.getByRole('button', { name: 'Lưu thành phiên bản mới' }).click();
    await page.getByText('Đã lưu phiên bản 2.').waitFor();
    const history = page.getByTestId('template-history');
    await history.locator('[data-version="2"]').getByText('Phiên bản 2 (hiện hành)').waitFor();
    expect(await history.locator('li').count()).toBe(2);
    await history.getByText('Phiên bản 1', { exact: false }).click();
    await history.locator('[data-version="1"]').getByText(V1).waitFor();
    expect(await run.check('template-history')).toEqual([]);

    await navigateTo(page, 'Mẫu tin nhắn');
    const row = page.locator('tr', { has: page.getByRole('link', { name: templateName }) });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      expect.stringContaining(templateName),
      "Tiếng Việt, Tiếng Việt không dấu, Tiếng H'Mông",
      'Tên',
      '2',
      expect.stringContaining(officer.user),
    ]);
    expect(await run.check('templates-list')).toEqual([]);
  });

  it('starts a campaign from the template, prefilled, which records version 2', async () => {
    const { page } = run;
    await page.getByRole('link', { name: templateName }).click();
    await page.getByRole('link', { name: 'Tạo chiến dịch từ mẫu' }).click();
    await page.getByRole('heading', { name: 'Tạo chiến dịch', level: 1 }).waitFor();
    await page.getByTestId('from-template').getByText(`Tạo từ mẫu “${templateName}”, phiên bản 2.`).waitFor();
    expect(await page.getByLabel('Nội dung tin nhắn', { exact: true }).inputValue()).toBe(V2);
    const tabs = page.getByRole('tablist', { name: 'Bản ngôn ngữ' });
    expect(await tabs.getByRole('tab').allTextContents()).toEqual([
      'Tiếng Việt',
      'Tiếng Việt không dấu',
      "Tiếng H'Mông",
    ]);
    expect(await page.getByLabel('Tên chiến dịch').inputValue()).toBe(templateName);
    expect(await run.check('campaign-from-template')).toEqual([]);

    await page.getByLabel(new RegExp(audienceName)).check();
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByText('Đã lưu bản nháp.').waitFor();
    await page
      .getByTestId('campaign-template')
      .getByText(/phiên bản 2$/)
      .waitFor();
    const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    const saved = await seed(officer, 'GET', `/v1/campaigns/${id}`);
    expect(saved).toMatchObject({ message: V2, template: { version: 2 } });
  });

  it('shows an edited text is no longer the template', async () => {
    const { page } = run;
    await page.goto(`${run.url}${templatePath}`);
    await page.getByRole('link', { name: 'Tạo chiến dịch từ mẫu' }).click();
    await page
      .getByTestId('from-template')
      .getByText(/phiên bản 2\.$/)
      .waitFor();
    await page.getByLabel('Nội dung tin nhắn', { exact: true }).fill(`${V2} Cảm ơn.`);
    await page
      .getByTestId('from-template')
      .getByText('Nội dung đã khác mẫu: chiến dịch sẽ lưu với nội dung riêng, không ghi theo mẫu.')
      .waitFor();
  });

  it('lets an approver read the template without editing it', async () => {
    const { page } = run;
    await signIn(run, approver);
    await page.goto(`${run.url}${templatePath}`);
    await page.getByRole('heading', { name: templateName, level: 1 }).waitFor();
    await page.getByText('Bạn chỉ xem được mẫu tin nhắn.').waitFor();
    expect(await page.getByRole('button', { name: 'Lưu thành phiên bản mới' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Lưu trữ' }).count()).toBe(0);
    expect(
      await page.getByLabel('Nội dung tin nhắn', { exact: true }).getAttribute('readonly'),
    ).not.toBeNull();
    await page.getByRole('tab', { name: "Tiếng H'Mông" }).click();
    expect(await page.getByLabel("Nội dung tin nhắn: Tiếng H'Mông").inputValue()).toBe(HMONG);
    expect(await run.check('template-read-only')).toEqual([]);
  });

  it('lets the officer archive it: hidden from the list unless asked for', async () => {
    const { page } = run;
    await signIn(run, officer);
    await page.goto(`${run.url}${templatePath}`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Lưu trữ' }).click();
    await page.getByText('Mẫu đã được lưu trữ: không hiện trong danh sách chọn mẫu.').waitFor();
    expect(await page.getByRole('link', { name: 'Tạo chiến dịch từ mẫu' }).count()).toBe(0);
    expect(await run.check('template-archived')).toEqual([]);
    await navigateTo(page, 'Mẫu tin nhắn');
    // Other test files may have made templates: this one is what must be missing, once the list has loaded.
    await page.getByLabel('Hiện cả mẫu đã lưu trữ').waitFor();
    await expect.poll(() => page.getByText('Đang tải…').count()).toBe(0);
    expect(await page.getByRole('link', { name: templateName }).count()).toBe(0);
    await page.getByLabel('Hiện cả mẫu đã lưu trữ').check();
    await page.getByRole('link', { name: templateName }).waitFor();
    await page.getByRole('button', { name: 'Bỏ lưu trữ' }).count();
  });
});
