import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigateTo, openConsole, type ConsoleRun } from './harness.js';
import { seed, seedAudience, seedSubmittedCampaign, signIn } from './seed.js';

/**
 * A planner follows a campaign while it sends, through the UI. SEED (through the API, as the officer's,
 * approver's and admin's pages belong to other parts): the simulated partner for Vietnamobile slowed to
 * 1 message a second (restored afterwards), an audience of 24 Vietnamobile numbers, a campaign for it
 * to send as soon as it is approved, submitted (it has not started until the second test approves it). UI (everything asserted): the campaigns list, the live metrics
 * page moving until the campaign completes, report.csv, the messages list and its filter, an unknown
 * campaign, a refused report, and the summary across campaigns.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);
const officer = { role: 'officer', user: `can-bo.${suffix}@local` } as const;
const approver = { role: 'approver', user: `phe-duyet.${suffix}@local` } as const;
const admin = { role: 'admin', user: `quan-tri.${suffix}@local` } as const;
const planner = { role: 'planner', user: `theo-doi.${suffix}@local` } as const;

const RECIPIENTS = 24;
const SLOW_PARTNER = 'sim-other';
/** Vietnamobile (092): only the catch-all simulator serves it. New numbers each run, clear of the cap. */
const base = (Math.floor(Date.now() / 1000) % 100_000) * RECIPIENTS;
const PHONES = Array.from({ length: RECIPIENTS }, (_, i) => `092${String(base + i).padStart(7, '0')}`);
const PROVINCES = ['Thái Nguyên', 'Cao Bằng', 'Lạng Sơn'];
const campaignName = `Theo dõi 30/7 ${suffix}`;
/** contract §2: what a planner sees of +84921234567. */
const MASKED = /^\+8492\*{4}\d{3}$/;

/** The partner as PUT takes it: its view without the fields the server keeps. */
const partnerInput = ({
  id: _i,
  createdAt: _c,
  updatedAt: _u,
  secretRotatedAt: _s,
  ...input
}: Record<string, unknown>) => input;

let campaignId: string;
let slowPartner: Record<string, unknown>;

beforeAll(async () => {
  run = await openConsole('planner');
  slowPartner = partnerInput(await seed(admin, 'GET', `/v1/partners/${SLOW_PARTNER}`));
  await seed(admin, 'PUT', `/v1/partners/${SLOW_PARTNER}`, { ...slowPartner, tps: 1 });
  const audienceId = await seedAudience(
    officer,
    `Vietnamobile ${suffix}`,
    PHONES.map((phone, i) => ({ phone, province: PROVINCES[i % PROVINCES.length] })),
  );
  campaignId = await seedSubmittedCampaign(officer, {
    name: campaignName,
    message: 'Cảnh giác với lời mời việc nhẹ lương cao ở nước ngoài. Gọi Tổng đài 111 (miễn phí).',
    audienceIds: [audienceId],
    schedule: { asap: true },
    // Any hour: with the default window (07:00–22:00 in Vietnam) it would wait for the morning whenever
    // the tests run after 15:00 UTC.
    sendingWindow: null,
  });
}, 180_000);
afterAll(async () => {
  if (slowPartner) await seed(admin, 'PUT', `/v1/partners/${SLOW_PARTNER}`, slowPartner);
  await run?.stop();
});

const countOf = async (step: string) =>
  Number((await run.page.getByTestId(`count-${step}`).textContent())?.replace(/\D/g, '') ?? NaN);

