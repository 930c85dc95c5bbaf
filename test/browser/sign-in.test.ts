import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, openConsole, type ConsoleRun } from './harness.js';
import { signIn, type Who } from './seed.js';

let run: ConsoleRun;
beforeAll(async () => {
  run = await openConsole('sign-in');
});
afterAll(() => run?.stop());

/** Signs in through the form and answers the main navigation, once the header names who signed in. */
const signedInNav = async (who: Who, roleShown: string) => {
  await signIn(run, who);
  await run.page.getByText(`${who.user} (${roleShown})`).waitFor();
  return run.page.getByRole('navigation', { name: 'Điều hướng chính' });
};

/** Back on the sign-in page with no token left in the tab. */
const expectSignedOut = async (page: Page) => {
  await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
  expect(await page.evaluate('sessionStorage.getItem("console.token")')).toBeNull();
};

describe('signing in to the console (local runtime)', () => {
  it('sends a visitor to the sign-in page, which offers the four roles in Vietnamese', async () => {
    const { page } = run;
    await page.goto(`${run.url}/campaigns`);
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    const roles = await page.getByRole('radio').evaluateAll((inputs) => inputs.length);
    expect(roles).toBe(4);
    for (const role of ['Cán bộ truyền thông', 'Người phê duyệt', 'Cán bộ theo dõi số liệu', 'Quản trị viên'])
      await page.getByLabel(role, { exact: true }).waitFor();
    expect(await page.title()).toBe('Đăng nhập – Chiến dịch nhắn tin phòng, chống mua bán người');
    expect(await run.check('sign-in')).toEqual([]);
  });

  it('sends back to the sign-in page, saying why, when the API refuses the token', async () => {
    const { page } = run;
    // Well formed and unexpired, but not signed by this runtime.
    const claims = {
      sub: 'someone@local',
      'cognito:groups': ['officer'],
      exp: Math.floor(Date.now() / 1000) + 3600,
    };
    const forged = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
    await page.evaluate(`sessionStorage.setItem('console.token', ${JSON.stringify(forged)})`);
    await page.goto(`${run.url}/campaigns`);
    await page.getByText('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.').waitFor();
    await expectSignedOut(page);
  });

  it('signs an officer in with a token kept in sessionStorage, never localStorage, and signs out', async () => {
    const { page } = run;
    const nav = await signedInNav({ role: 'officer', user: 'can-bo.backan@local' }, 'Cán bộ truyền thông');
    for (const item of ['Chiến dịch', 'Tạo chiến dịch', 'Danh sách người nhận', 'Từ chối nhận tin'])
      await nav.getByRole('link', { name: item, exact: true }).waitFor();
    expect(await page.evaluate('Object.keys(localStorage).length')).toBe(0);
    expect(await page.evaluate('sessionStorage.getItem("console.token")')).toMatch(/^ey/);
    expect(await run.check('campaigns-empty')).toEqual([]);

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await expectSignedOut(page);
  });

  it('hides from a planner what only officers may do', async () => {
    const { page } = run;
    const nav = await signedInNav({ role: 'planner', user: 'theo-doi@local' }, 'Cán bộ theo dõi số liệu');
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Chiến dịch',
      'Số liệu tổng hợp',
      'Lịch',
      'Mẫu tin nhắn',
    ]);
    expect(await page.getByRole('link', { name: 'Tạo chiến dịch' }).count()).toBe(0);
  });

  it('switches to English and back', async () => {
    const { page } = run;
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await page.getByLabel('Language').selectOption('vi');
    await page.getByRole('heading', { name: 'Chiến dịch' }).waitFor();
    // The refused token's 401 is the only failed request the browser logged.
    expect(run.pageErrors.filter((error) => !/status of 401/.test(error))).toEqual([]);
  });
});

describe('the browser-test harness', () => {
  it('does report a serious accessibility violation when a page has one', async () => {
    const page = await run.context.newPage();
    await page.goto(`${run.url}/sign-in`);
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    await page.evaluate('document.getElementById("user").removeAttribute("id")');
    expect((await axeViolations(page)).map((violation) => violation.id)).toContain('label');
    await page.close();
  });
});
