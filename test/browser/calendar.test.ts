import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigateTo, openConsole, type ConsoleRun } from './harness.js';
import { seed, seedAudience, signIn } from './seed.js';

/**
 * The calendar in the console. SEED (through the API): the audience (the officer's audience pages are
 * another part's), and the approval of the campaign (the approver's review page is tested in
 * approval.test.ts). UI (everything asserted): the year with today, 30/7 and the peak period; moving
 * between days by keyboard; a campaign started from 30/7 of next year, written and submitted in the
 * editor, then shown on its day once approved, with a link to it.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);
const officer = { role: 'officer', user: `lich.${suffix}@local` } as const;
const approver = { role: 'approver', user: `duyet-lich.${suffix}@local` } as const;
/** ASCII, so language.test.ts, sharing the runtime, does not read it as the console's Vietnamese. */
const campaignName = `Calendar 30/7 ${suffix}`;
const audienceName = `Ba Bể ${suffix}`;

/** This year and next in Vietnam (UTC+7 all year). */
const thisYear = Number(new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 4));
const nextYear = thisYear + 1;
const antiTraffickingDay = `30 tháng 7, Ngày Toàn dân phòng, chống mua bán người, Cao điểm phòng, chống mua bán người`;

const openCalendar = async (year: number) => {
  const { page } = run;
  await navigateTo(page, 'Lịch', `Lịch năm ${thisYear}`);
  if (year !== thisYear) {
    await page.getByRole('link', { name: `Năm ${year} →` }).click();
    await page.getByRole('heading', { name: `Lịch năm ${year}`, level: 1 }).waitFor();
  }
  await page.getByText('Dùng phím mũi tên để chuyển ngày').waitFor();
};

beforeAll(async () => {
  run = await openConsole('calendar');
  await run.page.goto(`${run.url}/sign-in`);
  await seedAudience(officer, audienceName, [{ phone: '0987000444', province: 'Bắc Kạn' }]);
});
afterAll(() => run?.stop());

describe('the calendar', () => {
  it('shows this year with today marked, and next year with 30/7 and the peak period', async () => {
    const { page } = run;
    await signIn(run, officer);
    await openCalendar(thisYear);
    const today = page.locator('button[aria-current="date"]');
    expect(await today.count()).toBe(1);
    expect(await today.locator('.visually-hidden').textContent()).toMatch(/^\d+ tháng \d+, .*Hôm nay$/);
    expect(await page.getByRole('table', { name: `Tháng 7 ${thisYear}` }).count()).toBe(1);
    expect(await run.check('calendar-this-year')).toEqual([]);

    await openCalendar(nextYear);
    await page.getByRole('button', { name: antiTraffickingDay, exact: true }).waitFor();
    // 1/7–30/9: 31 + 31 + 30 days shaded, from the API's calendar.
    await expect.poll(() => page.locator('td.calendar__cell--peak').count()).toBe(92);
    expect(await page.locator('td.calendar__cell--day').count()).toBe(1);
    expect(
      await page
        .getByRole('button', { name: '1 tháng 7, Cao điểm phòng, chống mua bán người', exact: true })
        .count(),
    ).toBe(1);
    expect(await page.getByRole('button', { name: '30 tháng 6', exact: true }).count()).toBe(1);
    expect(await page.locator('button[aria-current="date"]').count()).toBe(0);
    expect(await run.check('calendar-next-year')).toEqual([]);
  });

  it('moves between days with the arrow keys, one day in the tab order', async () => {
    const { page } = run;
    expect(await page.locator('.calendar__day[tabindex="0"]').count()).toBe(1);
    await page.locator(`button[data-date="${nextYear}-01-31"]`).click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate('document.activeElement?.dataset.date')).toBe(`${nextYear}-02-01`);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate('document.activeElement?.dataset.date')).toBe(`${nextYear}-02-08`);
    expect(await page.locator('.calendar__day[tabindex="0"]').getAttribute('data-date')).toBe(
      `${nextYear}-02-08`,
    );
    await page.keyboard.press('Enter');
    const day = page.getByRole('region', { name: 'Ngày 8 tháng 2' });
    await day.getByText('Chưa có chiến dịch nào trong ngày này.').waitFor();
    await day.getByRole('link', { name: 'Tạo chiến dịch gửi ngày 8 tháng 2' }).waitFor();
    expect(await run.check('calendar-day-open')).toEqual([]);
    await day.getByRole('button', { name: 'Đóng' }).click();
    await day.waitFor({ state: 'detached' });
  });

  it('starts a campaign from 30/7: the editor opens with that day at 08:00', async () => {
    const { page } = run;
    await page.getByRole('button', { name: antiTraffickingDay, exact: true }).click();
    const day = page.getByRole('region', { name: 'Ngày 30 tháng 7' });
    await day.getByText('Ngày Toàn dân phòng, chống mua bán người', { exact: true }).waitFor();
    await day.getByRole('link', { name: 'Tạo chiến dịch gửi ngày 30 tháng 7' }).click();
    await page.getByRole('heading', { name: 'Tạo chiến dịch', level: 1 }).waitFor();
    expect(new URL(page.url()).search).toBe(`?startDate=${nextYear}-07-30`);
    expect(await page.getByLabel('Gửi lúc').isChecked()).toBe(true);
    expect(await page.getByLabel('Ngày gửi').inputValue()).toBe(`${nextYear}-07-30`);
    expect(await page.getByLabel('Giờ gửi').inputValue()).toBe('08:00');
    await page
      .getByTestId('resolved')
      .getByText(`Sẽ gửi lúc 08:00 ngày 30/07/${nextYear} (giờ Việt Nam).`)
      .waitFor();
    expect(await run.check('calendar-start-campaign')).toEqual([]);

    await page.getByLabel('Tên chiến dịch').fill(campaignName);
    await page.getByLabel('Nội dung tin nhắn').fill('Canh giac voi loi moi viec nhe luong cao. Goi 111.');
    await page.getByLabel(new RegExp(audienceName)).check();
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.getByText('Đã lưu bản nháp.').waitFor();
    await page.getByRole('button', { name: 'Gửi phê duyệt' }).click();
    await page.getByText('Đã gửi phê duyệt. Người phê duyệt sẽ xem xét chiến dịch.').waitFor();
    const campaignId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const approved = await seed(approver, 'POST', `/v1/campaigns/${campaignId}/approve`, {});
    expect(approved.status).toBe('scheduled');
  });

  it('shows the scheduled campaign on its day, with a link to it', async () => {
    const { page } = run;
    await openCalendar(nextYear);
    const marked = page.getByRole('button', { name: `${antiTraffickingDay}, 1 chiến dịch`, exact: true });
    await marked.waitFor();
    expect(await marked.locator('.calendar__count').textContent()).toBe('1');
    const july = page.getByRole('region', { name: 'Tháng 7' });
    await july.getByRole('link', { name: campaignName }).waitFor();
    expect(await july.locator('.calendar__month-campaigns li').textContent()).toContain('30/7 08:00');
    await marked.click();
    const day = page.getByRole('region', { name: 'Ngày 30 tháng 7' });
    await day.getByText('Đã lên lịch').waitFor();
    expect(await run.check('calendar-scheduled')).toEqual([]);
    await day.getByRole('link', { name: campaignName }).click();
    await page.getByRole('heading', { name: campaignName }).waitFor();
    expect(run.pageErrors).toEqual([]);
  });
});