describe('a planner in the console', () => {
  it('says a campaign that has not started has no metrics yet, with no update time', async () => {
    const { page } = run;
    await signIn(run, planner);
    await page.goto(`${run.url}/campaigns/${campaignId}/metrics`);
    await page
      .getByTestId('metrics-state')
      .getByText('Chiến dịch chưa bắt đầu gửi nên chưa có số liệu.')
      .waitFor();
    expect(await page.getByTestId('metrics-updated').count()).toBe(0);
    expect(await run.check('planner-metrics-not-started')).toEqual([]);
  });

  it('follows a sending campaign on its metrics page until it completes', async () => {
    const { page } = run;
    // SEED: the approver approves; it starts at once.
    await seed(approver, 'POST', `/v1/campaigns/${campaignId}/approve`, {});
    await signIn(run, planner);
    await page.getByRole('navigation').getByRole('link', { name: 'Số liệu tổng hợp' }).waitFor();
    // The list is read once: reload it until the campaign shows as sending.
    await expect
      .poll(
        async () => {
          await page.goto(`${run.url}/campaigns?status=sending`);
          await page.getByRole('heading', { name: 'Chiến dịch', exact: true }).waitFor();
          await page.locator('table, p:has-text("Chưa có chiến dịch")').first().waitFor();
          return page.getByRole('link', { name: campaignName, exact: true }).count();
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toBe(1);
    await page.getByRole('link', { name: campaignName, exact: true }).click();
    await page.getByRole('heading', { name: `Số liệu: ${campaignName}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${campaignId}/metrics`);
    await page.getByTestId('metrics-status').getByText('Đang gửi').waitFor();
    // Targeted grows as the audience is read into batches, up to every recipient.
    await expect.poll(() => countOf('targeted'), { timeout: 60_000 }).toBe(RECIPIENTS);

    // Sent grows over successive polls, and the chart's numbers with it, while it is still sending.
    const chart = page.getByTestId('timeline-chart');
    await chart.locator('canvas').first().waitFor();
    const first = await countOf('sent');
    const firstLabel = await chart.getByRole('img').getAttribute('aria-label');
    await expect.poll(() => countOf('sent'), { timeout: 60_000 }).toBeGreaterThan(first);
    expect(await chart.getByRole('img').getAttribute('aria-label')).not.toBe(firstLabel);
    const sending = await page.getByTestId('metrics-status').textContent();
    const sentWhileSending = await countOf('sent');
    if (sending === 'Đang gửi' && sentWhileSending < RECIPIENTS) {
      await page.getByText('Đang tự cập nhật trong khi gửi.').waitFor();
      expect(await run.check('planner-metrics-sending')).toEqual([]);
    }

    await page.getByTestId('metrics-status').getByText('Hoàn thành').waitFor({ timeout: 120_000 });
    await page.getByText('Chiến dịch đã kết thúc; số liệu không thay đổi nữa.').waitFor();
    expect(await countOf('sent')).toBe(RECIPIENTS);
    expect((await countOf('delivered')) + (await countOf('failed'))).toBe(RECIPIENTS);
    expect(await countOf('queued')).toBe(0);
    await page.getByTestId('by-carrier').getByRole('rowheader', { name: 'Vietnamobile' }).waitFor();
    expect(await page.getByTestId('by-province').getByRole('rowheader').allTextContents()).toEqual(
      expect.arrayContaining(PROVINCES),
    );
    // 24 messages of 2 segments each (Vietnamese letters: UCS-2, 70 characters a segment) at 350 ₫.
    expect(await countOf('segments')).toBe(2 * RECIPIENTS);
    expect(await page.getByTestId('cost').textContent()).toBe('16.800\u00a0₫');
    await expect
      .poll(() => chart.getByRole('img').getAttribute('aria-label'))
      .toContain(`Tổng: ${RECIPIENTS} đã chuyển cho nhà mạng`);

    // By minute: the same chart, finer.
    await page.getByLabel('Phút').check();
    await chart.locator('figcaption').getByText('Theo thời gian (Phút)').waitFor();
    await chart.getByText('Xem số liệu dạng bảng').click();
    expect(await chart.getByRole('table').getByRole('row').count()).toBeGreaterThan(1);
    await page.getByLabel('Giờ').check();
    await chart.locator('figcaption').getByText('Theo thời gian (Giờ)').waitFor();
    expect(await run.check('planner-metrics-completed')).toEqual([]);
    expect(run.pageErrors).toEqual([]);
  });

  it('downloads report.csv with one row per recipient, phones masked', async () => {
    const { page } = run;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải báo cáo (CSV)' }).click(),
    ]);
    // A file name has no `/`: 30/7 becomes 30_7.
    expect(download.suggestedFilename()).toBe(`${campaignName.replace('/', '_')}.csv`);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/phone/i);
    expect(lines).toHaveLength(RECIPIENTS + 1);
    const header = lines[0]?.split(',') ?? [];
    const phoneAt = header.findIndex((name) => /phone/i.test(name));
    for (const line of lines.slice(1)) expect(line.split(',')[phoneAt]).toMatch(MASKED);
  });

  it('says clearly when the report is refused', async () => {
    const { page } = run;
    await page.route('**/v1/campaigns/*/report.csv', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'forbidden', message: 'Forbidden', details: [] } }),
      }),
    );
    await page.getByRole('button', { name: 'Tải báo cáo (CSV)' }).click();
    await page
      .getByRole('alert')
      .getByText('Không tải được báo cáo: Vai trò của bạn không được phép thực hiện việc này.')
      .waitFor();
    await page.unroute('**/v1/campaigns/*/report.csv');
    expect(await run.check('planner-report-refused')).toEqual([]);
  });

  it('filters the messages list and sees only masked phones', async () => {
    const { page } = run;
    await page.getByRole('link', { name: 'Danh sách tin nhắn' }).click();
    await page.getByRole('heading', { name: `Tin nhắn: ${campaignName}` }).waitFor();
    await page.getByTestId('message-phone').first().waitFor();
    expect(await page.getByTestId('message-phone').count()).toBe(RECIPIENTS);
    expect(await run.check('planner-messages')).toEqual([]);

    await page.getByLabel('Trạng thái').selectOption({ label: 'Đã đến máy' });
    await page.waitForURL(/status=delivered/);
    await page.getByTestId('message-phone').first().waitFor();
    const delivered = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(delivered.length).toBeGreaterThan(0);
    expect(new Set(delivered)).toEqual(new Set(['delivered']));
    for (const phone of await page.getByTestId('message-phone').allTextContents())
      expect(phone).toMatch(MASKED);
    expect(await page.getByText('0920', { exact: false }).count()).toBe(0);

    await page.getByLabel('Trạng thái').selectOption({ label: 'Đang chờ gửi' });
    await page.getByTestId('messages-empty').getByText('Không có tin nhắn nào ở trạng thái này.').waitFor();
    expect(await run.check('planner-messages-empty')).toEqual([]);
  });

  it('shows an unknown campaign plainly', async () => {
    const { page } = run;
    await page.goto(`${run.url}/campaigns/khong-co/metrics`);
    await page.getByTestId('metrics-unknown').getByText('Không tìm thấy chiến dịch này.').waitFor();
    expect(await run.check('planner-metrics-unknown')).toEqual([]);
  });

  it('sums up the campaigns of a period with a chart', async () => {
    const { page } = run;
    // SEED: five more campaigns with long names, one Viettel number each, sent at once: the chart's axis
    // names each bar, and a phone has room for three names at most.
    const others = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const name = `Tuyên truyền phòng chống mua bán người ${i + 1} ${suffix}`;
        const audienceId = await seedAudience(officer, `Một số ${i + 1} ${suffix}`, [
          { phone: `098${String(base + i).padStart(7, '0')}`, province: 'Cao Bằng' },
        ]);
        const id = await seedSubmittedCampaign(officer, {
          name,
          message: 'Gọi Tổng đài 111 (miễn phí) khi nghi ngờ mua bán người.',
          audienceIds: [audienceId],
          schedule: { asap: true },
          sendingWindow: null,
        });
        await seed(approver, 'POST', `/v1/campaigns/${id}/approve`, {});
        return name;
      }),
    );
    await navigateTo(page, 'Số liệu tổng hợp');
    // The summary is read once: show it again until every campaign has sent.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Xem số liệu' }).click();
          await page.getByRole('row').filter({ hasText: campaignName }).waitFor();
          return page.getByRole('row').filter({ hasText: 'Tuyên truyền phòng chống' }).count();
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toBe(others.length);
    await page.getByTestId('summary-chart').locator('canvas').first().waitFor();
    expect(await run.check('planner-summary')).toEqual([]);

    // A range the wrong way round: the API's reason beside the field.
    await page.getByLabel('Từ ngày').fill('2027-08-01');
    await page.getByLabel('Đến ngày').fill('2027-07-01');
    await page.getByRole('button', { name: 'Xem số liệu' }).click();
    await page.locator('#summary-to-error').waitFor();
    expect(await page.locator('#summary-to-error').textContent()).toBe('Đến: phải sau thời điểm bắt đầu');
    expect(await run.check('planner-summary-error')).toEqual([]);
  });
});
