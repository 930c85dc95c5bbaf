import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { navigateTo, openConsole, type ConsoleRun } from './harness.js';
import { seed, seedAudience, signIn, tokenOf, type Who } from './seed.js';

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
    await navigateTo(page, 'Tạo chiến dịch');
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

/**
 * With real recipients: an audience imported from a CSV with `Tên` and `Ngôn ngữ` columns (SEED through the
 * API: the import page is another part's), a campaign in three languages written in the editor, refused at
 * submit while two recipients lack a name the text needs without a fallback, submitted once it has one;
 * its estimate per variant and treatment, the preview of real recipients' texts, the approver's review,
 * a real send to the simulators and its metrics per variant and treatment.
 */
const real = {
  audience: `Lai Châu – nhập có tên ${suffix}`,
  campaign: `Ba thứ tiếng ${suffix}`,
  planner: { role: 'planner', user: `so-lieu-noi-dung.${suffix}@local` } satisfies Who,
};
/** Viettel numbers, new each run so that the frequency cap of an earlier run never holds them back. */
const realBase = (Math.floor(Date.now() / 1000) % 100_000) * 12;
const REAL = [
  ['Lò Văn Sự', 'Tiếng Việt'],
  ['Tòng Thị Én', ''],
  ['Quàng Văn Hải', 'vi'],
  ['Điêu Thị Xuân', 'Tiếng Việt'],
  ['Lo Van Pao', 'không dấu'],
  ['Ly Thi Mai', 'không dấu'],
  ['Giang A Tủa', "H'Mông"],
  ['Sùng Thị Dợ', "H'Mông"],
  ['Vàng A Lử', 'hmn'],
  ['Thào Seo Chứ', "H'Mông"],
  ['', 'Tiếng Việt'],
  ['', ''],
].map(([name, language], i) => ({
  phone: `098${String(realBase + i).padStart(7, '0')}`,
  name: name ?? '',
  language: language ?? '',
}));
const REAL_TEXTS = {
  vi: 'Chào {{Tên}}: cảnh giác lời mời việc nhẹ lương cao ở nước ngoài. Gọi Tổng đài 111 (miễn phí).',
  khongdau: 'Chao {{Ten}}: canh giac loi moi viec nhe luong cao o nuoc ngoai. Goi Tong dai 111 (mien phi).',
  hmn: 'Nyob zoo {{Ten}}. Ceev faj txoj hauj lwm nyiaj ntau. Hu 111.',
};
let realAudienceId = '';
let realCampaignId = '';

