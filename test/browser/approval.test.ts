import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { holdRequests, navigateTo, openConsole, type ConsoleRun } from './harness.js';
import { seed, seedAudience, seedSubmittedCampaign, signIn, type Who } from './seed.js';

/**
 * The approver's work in the console. SEED (through the API, as the officer's part is not under test here):
 * an audience, a campaign an approver created and submitted himself, and an officer's campaign submitted for
 * approval; later the officer's fix and resubmission. UI (everything asserted): the queue, the review page,
 * the refusal the creator sees, a rejection with its reason, what changed since, the approval with its
 * confirmation, and the campaign followed until the simulators have delivered it.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);
const officer = { role: 'officer', user: `can-bo.${suffix}@local` } as const;
const creatingApprover = { role: 'approver', user: `tao.${suffix}@local` } as const;
const approver = { role: 'approver', user: `phe-duyet.${suffix}@local` } as const;
const admin = { role: 'admin', user: `quan-tri.${suffix}@local` } as const;

const ownName = `Tự tạo ${suffix}`;
const campaignName = `30/7 Bắc Kạn ${suffix}`;
const firstMessage =
  'Cảnh giác với lời mời việc nhẹ lương cao ở nước ngoài. {{link:https://bocongan.gov.vn/111}}';
const fixedMessage =
  'Cảnh giác với lời mời việc nhẹ lương cao ở nước ngoài. Gọi Tổng đài 111 (miễn phí). {{link:https://bocongan.gov.vn/111}}';
/** Viettel, VinaPhone and MobiFone: one simulator each. */
const PHONES = ['0987000111', '0917000222', '0907000333'];

/** SEED: a campaign of the audience, far ahead, submitted for approval. */
const seedCampaign = (who: Who, name: string) =>
  seedSubmittedCampaign(who, {
    name,
    message: firstMessage,
    audienceIds: [audienceId],
    schedule: { sendAt: '2099-07-30T08:00:00+07:00' },
    sendingWindow: { start: '07:00', end: '22:00' },
  });

/** UI: the queue, then a campaign's review page. */
const openReview = async (name: string) => {
  const { page } = run;
  await navigateTo(page, 'Phê duyệt');
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name: `Xem xét chiến dịch: ${name}` }).waitFor();
};

