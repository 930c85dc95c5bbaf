import { expect, inject } from 'vitest';
import { navigateTo, type ConsoleRun } from './harness.js';

/**
 * What the browser tests share besides the browser: signing in through the sign-in page, and SEED, the
 * API calls that set up what another part's pages would (a test says which in its header).
 */
export type Role = 'officer' | 'approver' | 'planner' | 'admin';
export interface Who {
  role: Role;
  user: string;
}

/** The sign-in page's word for each role, written out so a changed word fails the tests. */
const ROLE_LABEL: Record<Role, string> = {
  officer: 'Cán bộ truyền thông',
  approver: 'Người phê duyệt',
  planner: 'Cán bộ theo dõi số liệu',
  admin: 'Quản trị viên',
};

const tokens = new Map<string, string>();

/** A local token for `who` (`POST /local/token`), asked for once per user. */
export const tokenOf = async (who: Who): Promise<string> => {
  const known = tokens.get(who.user);
  if (known) return known;
  const response = await fetch(`${inject('consoleUrl')}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  expect(response.ok, `token for ${who.user}: ${response.status}`).toBe(true);
  const { token } = (await response.json()) as { token: string };
  tokens.set(who.user, token);
  return token;
};

/** SEED: one API call as `who`; fails the test on any answer but a 2xx. */
export const seed = async (
  who: Who,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> => {
  const response = await fetch(`${inject('consoleUrl')}${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenOf(who)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  expect(response.ok, `${method} ${path}: ${JSON.stringify(json)}`).toBe(true);
  return json;
};

/** SEED: an audience with its subscribers; returns its id. */
export const seedAudience = async (
  who: Who,
  name: string,
  subscribers: readonly { phone: string; province?: string }[],
): Promise<string> => {
  const audience = await seed(who, 'POST', '/v1/audiences', { name });
  const id = String(audience.id);
  await seed(who, 'POST', `/v1/audiences/${id}/subscribers`, { subscribers });
  return id;
};

/** SEED: a campaign (the body of `POST /v1/campaigns`) submitted for approval; returns its id. */
export const seedSubmittedCampaign = async (who: Who, campaign: Record<string, unknown>): Promise<string> => {
  const created = await seed(who, 'POST', '/v1/campaigns', campaign);
  const id = String(created.id);
  await seed(who, 'POST', `/v1/campaigns/${id}/submit`, {});
  return id;
};

/** UI: signs in as `who` through the sign-in page (signed out first), and waits for the campaigns. */
export const signIn = async (run: ConsoleRun, who: Who): Promise<void> => {
  const { page } = run;
  // Before the first visit the page is about:blank, whose sessionStorage may not be read.
  if (page.url().startsWith(run.url)) await page.evaluate('sessionStorage.clear()');
  await page.goto(`${run.url}/sign-in`);
  await page.getByLabel(ROLE_LABEL[who.role]).check();
  await page.getByLabel('Tên người dùng').fill(who.user);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Chiến dịch', exact: true }).waitFor();
};

/** UI: from the navigation to the new-audience form. */
export const openNewAudienceForm = async ({ page }: ConsoleRun): Promise<void> => {
  await navigateTo(page, 'Danh sách người nhận');
  await page.getByRole('link', { name: 'Tạo danh sách' }).click();
  await page.getByRole('heading', { name: 'Tạo danh sách người nhận' }).waitFor();
};

/** UI: creates the audience on the open new-audience form, and waits for its page. */
export const submitNewAudience = async ({ page }: ConsoleRun, name: string): Promise<void> => {
  await page.getByLabel('Tên danh sách').fill(name);
  await page.getByRole('button', { name: 'Tạo danh sách' }).click();
  await page.getByRole('heading', { name }).waitFor();
};
