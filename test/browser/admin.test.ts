import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigateTo, openConsole, type ConsoleRun } from './harness.js';
import { seed, seedAudience, seedSubmittedCampaign, signIn } from './seed.js';

/**
 * The admin's work in the console, through the UI: a telecom partner added (a webhook URL the SSRF guard
 * refuses first, shown at its field), its signing secret seen exactly once on creation and once on
 * rotation, its TPS edited and the partner disabled; the frequency cap changed; the audit log filtered to
 * a campaign shows its approval. SEED (through the API, the officer's part is not under test here): an
 * audience and a campaign submitted for approval; an approver approves it through the review page.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);
const admin = { role: 'admin', user: `quan-tri.${suffix}@local` } as const;
const officer = { role: 'officer', user: `can-bo.${suffix}@local` } as const;
const approver = { role: 'approver', user: `phe-duyet.${suffix}@local` } as const;

// Sorted after the carrier simulators and serving only Reddi (which a simulator also serves, ahead of it),
// so no other test's messages are routed to a partner whose URL nobody listens on.
const partnerId = `z-doi-tac-${suffix}`;
const partnerName = `Đối tác thử ${suffix}`;
const campaignName = `Nhật ký ${suffix}`;

const menu = (label: string) => navigateTo(run.page, label);

const errorAt = (id: string) => run.page.locator(`#${id}-error`);

let campaignId: string;

beforeAll(async () => {
  run = await openConsole('admin');
  await run.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: run.url });
  await run.page.goto(`${run.url}/sign-in`);
  // SEED: a campaign waiting for approval, far in the future so that it never sends.
  const audienceId = await seedAudience(officer, `Nhật ký ${suffix}`, [
    { phone: '0987000999', province: 'Bắc Kạn' },
  ]);
  campaignId = await seedSubmittedCampaign(officer, {
    name: campaignName,
    message: 'Cảnh giác với lời mời việc nhẹ lương cao. Gọi Tổng đài 111 (miễn phí).',
    audienceIds: [audienceId],
    schedule: { sendAt: '2099-07-30T08:00:00+07:00' },
  });
});
afterAll(async () => {
  if (campaignId) await seed(officer, 'POST', `/v1/campaigns/${campaignId}/cancel`, {});
  await run?.stop();
});

describe('an admin in the console', () => {
  it('offers the admin pages in the menu, to admins only', async () => {
    const { page } = run;
    await signIn(run, approver);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Đối tác viễn thông' }).count()).toBe(
      0,
    );
    await signIn(run, admin);
    const nav = page.getByRole('navigation');
    for (const label of ['Đối tác viễn thông', 'Cài đặt', 'Nhật ký thao tác'])
      await nav.getByRole('link', { name: label, exact: true }).waitFor();
  });

  it('lists the partners, and says so when the list cannot be read', async () => {
    const { page } = run;
    await page.route('**/v1/partners?*', (route) => route.abort('connectionrefused'));
    await menu('Đối tác viễn thông');
    await page
      .getByRole('alert')
      .getByText('Không kết nối được với máy chủ. Kiểm tra mạng và thử lại.')
      .waitFor();
    expect(await run.check('admin-partners-error')).toEqual([]);
    await page.unroute('**/v1/partners?*');

    await menu('Cài đặt');
    await menu('Đối tác viễn thông');
    // The local runtime's carrier simulators are partners too.
    await page.locator('tr[data-partner]').first().waitFor();
    expect(await page.getByRole('link', { name: 'Thêm đối tác' }).count()).toBe(1);
    expect(await run.check('admin-partners')).toEqual([]);
  });

  it('adds a partner: refuses a bad number and an internal webhook URL at their fields, then shows the secret once', async () => {
    const { page } = run;
    await page.getByRole('link', { name: 'Thêm đối tác' }).click();
    await page.getByRole('heading', { name: 'Thêm đối tác viễn thông' }).waitFor();
    expect(await run.check('admin-partner-new')).toEqual([]);

    await page.getByLabel('Mã đối tác').fill(partnerId);
    await page.getByLabel('Tên đối tác').fill(partnerName);
    await page.getByLabel('Địa chỉ nhận tin (webhook URL)').fill('http://169.254.169.254/latest/meta-data/');
    await page.getByLabel('Tên định danh (brandname)').fill('BOCONGAN');
    await page.getByLabel('Reddi').check();
    expect(await page.getByLabel('Mọi nhà mạng').isChecked()).toBe(false);
    await page.getByLabel('Số tin mỗi giây').fill('');
    await page.getByRole('button', { name: 'Thêm đối tác' }).click();
    await errorAt('tps').getByText('Số tin mỗi giây: bắt buộc').waitFor();
    expect(await page.getByLabel('Số tin mỗi giây').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Số tin mỗi giây').fill('50');
    await page.getByRole('button', { name: 'Thêm đối tác' }).click();
    // The API's SSRF guard, in its own words, beside the field.
    await errorAt('webhookUrl')
      .getByText('169.254.169.254 là địa chỉ nội bộ liên kết, địa chỉ metadata hoặc địa chỉ dành riêng', {
        exact: false,
      })
      .waitFor();
    expect(await errorAt('tps').count()).toBe(0);
    expect(await run.check('admin-partner-new-refused')).toEqual([]);

    await page.getByLabel('Địa chỉ nhận tin (webhook URL)').fill('https://sms.doi-tac.example/v1/batches');
    await page.getByRole('button', { name: 'Thêm đối tác' }).click();
    await page.getByText(`Đã thêm đối tác ${partnerName}.`).waitFor();
    const shown = page.getByTestId('secret-once');
    await shown.getByText('Khóa chỉ hiện một lần.', { exact: false }).waitFor();
    await shown.getByText('bạn sẽ không xem lại được khóa', { exact: false }).waitFor();
    const secret = await page.getByLabel('Khóa ký mới').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    await shown.getByRole('button', { name: 'Sao chép khóa' }).click();
    await shown.getByText('Đã sao chép khóa vào bộ nhớ tạm.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    expect(await run.check('admin-partner-created-secret')).toEqual([]);

    // Back (to the list) and forward: the page opens afresh and the secret is gone.
    await page.goBack();
    await page.getByRole('heading', { name: 'Đối tác viễn thông', exact: true }).waitFor();
    await page.goForward();
    await page.getByRole('heading', { name: 'Thêm đối tác viễn thông' }).waitFor();
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect(await page.getByText(secret).count()).toBe(0);

    await menu('Đối tác viễn thông');
    await page.getByRole('link', { name: partnerName }).click();
    await page.getByRole('heading', { name: `Đối tác viễn thông: ${partnerName}` }).waitFor();
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect(await page.getByLabel('Số tin mỗi giây').inputValue()).toBe('50');
    expect(await run.check('admin-partner-edit')).toEqual([]);
  });

  it('rotates the secret behind a confirmation, shows the new one once, and never after navigating back', async () => {
    const { page } = run;
    await page.getByRole('button', { name: 'Đổi khóa ký' }).click();
    const dialog = page.getByRole('dialog', { name: 'Đổi khóa ký?' });
    await dialog.getByText('Khóa cũ vẫn dùng được thêm 24 giờ', { exact: false }).waitFor();
    expect(await run.check('admin-partner-rotate-confirm')).toEqual([]);
    await dialog.getByRole('button', { name: 'Đổi khóa ký' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Đã đổi khóa ký. Khóa cũ vẫn dùng được trong 24 giờ.').waitFor();
    const rotated = await page.getByLabel('Khóa ký mới').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    await page.getByText('Khóa chỉ hiện một lần.', { exact: false }).waitFor();

    // Where the Clipboard API is refused, the secret is selected for copying by hand.
    await page.evaluate(
      "Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } })",
    );
    await page.getByRole('button', { name: 'Sao chép khóa' }).click();
    await page.getByText('Không sao chép tự động được.', { exact: false }).waitFor();
    expect(
      await page.evaluate(
        'window.getSelection()?.toString() || document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)',
      ),
    ).toBe(rotated);
    expect(await run.check('admin-partner-rotated')).toEqual([]);

    await menu('Đối tác viễn thông');
    await page.goBack();
    await page.getByRole('heading', { name: `Đối tác viễn thông: ${partnerName}` }).waitFor();
    await page.getByRole('button', { name: 'Đổi khóa ký' }).waitFor();
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect(await page.getByText(rotated).count()).toBe(0);
  });

  it('edits the TPS, refusing an out-of-range one at its field, then disables the partner', async () => {
    const { page } = run;
    await page.getByLabel('Số tin mỗi giây').fill('20000');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await errorAt('tps').getByText('Số tin mỗi giây:', { exact: false }).waitFor();
    expect(await run.check('admin-partner-edit-refused')).toEqual([]);

    await page.getByLabel('Số tin mỗi giây').fill('75');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByText('Đã lưu thay đổi.').waitFor();
    expect(await errorAt('tps').count()).toBe(0);

    await page.getByLabel('Đang hoạt động').uncheck();
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByText('Đã lưu thay đổi.').waitFor();
    expect(await run.check('admin-partner-saved')).toEqual([]);

    await menu('Đối tác viễn thông');
    const row = page.locator(`tr[data-partner="${partnerId}"]`);
    await row.getByText('Đã tắt').waitFor();
    expect(await row.locator('td.num').textContent()).toBe('75');
    expect(await row.getByText('Reddi').count()).toBe(1);
    expect(await run.check('admin-partners-after')).toEqual([]);
  });

  it('changes the frequency cap, with the refusals at their fields and a saved confirmation', async () => {
    const { page } = run;
    await menu('Cài đặt');
    await page.getByTestId('current-cap').getByText('Hiện tại: tối đa', { exact: false }).waitFor();
    const before = {
      messages: await page.getByLabel('Số tin tối đa').inputValue(),
      hours: await page.getByLabel('Trong khoảng (giờ)').inputValue(),
    };
    expect(await run.check('admin-settings')).toEqual([]);

    await page.getByLabel('Số tin tối đa').fill('2,5');
    await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await errorAt('cap-messages').getByText('Số tin tối đa: phải là số nguyên').waitFor();
    await page.getByLabel('Số tin tối đa').fill('0');
    await page.getByLabel('Trong khoảng (giờ)').fill('1000');
    await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
    // The API's own reasons, at both fields.
    await errorAt('cap-messages').waitFor();
    await errorAt('cap-hours').waitFor();
    expect(await errorAt('cap-messages').textContent()).toContain('1');
    expect(await errorAt('cap-hours').textContent()).toContain('744');
    expect(await run.check('admin-settings-refused')).toEqual([]);

    // More generous than the default, so that no other test's recipients are suppressed meanwhile.
    await page.getByLabel('Số tin tối đa').fill('5');
    await page.getByLabel('Trong khoảng (giờ)').fill('24');
    await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await page.getByText('Đã lưu: mỗi thuê bao nhận tối đa 5 tin trong 24 giờ.').waitFor();
    await page
      .getByTestId('current-cap')
      .getByText(`Thay đổi lần cuối bởi ${admin.user}`, { exact: false })
      .waitFor();
    expect(await run.check('admin-settings-saved')).toEqual([]);

    // It is kept: the page read afresh shows it; then the cap goes back to what it was.
    await menu('Nhật ký thao tác');
    await menu('Cài đặt');
    expect(await page.getByLabel('Số tin tối đa').inputValue()).toBe('5');
    await page.getByLabel('Số tin tối đa').fill(before.messages);
    await page.getByLabel('Trong khoảng (giờ)').fill(before.hours);
    await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
    await page
      .getByText(`Đã lưu: mỗi thuê bao nhận tối đa ${before.messages} tin`, { exact: false })
      .waitFor();
  });

  it('shows an approval in the audit log, filtered by its campaign', async () => {
    const { page } = run;
    // UI: an approver approves the seeded campaign through the review page.
    await signIn(run, approver);
    await menu('Phê duyệt');
    await page.getByRole('link', { name: campaignName, exact: true }).click();
    await page.getByRole('heading', { name: `Xem xét chiến dịch: ${campaignName}` }).waitFor();
    await page.getByRole('button', { name: 'Phê duyệt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Xác nhận phê duyệt' });
    await dialog.getByRole('button', { name: 'Phê duyệt' }).click();
    await page.getByText('Đã phê duyệt chiến dịch.').waitFor();

    await signIn(run, admin);
    await menu('Nhật ký thao tác');
    await page.locator('tr[data-action]').first().waitFor();
    expect(await run.check('admin-audit')).toEqual([]);

    await page.getByLabel('Mã chiến dịch').fill(campaignId);
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    const approval = page.locator('tr[data-action="approve"]');
    await approval.waitFor();
    // Newest first: approval, submission, creation; all of this campaign, named by its name.
    expect(
      await page.locator('tr[data-action]').evaluateAll((rows) => rows.map((row) => row.dataset.action)),
    ).toEqual(['approve', 'submit', 'create']);
    expect(await approval.locator('td').nth(1).textContent()).toBe(approver.user);
    expect(await approval.locator('td').nth(2).textContent()).toBe('Phê duyệt');
    await approval.getByRole('link', { name: campaignName }).waitFor();
    expect(await approval.getByRole('link', { name: campaignName }).getAttribute('href')).toBe(
      `/campaigns/${campaignId}`,
    );
    expect(await approval.getByText('Chờ phê duyệt → Đã lên lịch').count()).toBe(1);
    expect(page.url()).toContain(`campaignId=${campaignId}`);
    expect(await run.check('admin-audit-filtered')).toEqual([]);

    await page.getByLabel('Mã chiến dịch').fill('khong-co-chien-dich-nay');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.getByText('Chiến dịch khong-co-chien-dich-nay chưa có thao tác nào.').waitFor();
    expect(await run.check('admin-audit-empty')).toEqual([]);

    await page.getByLabel('Mã chiến dịch').fill('x'.repeat(65));
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await errorAt('audit-campaign').waitFor();
    expect(await run.check('admin-audit-refused')).toEqual([]);

    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    await page.locator('tr[data-action]').first().waitFor();
    // Only the refusals this test provoked reached the browser's console.
    expect(
      run.pageErrors.filter((error) => !/status of (400|404)|ERR_CONNECTION_REFUSED/.test(error)),
    ).toEqual([]);
  });
});