/** SEED: the CSV import, as the import page would send it. */
const importCsv = async (audienceId: string, csv: string) => {
  const response = await fetch(`${inject('consoleUrl')}/v1/audiences/${audienceId}/subscribers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenOf(officer)}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const json = (await response.json()) as Record<string, unknown>;
  expect(response.ok, JSON.stringify(json)).toBe(true);
  return json;
};

const cells = (row: Locator) => row.locator('th, td').allTextContents();

describe('message content with real recipients', () => {
  beforeAll(async () => {
    const audience = await seed(officer, 'POST', '/v1/audiences', { name: real.audience });
    realAudienceId = String(audience.id);
    const csv = [
      'phone,province,Tên,Ngôn ngữ',
      ...REAL.map((r) => `${r.phone},Lai Châu,${r.name},${r.language}`),
    ].join('\r\n');
    expect(await importCsv(realAudienceId, csv)).toMatchObject({ accepted: REAL.length, rejectedCount: 0 });
    await signIn(run, officer);
  });

  it('refuses to submit while two recipients lack the name the text needs, and says which audience', async () => {
    const { page } = run;
    await navigateTo(page, 'Tạo chiến dịch');
    await page.getByLabel('Tên chiến dịch').fill(real.campaign);
    await page.getByLabel('Nội dung tin nhắn', { exact: true }).fill(REAL_TEXTS.vi);
    const tabs = page.getByRole('tablist', { name: 'Bản ngôn ngữ' });
    await page.getByLabel('Chọn ngôn ngữ').selectOption({ label: 'Tiếng Việt không dấu (vi-x-khongdau)' });
    await page.getByRole('button', { name: 'Thêm ngôn ngữ' }).click();
    await tabs.getByRole('tab', { name: 'Tiếng Việt không dấu', selected: true }).waitFor();
    await page.getByLabel('Nội dung tin nhắn: Tiếng Việt không dấu').fill(REAL_TEXTS.khongdau);
    await page.getByLabel('Chọn ngôn ngữ').selectOption({ label: "Tiếng H'Mông (hmn)" });
    await page.getByRole('button', { name: 'Thêm ngôn ngữ' }).click();
    await tabs.getByRole('tab', { name: "Tiếng H'Mông", selected: true }).waitFor();
    await page.getByLabel("Nội dung tin nhắn: Tiếng H'Mông").fill(REAL_TEXTS.hmn);

    await page.getByLabel(new RegExp(real.audience)).check();
    await page.getByLabel('Chỉ gửi trong khung giờ').uncheck();
    await page.getByLabel('Gửi ngay khi được phê duyệt').check();
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByText('Đã lưu bản nháp.').waitFor();
    realCampaignId = new URL(page.url()).pathname.split('/').pop() ?? '';

    // The fields table: two recipients of this audience have no name, and the text has no fallback.
    const fields = page.getByTestId('estimate-fields');
    const name = fields.locator('tbody tr', { hasText: 'Tên' });
    await name.waitFor();
    expect(await cells(name)).toEqual([
      'Tênbắt buộc: thuê bao thiếu thông tin này thì không gửi được',
      '10',
      '2',
      expect.stringMatching(/^\d+$/),
      `2 thuê bao trong ${real.audience}`,
    ]);
    expect(await name.getByRole('link').getAttribute('href')).toBe(`/audiences/${realAudienceId}`);
    await page
      .getByTestId('submit-blocked')
      .getByText('Chưa gửi phê duyệt được: 2 người nhận thiếu Tên.', { exact: false })
      .waitFor();
    expect(await run.check('content-real-missing')).toEqual([]);

    // Submitting anyway: the API refuses, and the page says why, naming the field and the audience.
    await page.getByRole('button', { name: 'Gửi phê duyệt' }).click();
    // The API's refusal stands beside the audiences, naming the audience and the field.
    await page
      .getByText(`2 người nhận trong danh sách ${realAudienceId} chưa có giá trị cho trường Tên`)
      .waitFor();
    expect(await run.check('content-real-refused')).toEqual([]);
    const saved = await seed(officer, 'GET', `/v1/campaigns/${realCampaignId}`);
    expect(saved.status).toBe('draft');
  });

  it('submits once every field has a fallback, with the estimate per variant and treatment and the preview', async () => {
    const { page } = run;
    const tabs = page.getByRole('tablist', { name: 'Bản ngôn ngữ' });
    await tabs.getByRole('tab', { name: 'Tiếng Việt', exact: true }).click();
    await page
      .getByLabel('Nội dung tin nhắn', { exact: true })
      .fill(REAL_TEXTS.vi.replace('{{Tên}}', '{{Tên|bà con}}'));
    await tabs.getByRole('tab', { name: 'Tiếng Việt không dấu' }).click();
    await page
      .getByLabel('Nội dung tin nhắn: Tiếng Việt không dấu')
      .fill(REAL_TEXTS.khongdau.replace('{{Ten}}', '{{Ten|ba con}}'));
    await tabs.getByRole('tab', { name: "Tiếng H'Mông" }).click();
    await page
      .getByLabel("Nội dung tin nhắn: Tiếng H'Mông")
      .fill(REAL_TEXTS.hmn.replace('{{Ten}}', '{{Ten|phooj ywg}}'));
    // And an A/B test with a holdout (after the fields check, which the holdout would make a draw).
    const treatments = page.getByTestId('treatments');
    await treatments.getByRole('button', { name: 'Chia phương án thử nghiệm A/B' }).click();
    await page
      .getByLabel('Nội dung của phương án B')
      .fill('Bà con {{Tên|ơi}}: đi làm xa, hỏi Tổng đài 111 trước!');
    await page.getByLabel('Nhóm đối chứng: không nhận tin (%)').fill('10');
    await page.getByLabel('Tỉ lệ người nhận của phương án A (%)').fill('45');
    await page.getByLabel('Tỉ lệ người nhận của phương án B (%)').fill('45');
    await page.getByTestId('split-total').getByText('Tổng cộng đủ 100 %.').waitFor();
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByText('Đã lưu bản nháp.').waitFor();
    await page.getByTestId('submit-blocked').waitFor({ state: 'detached' });
    const name = page.getByTestId('estimate-fields').locator('tbody tr', { hasText: 'Tên' });
    await name.getByText('có từ thay thế').waitFor();

    // The tables hold the server's own numbers.
    const { estimate } = (await seed(officer, 'GET', `/v1/campaigns/${realCampaignId}`)) as {
      estimate: {
        sendable: number;
        holdout: number;
        byVariant: { language: string; recipients: number; segmentsPerMessage: number }[];
        byTreatment: { treatment: string; recipients: number; totalSegments: number }[];
      };
    };
    expect(estimate.byVariant.map((v) => v.language).sort()).toEqual(['hmn', 'vi', 'vi-x-khongdau']);
    expect(estimate.sendable + estimate.holdout).toBe(REAL.length);
    const byVariant = page.getByTestId('estimate-by-variant').locator('tbody tr');
    expect(await byVariant.evaluateAll((rows) => rows.map((r) => r.children[0]?.textContent))).toEqual([
      'Tiếng Việt',
      'Tiếng Việt không dấu',
      "Tiếng H'Mông",
    ]);
    for (const [i, tag] of ['vi', 'vi-x-khongdau', 'hmn'].entries()) {
      const variant = estimate.byVariant.find((v) => v.language === tag);
      const row = await cells(byVariant.nth(i));
      expect(row[1]).toBe(String(variant?.recipients));
      expect(row[3]).toBe(String(variant?.segmentsPerMessage));
    }
    expect(await cells(byVariant.nth(1))).toContain('GSM-7 (không dấu)');
    const byTreatment = page.getByTestId('estimate-by-treatment').locator('tbody tr');
    expect(await byTreatment.count()).toBe(estimate.byTreatment.length);
    for (const [i, treatment] of estimate.byTreatment.entries()) {
      expect((await cells(byTreatment.nth(i))).slice(0, 3)).toEqual([
        treatment.treatment,
        String(treatment.recipients),
        String(treatment.totalSegments),
      ]);
    }

    // The preview: a real recipient's text per treatment and language, the phone masked.
    const preview = page.getByTestId('content-preview');
    // Which treatment each recipient gets is drawn from the campaign's id: with 4 H'Mông speakers split
    // 45/45/10, treatment A may have none of them. The server's preview says whether someone gets it.
    const { texts } = (await seed(officer, 'GET', `/v1/campaigns/${realCampaignId}/preview`)) as {
      texts: { treatment: string; language: string; recipients: number }[];
    };
    const hmongA = texts.find((text) => text.treatment === 'A' && text.language === 'hmn');
    expect(hmongA).toBeDefined();
    const hmong = preview.getByTestId('preview-A-hmn');
    // A preview asked before the draft had treatments shows the language alone: wait for the saved one's.
    await hmong
      .getByRole('heading', { name: "Phương án thử nghiệm A · Tiếng H'Mông", exact: true })
      .waitFor();
    expect(await hmong.getByTestId('example').textContent()).toMatch(
      hmongA?.recipients
        ? /^Gửi tới \+8498\*{4}\d{3}Nyob zoo (Giang A Tủa|Sùng Thị Dợ|Vàng A Lử|Thào Seo Chứ)\. Ceev faj/
        : /^Chưa có người nhận: nội dung dùng từ thay thế\.Nyob zoo phooj ywg\. Ceev faj/,
    );
    await preview.getByTestId('preview-B-vi').waitFor();
    expect(await run.check('content-real-preview')).toEqual([]);

    await page.getByRole('button', { name: 'Gửi phê duyệt' }).click();
    await page.getByText('Đã gửi phê duyệt. Người phê duyệt sẽ xem xét chiến dịch.').waitFor();
    expect(await run.check('content-real-submitted')).toEqual([]);
  });

  it('the approver reads the preview, approves; it sends, and the metrics split by variant and treatment', async () => {
    const { page } = run;
    await signIn(run, approver);
    await page.goto(`${run.url}/approvals/${realCampaignId}`);
    const preview = page.getByTestId('content-preview');
    await preview
      .getByTestId('preview-A-vi-x-khongdau')
      .getByText('Chao ', { exact: false })
      .first()
      .waitFor();
    // The estimate by variant, treatment and field across the page: in the side column their columns were
    // cut off at its edge (the cost out of sight).
    const estimateTables = page.getByTestId('review-content-estimate').locator('.table-wrap');
    expect(await estimateTables.count()).toBe(3);
    expect(
      await estimateTables.evaluateAll((wraps) => wraps.filter((w) => w.scrollWidth > w.clientWidth).length),
    ).toBe(0);
    expect(await run.check('content-real-review')).toEqual([]);
    await page.getByRole('button', { name: 'Phê duyệt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Xác nhận phê duyệt' });
    await dialog.getByRole('button', { name: 'Phê duyệt' }).click();
    await page.getByText('Đã phê duyệt chiến dịch.').waitFor();
    await page.getByTestId('review-status').getByText('Hoàn thành').waitFor({ timeout: 90_000 });

    await signIn(run, real.planner);
    await page.goto(`${run.url}/campaigns/${realCampaignId}/metrics`);
    const delivered = async (testId: string) =>
      (
        await page
          .getByTestId(testId)
          .locator('tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.children[1]?.textContent))
      )
        .map((cell) => Number(cell))
        .reduce((sum, n) => sum + n, 0);
    // The simulators report in their own time: wait until every message sent has its final state, then
    // the tables add up to what was delivered.
    const settled = async () => {
      const metrics = (await seed(real.planner, 'GET', `/v1/campaigns/${realCampaignId}/metrics`)) as {
        sent: number;
        delivered: number;
        failed: number;
      };
      return metrics.sent > 0 && metrics.delivered + metrics.failed === metrics.sent ? metrics.delivered : -1;
    };
    await expect.poll(settled, { timeout: 60_000 }).toBeGreaterThan(0);
    const total = await settled();
    await expect.poll(() => delivered('metrics-by-variant'), { timeout: 60_000 }).toBe(total);
    await expect.poll(() => delivered('metrics-by-treatment'), { timeout: 60_000 }).toBe(total);
    const variants = page.getByTestId('metrics-by-variant').locator('tbody th');
    // The languages someone received (the split is drawn per campaign: B sends its own Vietnamese text to
    // all its recipients, so a language may have gone to nobody), in the tabs' order.
    const { estimate } = (await seed(officer, 'GET', `/v1/campaigns/${realCampaignId}`)) as {
      estimate: { byVariant: { language: string; recipients: number }[] };
    };
    const received = (tag: string) => estimate.byVariant.some((v) => v.language === tag && v.recipients > 0);
    expect(await variants.allTextContents()).toEqual(
      [
        ['vi', 'Tiếng Việt'],
        ['vi-x-khongdau', 'Tiếng Việt không dấu'],
        ['hmn', "Tiếng H'Mông"],
      ].flatMap(([tag, name]) => (received(tag ?? '') ? [name] : [])),
    );
    const treatments = page.getByTestId('metrics-by-treatment').locator('tbody th');
    const groups = await treatments.allTextContents();
    expect(groups.slice(0, 2)).toEqual(['Phương án thử nghiệm A', 'Phương án thử nghiệm B']);
    expect(groups.slice(2)).toEqual(groups.length > 2 ? ['Nhóm đối chứng (không nhận tin)'] : []);
    // Nobody has clicked: too little data for the comparison, and the page says so.
    await page.getByTestId('treatment-comparison').getByText('B – A: chưa đủ dữ liệu').waitFor();
    expect(await run.check('content-real-metrics')).toEqual([]);
  });
});

describe('turning the A/B test off', () => {
  it('removes the A/B test, the holdout and every variant of a saved draft, and they stay off after a reload', async () => {
    const { page } = run;
    await signIn(run, officer);
    await navigateTo(page, 'Tạo chiến dịch');
    await page.getByLabel('Tên chiến dịch').fill(`Tắt thử nghiệm ${suffix}`);
    await page
      .getByLabel('Nội dung tin nhắn', { exact: true })
      .fill('Cảnh giác việc nhẹ lương cao. Gọi 111.');
    await page.getByLabel('Chọn ngôn ngữ').selectOption({ label: "Tiếng H'Mông (hmn)" });
    await page.getByRole('button', { name: 'Thêm ngôn ngữ' }).click();
    await page.getByLabel("Nội dung tin nhắn: Tiếng H'Mông").fill('Ceev faj. Hu 111.');
    const treatments = page.getByTestId('treatments');
    await treatments.getByRole('button', { name: 'Chia phương án thử nghiệm A/B' }).click();
    await page.getByLabel('Nhóm đối chứng: không nhận tin (%)').fill('20');
    await page.getByLabel('Tỉ lệ người nhận của phương án A (%)').fill('40');
    await page.getByLabel('Tỉ lệ người nhận của phương án B (%)').fill('40');
    await page.getByLabel(new RegExp(audienceName)).check();
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByText('Đã lưu bản nháp.').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(await seed(officer, 'GET', `/v1/campaigns/${id}`)).toMatchObject({
      variants: { hmn: 'Ceev faj. Hu 111.' },
      treatments: [{ id: 'A' }, { id: 'B' }],
      holdoutPercent: 20,
    });

    await page.reload();
    const tabs = page.getByRole('tablist', { name: 'Bản ngôn ngữ' });
    await tabs.getByRole('tab', { name: "Tiếng H'Mông" }).click();
    await page.getByRole('button', { name: "Bỏ bản ngôn ngữ Tiếng H'Mông" }).click();
    await treatments.getByRole('button', { name: 'Bỏ thử nghiệm A/B' }).click();
    await page.getByLabel('Nhóm đối chứng: không nhận tin (%)').fill('0');
    const [request] = await Promise.all([
      page.waitForRequest(
        (r) => r.method() === 'PATCH' && new URL(r.url()).pathname === `/v1/campaigns/${id}`,
      ),
      page.getByRole('button', { name: 'Lưu bản nháp' }).click(),
    ]);
    expect(request.postDataJSON()).toMatchObject({ variants: null, treatments: null, holdoutPercent: null });
    await page.getByText('Đã lưu bản nháp.').waitFor();

    await page.reload();
    await page.getByLabel('Nội dung tin nhắn', { exact: true }).waitFor();
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['Tiếng Việt']);
    await treatments.getByRole('button', { name: 'Chia phương án thử nghiệm A/B' }).waitFor();
    expect(await page.getByLabel('Nhóm đối chứng: không nhận tin (%)').inputValue()).toBe('0');
    const saved = await seed(officer, 'GET', `/v1/campaigns/${id}`);
    expect(saved.variants ?? {}).toEqual({});
    expect(saved.treatments).toBeUndefined();
    expect(saved.holdoutPercent ?? 0).toBe(0);
    expect(await run.check('content-ab-off')).toEqual([]);
  });
});