const vnd = (n: number) => `${new Intl.NumberFormat('vi-VN').format(Math.round(n))}\u00a0₫`;
const count = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
/** `08:00 ngày 30/07/2027` in Asia/Ho_Chi_Minh (UTC+7 all year). */
const hoChiMinh = (instant: Date) => {
  const local = new Date(instant.getTime() + 7 * 3_600_000).toISOString();
  return `${local.slice(11, 16)} ngày ${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
};

let audienceId: string;
let campaignId: string;

beforeAll(async () => {
  run = await openConsole('approval');
  await run.page.goto(`${run.url}/sign-in`);
  // SEED: the audience, and two campaigns waiting for approval.
  audienceId = await seedAudience(
    officer,
    `Chợ Đồn ${suffix}`,
    PHONES.map((phone) => ({ phone, province: 'Bắc Kạn' })),
  );
  await seedCampaign(creatingApprover, ownName);
  campaignId = await seedCampaign(officer, campaignName);
});
afterAll(() => run?.stop());

describe('an approver in the console', () => {
  it('shows the creator why they may not approve, and offers no decision', async () => {
    const { page } = run;
    await signIn(run, creatingApprover);
    await navigateTo(page, 'Phê duyệt');
    const ownRow = page.getByRole('row').filter({ hasText: ownName });
    await ownRow.getByText('Bạn không thể phê duyệt').waitFor();
    expect(await run.check('approvals-queue')).toEqual([]);

    await openReview(ownName);
    await page
      .getByTestId('barred')
      .getByText('Bạn không thể phê duyệt chiến dịch do chính mình tạo hoặc chỉnh sửa.')
      .waitFor();
    expect(await page.getByTestId('created-by').textContent()).toBe(creatingApprover.user);
    expect(await page.getByRole('button', { name: 'Phê duyệt' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Từ chối' }).count()).toBe(0);
    expect(await page.getByTestId('phone-preview').textContent()).toContain('Cảnh giác');
    expect(await run.check('review-barred')).toEqual([]);
  });

  it('lets another approver reject with a reason, which is required', async () => {
    const { page } = run;
    await signIn(run, approver);
    await openReview(campaignName);
    expect(await page.getByTestId('created-by').textContent()).toBe(officer.user);
    expect(await page.getByTestId('submitted-by').textContent()).toContain(officer.user);
    expect(await page.getByTestId('review-when').textContent()).toBe('08:00 ngày 30/07/2099');
    expect(await page.getByTestId('changes').count()).toBe(0);
    expect(await run.check('review-first')).toEqual([]);

    await page.getByRole('button', { name: 'Từ chối' }).click();
    await page.getByText('Lý do từ chối: bắt buộc').waitFor();
    await page.getByLabel('Lý do từ chối').fill('Thiếu số Tổng đài 111; gửi ngay, không chờ đến 2099.');
    await page.getByRole('button', { name: 'Từ chối' }).click();
    await page.getByText('Đã từ chối chiến dịch. Cán bộ truyền thông sẽ sửa và gửi lại.').waitFor();
    expect(await page.getByTestId('review-status').textContent()).toBe('Bị từ chối');
    expect(await page.getByRole('button', { name: 'Phê duyệt' }).count()).toBe(0);
  });

  it('shows the refusal when someone else decided first, never fails silently', async () => {
    const { page } = run;
    const raced = await seedCampaign(officer, `Tranh nhau ${suffix}`);
    await openReview(`Tranh nhau ${suffix}`);
    // SEED: another reviewer approves while this page is open.
    await seed(admin, 'POST', `/v1/campaigns/${raced}/approve`, {});
    await page.getByRole('button', { name: 'Phê duyệt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Xác nhận phê duyệt' });
    await dialog.getByText('lúc 08:00 ngày 30/07/2099.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Phê duyệt' }).click();
    await page
      .getByRole('alert')
      .getByText(
        'Chiến dịch đã thay đổi trạng thái trong lúc bạn xem (có thể người khác vừa xem xét). Trang đã cập nhật trạng thái mới.',
      )
      .waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('review-status').getByText('Đã lên lịch').waitFor();
    expect(await page.getByRole('button', { name: 'Phê duyệt' }).count()).toBe(0);
    expect(await run.check('review-conflict')).toEqual([]);
    await seed(officer, 'POST', `/v1/campaigns/${raced}/cancel`, {});
  });

  it('shows what changed after the fix, approves with the confirmation, and follows the sending to the end', async () => {
    const { page } = run;
    // SEED: the officer fixes the message and the schedule and resubmits (the officer's part, not under test).
    // It is to start in 15 s: the confirmation names that time; approved before or after it, it starts then
    // or at once, and the page follows it to completed.
    const sendAt = new Date(Date.now() + 15_000);
    await seed(officer, 'PATCH', `/v1/campaigns/${campaignId}`, {
      message: fixedMessage,
      schedule: { sendAt: sendAt.toISOString() },
      sendingWindow: null,
    });
    const resubmitted = await seed(officer, 'POST', `/v1/campaigns/${campaignId}/submit`, {});
    const estimate = resubmitted.estimate as { sendable: number; totalSegments: number; cost: number };
    expect(estimate.sendable).toBe(3);

    await openReview(campaignName);
    const changes = page.getByTestId('changes');
    await changes.getByText(`${approver.user} đã từ chối lúc`, { exact: false }).waitFor();
    await changes.getByText('Thiếu số Tổng đài 111', { exact: false }).waitFor();
    expect(
      await changes.locator('[data-field]').evaluateAll((items) => items.map((li) => li.dataset.field)),
    ).toEqual(['message', 'schedule', 'sendingWindow']);
    expect(await changes.locator('[data-field="message"] ins').allTextContents()).toEqual([
      'Đã thêm: Gọi Tổng đài 111 (miễn phí). ',
    ]);
    expect(await changes.locator('[data-field="schedule"] del').textContent()).toBe('08:00 ngày 30/07/2099');
    expect(await changes.locator('[data-field="schedule"] ins').textContent()).toBe(hoChiMinh(sendAt));
    expect(await changes.locator('[data-field="sendingWindow"] ins').textContent()).toBe(
      'Gửi bất kỳ giờ nào',
    );
    expect(await page.getByTestId('edited-by').textContent()).toBe('Không có');
    expect(await run.check('review-changes')).toEqual([]);

    await page.getByRole('button', { name: 'Phê duyệt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Xác nhận phê duyệt' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('approve-sentence').textContent()).toBe(
      `Phê duyệt chiến dịch này? Hệ thống sẽ gửi 3 tin nhắn (${count(estimate.totalSegments)} tin nhắn thành phần, ${vnd(estimate.cost)}) lúc ${hoChiMinh(sendAt)}.`,
    );
    expect(await run.check('review-confirm')).toEqual([]);
    // The first answer is held while the button is pressed again: one approval is sent, the button
    // says it is working and is disabled until the answer comes.
    const approvals = await holdRequests(page, '**/v1/campaigns/*/approve');
    const confirm = dialog.locator('.button--primary');
    await confirm.click();
    await vi.waitFor(() => expect(approvals.sent()).toBe(1));
    expect(await confirm.isDisabled()).toBe(true);
    expect(await confirm.textContent()).toBe('Đang xử lý…');
    await confirm.click({ force: true });
    approvals.release();
    await page.getByText('Đã phê duyệt chiến dịch.').waitFor();
    await approvals.stop();
    expect(approvals.sent()).toBe(1);
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('.error-summary').count()).toBe(0);

    // The page follows the campaign while it sends: wait for the state, however long the simulators take.
    await page.getByTestId('review-status').getByText('Hoàn thành').waitFor({ timeout: 90_000 });
    expect(await run.check('review-completed')).toEqual([]);
    expect(await page.getByTestId('approved-by').textContent()).toContain(approver.user);
    // And in the campaigns list, reached through the navigation, its status has moved to completed.
    await navigateTo(page, 'Chiến dịch');
    await page
      .locator(`tr[data-campaign="${campaignId}"] .status--completed`)
      .getByText('Hoàn thành')
      .waitFor();
    expect(await run.check('campaigns-after-approval')).toEqual([]);
    const audit = await seed(admin, 'GET', `/v1/audit?campaignId=${campaignId}`);
    const actions = (audit.items as { action: string; actor: string }[]).map((e) => [e.action, e.actor]);
    expect(actions.filter(([action]) => action === 'approve')).toEqual([['approve', approver.user]]);
    const metrics = await seed(admin, 'GET', `/v1/campaigns/${campaignId}/metrics`);
    expect(metrics).toMatchObject({ status: 'completed', targeted: 3 });
    // The browser logs the refused approval of the race above; nothing else went wrong.
    expect(run.pageErrors.filter((error) => !error.includes('status of 409'))).toEqual([]);
  });
});
