import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type ConsoleRun } from './harness.js';
import { seed, seedAudience, signIn, type Who } from './seed.js';

/**
 * Message content in the console (issue #16): the editor's language variant tabs with their own estimate
 * and placeholder checks, the fields the texts use, the one-click unaccented variant, the A/B treatments
 * and the holdout with their live sum; then what an approver reviews. The audience is SEEDed through the
 * API (its pages are another part's).
 */
let run: ConsoleRun;
let audienceId = '';
const suffix = Date.now().toString(36);
const officer: Who = { role: 'officer', user: `noi-dung.${suffix}@local` };
const approver: Who = { role: 'approver', user: `duyet-noi-dung.${suffix}@local` };
const audienceName = `Điện Biên – bản ngôn ngữ ${suffix}`;
const campaignName = `Bản ngôn ngữ ${suffix}`;
const PHONES = Array.from({ length: 10 }, (_, i) => `09812${String(34600 + i)}`);

beforeAll(async () => {
  run = await openConsole('content');
  audienceId = await seedAudience(
    officer,
    audienceName,
    PHONES.map((phone) => ({ phone, province: 'Điện Biên' })),
  );
  await signIn(run, officer);
});
afterAll(() => run?.stop());

describe('message content in the campaign editor', () => {
  it('writes the Vietnamese text with a field, sees the placeholder problems and the fields listed', async () => {
    const { page } = run;
    await page.getByRole('navigation').getByRole('link', { name: 'Tạo chiến dịch' }).click();
    await page.getByRole('heading', { name: 'Tạo chiến dịch', level: 1 }).waitFor();
    await page.getByLabel('Tên chiến dịch').fill(campaignName);
    const tabs = page.getByRole('tablist', { name: 'Bản ngôn ngữ' });
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['Tiếng Việt']);

    const message = page.getByLabel('Nội dung tin nhắn', { exact: true });
    await message.fill('Chào {{Tên, cảnh giác việc nhẹ lương cao');
    await page
      .getByTestId('text-problems')
      .getByText('{{Tên, cảnh giác việc nhẹ lương cao ở ký tự thứ 6 chưa được đóng bằng }}')
      .waitFor();
    await page.getByTestId('content-fields').getByText('Nội dung chưa dùng trường thông tin nào.').waitFor();
    expect(await run.check('content-editor-problem')).toEqual([]);

    await message.fill(
      'Chào {{Tên|bà con}} ở {{Xã}}: cảnh giác việc nhẹ lương cao ở nước ngoài. Gọi Tổng đài 111 (miễn phí).',
    );
    await page.getByTestId('text-problems').waitFor({ state: 'detached' });
    const fields = page.getByTestId('content-fields');
    await fields.locator('li', { hasText: '(ten)' }).waitFor();
    expect(await fields.locator('li').allTextContents()).toEqual([
      'Tên (ten): có từ thay thế',
      'Xã (xa): bắt buộc: thuê bao thiếu thông tin này thì không gửi được',
    ]);
    await page.getByText('Cách viết nội dung').click();
    await page.getByText('giữ nguyên hai dấu {{ trong tin nhắn.').waitFor();
    await page.getByTestId('encoding').getByText('UCS-2 (có dấu)').waitFor();
    expect(await run.check('content-editor-fields')).toEqual([]);
  });

  it('adds the unaccented variant in one click, then H’Mông by name, each tab with its own estimate', async () => {
    const { page } = run;
    await page.getByRole('button', { name: 'Thêm thành bản ngôn ngữ không dấu' }).click();
    await page.getByText('Đã thêm bản ngôn ngữ Tiếng Việt không dấu.').waitFor();
    const tabs = page.getByRole('tablist', { name: 'Bản ngôn ngữ' });
    await tabs.getByRole('tab', { name: 'Tiếng Việt không dấu', selected: true }).waitFor();
    expect(await page.getByLabel('Nội dung tin nhắn: Tiếng Việt không dấu').inputValue()).toMatch(
      /^Chao \{\{Ten\|ba con\}\} o \{\{Xa\}\}: canh giac/,
    );
    await page.getByTestId('encoding').getByText('GSM-7 (không dấu)').waitFor();
    // The unaccented variant exists now: the button is no longer offered.
    expect(await page.getByRole('button', { name: 'Thêm thành bản ngôn ngữ không dấu' }).count()).toBe(0);

    // A name as officers write it; a bare "Thái" is ambiguous and refused with the reason.
    await page.getByLabel('Hoặc gõ tên, mã ngôn ngữ').fill('Thái');
    await page.getByRole('button', { name: 'Thêm ngôn ngữ' }).click();
    await page.getByRole('alert').getByText('Thái: không phải tên hay mã ngôn ngữ BCP 47 hợp lệ').waitFor();
    await page.getByLabel('Chọn ngôn ngữ').selectOption({ label: "Tiếng H'Mông (hmn)" });
    await page.getByLabel('Hoặc gõ tên, mã ngôn ngữ').fill('');
    await page.getByRole('button', { name: 'Thêm ngôn ngữ' }).click();
    await tabs.getByRole('tab', { name: "Tiếng H'Mông", selected: true }).waitFor();
    await page.getByText('Bản ngôn ngữ này chưa có nội dung.').waitFor();
    await page
      .getByLabel("Nội dung tin nhắn: Tiếng H'Mông")
      .fill('Nyob zoo {{Ten|phooj ywg}}. Ceev faj txoj hauj lwm nyiaj ntau. Hu 111.');
    await page.getByTestId('encoding').getByText('GSM-7 (không dấu)').waitFor();
    expect(await tabs.getByRole('tab').allTextContents()).toEqual([
      'Tiếng Việt',
      'Tiếng Việt không dấu',
      "Tiếng H'Mông",
    ]);
    expect(await run.check('content-editor-variants')).toEqual([]);

    // The arrow keys move between tabs; the Vietnamese text is still there.
    await tabs.getByRole('tab', { name: "Tiếng H'Mông" }).press('ArrowRight');
    await tabs.getByRole('tab', { name: 'Tiếng Việt', exact: true, selected: true }).waitFor();
    await page.getByTestId('encoding').getByText('UCS-2 (có dấu)').waitFor();

    // A language added by mistake is removed.
    await page.getByLabel('Hoặc gõ tên, mã ngôn ngữ').fill('tiếng Khmer');
    await page.getByRole('button', { name: 'Thêm ngôn ngữ' }).click();
    await page.getByRole('button', { name: 'Bỏ bản ngôn ngữ Tiếng Khmer' }).click();
    await tabs.getByRole('tab', { name: 'Tiếng Việt', exact: true, selected: true }).waitFor();
    expect(await tabs.getByRole('tab').count()).toBe(3);
  });

  it('splits into treatments A/B with a holdout and checks the sum live', async () => {
    const { page } = run;
    const treatments = page.getByTestId('treatments');
    await treatments.getByRole('button', { name: 'Chia phương án thử nghiệm A/B' }).click();
    await page.getByTestId('split-total').getByText('Tổng cộng: 100 % Tổng cộng đủ 100 %.').waitFor();
    expect(await page.getByLabel('Nội dung của phương án B').inputValue()).toMatch(
      /^Chào \{\{Tên\|bà con\}\}/,
    );
    await page
      .getByLabel('Nội dung của phương án B')
      .fill('Bà con {{Tên|ơi}}: đi làm xa, hỏi Tổng đài 111 trước!');
    await page.getByLabel('Nhóm đối chứng: không nhận tin (%)').fill('10');
    await page
      .getByTestId('split-total')
      .getByText(
        'Tổng cộng: 110 % Các phương án thử nghiệm và nhóm đối chứng phải cộng lại đúng 100 %, hiện là 110 %.',
      )
      .waitFor();
    expect(await run.check('content-editor-split-wrong')).toEqual([]);
    await page.getByLabel('Tỉ lệ người nhận của phương án A (%)').fill('45');
    await page.getByLabel('Tỉ lệ người nhận của phương án B (%)').fill('45');
    await page.getByTestId('split-total').getByText('Tổng cộng đủ 100 %.').waitFor();
    await treatments.getByRole('button', { name: 'Thêm phương án thử nghiệm' }).click();
    expect(await page.getByLabel('Tỉ lệ người nhận của phương án C (%)').inputValue()).toBe('30');
    await treatments.getByRole('button', { name: 'Bỏ phương án thử nghiệm C' }).click();
    expect(await page.getByLabel('Tỉ lệ người nhận của phương án A (%)').inputValue()).toBe('45');
    expect(await run.check('content-editor-split')).toEqual([]);
  });

  it('saves the draft with its variants, treatments and holdout in the body the API takes', async () => {
    const { page } = run;
    await page.getByLabel(new RegExp(audienceName)).check();
    await page.getByLabel('Chỉ gửi trong khung giờ').uncheck();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/campaigns'),
      page.getByRole('button', { name: 'Lưu bản nháp' }).click(),
    ]);
    await page.getByText('Đã lưu bản nháp.').waitFor();
    expect(request.postDataJSON()).toMatchObject({
      message: expect.stringMatching(/^Chào \{\{Tên\|bà con\}\}/),
      variants: { 'vi-x-khongdau': expect.stringMatching(/^Chao/), hmn: expect.stringMatching(/^Nyob zoo/) },
      treatments: [
        { id: 'A', percent: 45 },
        { id: 'B', percent: 45, message: 'Bà con {{Tên|ơi}}: đi làm xa, hỏi Tổng đài 111 trước!' },
      ],
      holdoutPercent: 10,
    });
    expect(await run.check('content-editor-saved')).toEqual([]);
  });
});

