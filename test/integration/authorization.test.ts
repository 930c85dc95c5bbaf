import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '#api/routes.js';
import { startLocalDispatcher } from '#local/dispatcher.js';
import { apiClient, type TestApi } from '#support/api.js';
import {
  CALLERS,
  PROBE_IDS,
  authorizationOf,
  expectedFor,
  matrixMarkdown,
  pathWith,
  probePath,
  requiredQuery,
  startApiWithSecret,
} from '#support/authorization.js';
import { startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { bodyOf, send } from '#support/typed-api.js';
import { postInbound, postReports } from '#support/webhooks.js';

/**
 * Issue #17, the authorization matrix: every caller (each role, a token with no role of ours, and the
 * tokens that are not valid) × every route, against the table in test/support/authorization.ts; planners
 * never see a full phone number; a partner's signature never opens another partner's webhook.
 */

let server: Awaited<ReturnType<typeof startApiWithSecret>>;
let api: Omit<TestApi, 'close'>;
let dispatcher: { stop(): Promise<void> };
let partner: SimulatedPartner;
let campaignId: string;
let audienceId: string;
let templateId: string;
const secrets: Record<string, string> = {};

const RECIPIENTS = Array.from({ length: 6 }, (_, i) => phone('viettel', 2_100_000 + i));
const OPTED_OUT = phone('viettel', 2_100_100);

beforeAll(async () => {
  server = await startApiWithSecret();
  api = apiClient(server.url, server.secret);
  dispatcher = await startLocalDispatcher({ pollMs: 50 });
  partner = await startSimulatedPartner(api, { id: 'authz-viettel', carriers: ['viettel'], tps: 100 });
  for (const id of ['authz-a', 'authz-b']) {
    const put = await send(api, 'putPartner', {
      params: { partnerId: id },
      json: {
        name: id,
        webhookUrl: `https://${id}.example.com/sms`,
        carriers: ['*'],
        tps: 10,
        senderId: 'AUTHZ',
      },
    });
    secrets[id] = bodyOf(put, 201).signingSecret;
  }
  expect((await send(api, 'createOptOut', { as: 'officer', json: { phone: OPTED_OUT } })).status).toBe(201);
  audienceId = await createAudience(
    api,
    'Quyền',
    [...RECIPIENTS, OPTED_OUT].map((p) => ({ phone: p })),
  );
  const campaign = await launchCampaign(api, {
    audienceIds: [audienceId],
    partnerIds: [partner.id],
    message: 'Canh giac. Goi 111. {{link:https://example.gov.vn/111}}',
  });
  campaignId = campaign.id;
  const template = await send(api, 'createTemplate', {
    as: 'officer',
    json: { name: 'Quyền', message: 'Kính gửi {{tên|bà con}}: gọi 111.' },
  });
  templateId = bodyOf(template, 201).id;
  await waitForStatus(api, campaignId, 'completed', 30_000);
  // A reply from a recipient, so the replies list has a phone in it.
  const reply = await postInbound(server.url, 'authz-a', secrets['authz-a'] ?? '', [
    { id: 'authz-reply-1', from: RECIPIENTS[0], text: 'Cảm ơn', at: new Date().toISOString() },
  ]);
  expect(reply.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await dispatcher?.stop();
  await partner?.close();
  await server?.close();
});

describe('the authorization matrix', () => {
  it('prints the matrix for the docs', () => {
    console.info(`\n${matrixMarkdown()}\n`);
    expect(matrixMarkdown().split('\n')).toHaveLength(allRoutes.length + 2);
  });

  for (const route of allRoutes) {
    it(`${route.method} ${route.path} (${route.auth}): every caller as the matrix says`, async () => {
      const seen: Record<string, number> = {};
      const expected: Record<string, string> = {};
      for (const caller of CALLERS) {
        const authorization = await authorizationOf(server.secret, caller);
        const response = await fetch(`${server.url}${probePath(route.path)}`, {
          method: route.method,
          headers: authorization ? { authorization } : {},
          redirect: 'manual',
        });
        await response.text();
        const want = expectedFor(route, caller);
        seen[caller] =
          want === 'allowed' && response.status !== 401 && response.status !== 403 && response.status < 500
            ? -1
            : response.status;
        expected[caller] = String(want);
      }
      const shown = Object.fromEntries(
        Object.entries(seen).map(([caller, status]) => [caller, status === -1 ? 'allowed' : String(status)]),
      );
      expect(shown).toEqual(expected);
    });
  }
});

/** A Vietnamese mobile in full, in any of its written forms; a masked one (`+8498****321`) never matches. */
const FULL_PHONE = /(?:\+?84|\b0)(?:3|5|7|8|9)\d{8}\b/;

describe('planners and phone numbers', () => {
  const readable = () => allRoutes.filter((route) => route.method === 'GET' && route.auth === 'read');
  const pathFor = (path: string) =>
    pathWith(path, { ...PROBE_IDS, campaignId, audienceId, templateId, phone: OPTED_OUT }) +
    requiredQuery(path);

  it('never see a full phone in any answer they can read, after a send, a reply and an opt-out', async () => {
    const leaks: string[] = [];
    for (const route of readable()) {
      // Every readable route in one walk: the route is a value here, so its answer is read untyped.
      const answer = await api.sendRaw('GET', pathFor(route.path), { as: 'planner' });
      expect(answer.status, `${route.id} ${JSON.stringify(answer.body)}`).toBe(200);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const found = text.match(FULL_PHONE);
      if (found) leaks.push(`${route.id}: ${found[0]}`);
    }
    expect(leaks).toEqual([]);
  });

  it('while officers do see them (the walk reads answers that hold phones)', async () => {
    const shown: string[] = [];
    for (const route of readable()) {
      const answer = await api.sendRaw('GET', pathFor(route.path), { as: 'officer' });
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      if (FULL_PHONE.test(text)) shown.push(route.id);
    }
    expect(shown).toEqual(
      expect.arrayContaining([
        'getOptOut',
        'listCampaignMessages',
        'campaignReportCsv',
        'listCampaignReplies',
      ]),
    );
  });
});

describe("a partner's signature", () => {
  const report = {
    messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    status: 'delivered',
    at: new Date().toISOString(),
  };
  const inbound = { id: 'cross-1', from: '0981234567', text: 'STOP', at: new Date().toISOString() };

  it("never works on another partner's delivery reports or inbound webhook", async () => {
    const a = secrets['authz-a'] ?? '';
    const b = secrets['authz-b'] ?? '';
    expect((await postReports(server.url, 'authz-b', a, [report])).status).toBe(401);
    expect((await postInbound(server.url, 'authz-b', a, [inbound])).status).toBe(401);
    expect((await postReports(server.url, 'authz-a', b, [report])).status).toBe(401);
    // Each partner's own signature does open its own webhook.
    expect((await postReports(server.url, 'authz-b', b, [report])).status).toBe(200);
    expect((await postInbound(server.url, 'authz-b', b, [inbound])).status).toBe(200);
  });
});