describe('message content in the review', () => {
  it('shows the approver the content of a campaign made from a template, with its version', async () => {
    const { page } = run;
    // SEED: a template and a campaign from it, submitted (the officer's steps, tested in templates.test.ts).
    const template = await seed(officer, 'POST', '/v1/templates', {
      name: `Mẫu duyệt ${suffix}`,
      message: 'Chào {{Tên|bà con}}: cảnh giác việc nhẹ lương cao. Gọi Tổng đài 111 (miễn phí).',
      variants: { 'vi-x-khongdau': 'Chao {{Ten|ba con}}: canh giac viec nhe luong cao. Goi 111 (mien phi).' },
    });
    const campaign = await seed(officer, 'POST', '/v1/campaigns', {
      name: `Duyệt bản ngôn ngữ ${suffix}`,
      templateId: template.id,
      audienceIds: [audienceId],
      schedule: { sendAt: '2099-07-30T01:00:00.000Z' },
      sendingWindow: null,
    });
    await seed(officer, 'POST', `/v1/campaigns/${String(campaign.id)}/submit`, {});
    await signIn(run, approver);
    await page.goto(`${run.url}/approvals/${String(campaign.id)}`);
    const content = page.getByTestId('review-content');
    await content
      .getByTestId('review-template')
      .getByText(`Tạo từ mẫu ${String(template.id)}, phiên bản 1`)
      .waitFor();
    // Every variant, with its own encoding: the approver sees what each recipient may get.
    await content
      .getByTestId('variant-vi-x-khongdau')
      .getByText('Chao {{Ten|ba con}}: canh giac viec nhe luong cao. Goi 111 (mien phi).')
      .waitFor();
    await content.getByText('Bảng mã GSM-7 (không dấu): 1 tin nhắn thành phần, 75 ký tự.').waitFor();
    await content.getByText('Không thử nghiệm A/B').waitFor();
    await content.getByTestId('review-holdout').getByText('Không có nhóm đối chứng').waitFor();
    expect(await run.check('review-content')).toEqual([]);
  });
});
