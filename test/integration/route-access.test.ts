import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStandInClient } from '#adapters/clients.js';
import { allRoutes, type RouteId } from '#api/routes.js';
import type { RouteDef } from '#http/route.js';
import { startLocalDispatcher } from '#local/dispatcher.js';
import { invokeLocally, type LambdaHandler } from '#local/invoke.js';
import type { LocalStreams } from '#local/streams.js';
import { startLocalImportJobs } from '#local/import-jobs.js';
import { apiClient, type TestApi } from '#support/api.js';
import {
  authorizationOf,
  pathWith,
  probePath,
  requiredQuery,
  startApiWithSecret,
  type PathIds,
} from '#support/authorization.js';
import { startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { startTestStreams } from '#support/streams.js';
import { importInBackground } from '#support/imports.js';
import { batchesOf, createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { FUNCTION_TABLE_GRANTS } from '#lib/table-actions.js';
import {
  accessViolations,
  overGrant,
  recordTableCalls,
  unqueriedIndexes,
  type Declared,
} from '#support/table-access.js';
import { bodyOf, send, type RouteJson } from '#support/typed-api.js';
import { postInbound, postReports } from '#support/webhooks.js';

/**
 * Issue #18: the CDK grants each route's Lambda what its `table` declares ('none', 'read', 'write') and
 * `Query` on the `indexes` it declares, and test/cdk/stack.test.ts checks the grants equal the declaration;
 * this checks the declaration is what the handler really needs. Every route of the table is driven (a
 * request it answers with success, each variant that queries otherwise, and the authorization matrix's
 * probe with ids that exist nowhere), every DynamoDB call its handler sends is recorded
 * (test/support/table-access.ts), and each must be one lib/ grants the route's declared access, on the
 * route's table and its declared indexes; a 'write' route must have written, a 'read' one read, and each
 * declared index must have been queried. The functions besides the routes (dispatch consumer,
 * materialiser, sweep, scheduled start, aggregator) are held to FUNCTION_TABLE_GRANTS alike. What the local
 * stand-ins for EventBridge and its Scheduler write to the table goes through a client of their own
 * (`localStandInClient`): in AWS it is no table call, and a route that makes one must declare `uses`.
 */

let server: Awaited<ReturnType<typeof startApiWithSecret>>;
let api: Omit<TestApi, 'close'>;
let dispatcher: { stop(): Promise<void> };
let importJobs: { stop(): Promise<void> } | undefined;
let partner: SimulatedPartner;
let recorder: ReturnType<typeof recordTableCalls>;
let standIns: ReturnType<typeof recordTableCalls>;
let streams: LocalStreams;
let ids: PathIds;
let webhookSecret = '';
let draftId = '';

const WEBHOOK_PARTNER = 'access-hooks';
const ROTATED_PARTNER = 'access-rotated';
const RECIPIENTS = Array.from({ length: 4 }, (_, i) => phone('viettel', 2_400_000 + i));
const OPTED_OUT = phone('viettel', 2_400_100);
const ERASED = phone('viettel', 2_400_200);

const partnerJson = (name: string): RouteJson<'putPartner'> => ({
  name,
  webhookUrl: `https://${name}.example.com/sms`,
  carriers: ['*'],
  tps: 10,
  senderId: 'ACCESS',
});

const draftJson = (): RouteJson<'createCampaign'> => ({
  name: 'Quyền truy cập',
  message: 'Canh giac. Goi 111.',
  audienceIds: [ids.audienceId],
  partnerIds: [partner.id],
  schedule: { asap: true },
  sendingWindow: null,
});

const draftCampaign = async (): Promise<string> =>
  bodyOf(await send(api, 'createCampaign', { as: 'officer', json: draftJson() }), 201).id;

type StartHandler = LambdaHandler<{ campaignId: string }, unknown>;

/** A campaign to be sent next week, submitted: its approval schedules it. */
const scheduledCampaign = async (): Promise<string> => {
  const created = await send(api, 'createCampaign', {
    as: 'officer',
    json: { ...draftJson(), schedule: { sendAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } },
  });
  const campaignId = bodyOf(created, 201).id;
  const submitted = await send(api, 'transitionCampaign', {
    params: { campaignId, action: 'submit' },
    as: 'officer',
  });
  expect(submitted.status).toBe(200);
  return campaignId;
};

const approve = (campaignId: string) =>
  send(api, 'transitionCampaign', { params: { campaignId, action: 'approve' }, as: 'approver' });

beforeAll(async () => {
  // From the start: what the set-up's own requests make the handlers send is checked too.
  recorder = recordTableCalls();
  standIns = recordTableCalls(localStandInClient());
  // The metrics aggregator on the table's stream, as in AWS.
  streams = await startTestStreams();
  server = await startApiWithSecret();
  api = apiClient(server.url, server.secret);
  dispatcher = await startLocalDispatcher({ pollMs: 50 });
  partner = await startSimulatedPartner(api, {
    id: 'access-viettel',
    carriers: ['viettel'],
    tps: 100,
    reportTo: server.url,
  });
  for (const id of [WEBHOOK_PARTNER, ROTATED_PARTNER]) {
    const put = await send(api, 'putPartner', { params: { partnerId: id }, json: partnerJson(id) });
    if (id === WEBHOOK_PARTNER) webhookSecret = bodyOf(put, 201).signingSecret;
  }
  expect((await send(api, 'createOptOut', { as: 'officer', json: { phone: OPTED_OUT } })).status).toBe(201);
  const audienceId = await createAudience(
    api,
    'Truy cập',
    [...RECIPIENTS, OPTED_OUT].map((p) => ({ phone: p })),
  );
  await createAudience(api, 'Xoá', [{ phone: ERASED }]);
  const campaign = await launchCampaign(api, {
    audienceIds: [audienceId],
    partnerIds: [partner.id],
    message: 'Canh giac. Goi 111. {{link:https://example.gov.vn/111}}',
    // A code per recipient, stored with its message: what `GET /l/{code}` is called with.
    clickTracking: 'recipient',
  });
  const template = await send(api, 'createTemplate', {
    as: 'officer',
    json: { name: 'Quyền', message: 'Kính gửi {{tên|bà con}}: gọi 111.' },
  });
  await waitForStatus(api, campaign.id, 'completed', 30_000);
  // An import of an upload, in the background: what `GET .../imports/{importId}` reads.
  importJobs = await startLocalImportJobs(50);
  const imported = await importInBackground(
    api,
    audienceId,
    `Số điện thoại\r\n${phone('viettel', 2_400_700)}\r\n`,
  );
  const code =
    (await batchesOf(campaign.id)).flatMap((batch) => batch.messages).find((message) => message.code)?.code ??
    '';
  ids = {
    campaignId: campaign.id,
    audienceId,
    partnerId: partner.id,
    templateId: bodyOf(template, 201).id,
    version: '1',
    phone: OPTED_OUT,
    code,
    action: 'submit',
    importId: imported.importId,
  };
  draftId = await draftCampaign();
  // A campaign for next week, started as EventBridge Scheduler would when it falls due (local/scheduler.ts).
  const scheduled = await scheduledCampaign();
  expect((await approve(scheduled)).status).toBe(200);
  const { handler: start } = (await import('#scheduled/start-campaign.js')) as { handler: StartHandler };
  await invokeLocally('startCampaign', start, { campaignId: scheduled });
  await waitForStatus(api, scheduled, 'completed', 30_000);
  await streams.drain();
}, 120_000);

afterAll(async () => {
  recorder?.stop();
  standIns?.stop();
  await streams?.stop();
  await importJobs?.stop();
  await dispatcher?.stop();
  await partner?.close();
  await server?.close();
});

/**
 * A request each route that changes something (or takes a body) answers with success; a GET route is
 * called on the set-up's ids instead (`readSucceeds`). A route with neither fails the first test below.
 */
const SUCCEEDS: Partial<Record<RouteId, () => Promise<{ status: number }>>> = {
  putPartner: () =>
    send(api, 'putPartner', { params: { partnerId: 'access-put' }, json: partnerJson('put') }),
  rotatePartnerSecret: () => send(api, 'rotatePartnerSecret', { params: { partnerId: ROTATED_PARTNER } }),
  createAudience: () => send(api, 'createAudience', { as: 'officer', json: { name: 'Mới' } }),
  importSubscribers: () =>
    send(api, 'importSubscribers', {
      params: { audienceId: ids.audienceId },
      as: 'officer',
      json: { subscribers: [{ phone: phone('viettel', 2_400_300) }] },
    }),
  createImportUpload: () =>
    send(api, 'createImportUpload', {
      params: { audienceId: ids.audienceId },
      as: 'officer',
      json: { contentType: 'text/csv' },
    }),
  createReportExport: () =>
    send(api, 'createReportExport', { params: { campaignId: ids.campaignId }, as: 'planner' }),
  createOptOut: () =>
    send(api, 'createOptOut', { as: 'officer', json: { phone: phone('viettel', 2_400_400) } }),
  deleteOptOut: async () => {
    const removed = phone('viettel', 2_400_500);
    expect((await send(api, 'createOptOut', { as: 'officer', json: { phone: removed } })).status).toBe(201);
    return send(api, 'deleteOptOut', { params: { phone: removed } });
  },
  eraseSubscriber: () => send(api, 'eraseSubscriber', { params: { phone: ERASED } }),
  estimateMessage: () => send(api, 'estimateMessage', { as: 'planner', json: { text: 'Gọi 111.' } }),
  putSettings: () => send(api, 'putSettings', { json: { frequencyCap: { messages: 3, hours: 24 } } }),
  createTemplate: () =>
    send(api, 'createTemplate', { as: 'officer', json: { name: 'Mẫu', message: 'Gọi 111.' } }),
  updateTemplate: () =>
    send(api, 'updateTemplate', {
      as: 'officer',
      params: { templateId: ids.templateId },
      json: { name: 'Quyền (sửa)' },
    }),
  archiveTemplate: async () => {
    const params = { templateId: ids.templateId };
    expect((await send(api, 'archiveTemplate', { params: { ...params, action: 'archive' } })).status).toBe(
      200,
    );
    return send(api, 'archiveTemplate', { params: { ...params, action: 'unarchive' } });
  },
  createCampaign: () => send(api, 'createCampaign', { as: 'officer', json: draftJson() }),
  updateCampaign: () =>
    send(api, 'updateCampaign', {
      params: { campaignId: draftId },
      as: 'officer',
      json: { name: 'Quyền truy cập (sửa)' },
    }),
  transitionCampaign: async () =>
    send(api, 'transitionCampaign', {
      params: { campaignId: await draftCampaign(), action: 'submit' },
      as: 'officer',
    }),
  testCampaign: () =>
    send(api, 'testCampaign', {
      params: { campaignId: draftId },
      as: 'officer',
      json: { phones: [phone('viettel', 2_400_600)] },
    }),
  receiveDeliveryReports: () =>
    postReports(server.url, WEBHOOK_PARTNER, webhookSecret, [
      { messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', status: 'delivered', at: new Date().toISOString() },
    ]),
  receiveInbound: () =>
    postInbound(server.url, WEBHOOK_PARTNER, webhookSecret, [
      { id: 'access-reply-1', from: RECIPIENTS[1], text: 'Cảm ơn', at: new Date().toISOString() },
    ]),
};

/** A GET route on the set-up's ids, as an admin (every role route lets admins in); no redirect followed. */
const readSucceeds = async (route: RouteDef): Promise<{ status: number }> => {
  const authorization = await authorizationOf(server.secret, 'admin');
  const response = await fetch(`${server.url}${pathWith(route.path, ids)}${requiredQuery(route.path)}`, {
    headers: authorization ? { authorization } : {},
    redirect: 'manual',
  });
  await response.text();
  return response;
};

/** A request each route answers with success that queries otherwise than its first (a filter, an action). */
const VARIANTS: Partial<Record<RouteId, readonly (() => Promise<{ status: number }>)[]>> = {
  // The index `byStatus` (the first request lists every campaign, on `lists`).
  listCampaigns: [() => send(api, 'listCampaigns', { as: 'admin', query: { status: 'completed' } })],
  // The index `lists` (the first request lists the templates not archived, on `byStatus`).
  listTemplates: [() => send(api, 'listTemplates', { as: 'admin', query: { archived: 'true' } })],
  // The campaign's own partition (the first request lists the audit of every campaign, on `lists`).
  listAudit: [() => send(api, 'listAudit', { as: 'admin', query: { campaignId: ids.campaignId } })],
  listCampaignMessages: [
    () =>
      send(api, 'listCampaignMessages', {
        as: 'admin',
        params: { campaignId: ids.campaignId },
        query: { status: 'delivered' },
      }),
  ],
  // Reject, cancel, and a future schedule paused, resumed and cancelled (set-up: submit and approve).
  transitionCampaign: [
    async () => {
      const campaignId = await draftCampaign();
      const transition = (action: 'submit' | 'reject', as: 'officer' | 'approver') =>
        send(api, 'transitionCampaign', {
          params: { campaignId, action },
          as,
          ...(action === 'reject' ? { json: { reason: 'Sai số điện thoại' } } : {}),
        });
      expect((await transition('submit', 'officer')).status).toBe(200);
      return transition('reject', 'approver');
    },
    async () => {
      const campaignId = await scheduledCampaign();
      expect((await approve(campaignId)).status).toBe(200);
      for (const action of ['pause', 'resume'] as const)
        expect(
          (await send(api, 'transitionCampaign', { params: { campaignId, action }, as: 'officer' })).status,
        ).toBe(200);
      return send(api, 'transitionCampaign', { params: { campaignId, action: 'cancel' }, as: 'officer' });
    },
  ],
};

/** A page after the first of a list route (one whose query takes a `cursor`), or `undefined`. */
const nextPage = async (route: RouteDef): Promise<{ status: number } | undefined> => {
  if (!(route.query instanceof z.ZodObject) || !('cursor' in route.query.shape)) return undefined;
  const authorization = await authorizationOf(server.secret, 'admin');
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const path = `${server.url}${pathWith(route.path, ids)}`;
  const first = await fetch(`${path}?limit=1`, { headers });
  const { nextCursor } = z.object({ nextCursor: z.string().nullable() }).parse(await first.json());
  if (nextCursor === null) return first;
  const next = await fetch(`${path}?limit=1&cursor=${encodeURIComponent(nextCursor)}`, { headers });
  await next.text();
  return next;
};

/** The authorization matrix's request (test/integration/authorization.test.ts), as an admin. */
const probe = async (route: RouteDef): Promise<number> => {
  const authorization = await authorizationOf(server.secret, 'admin');
  const response = await fetch(`${server.url}${probePath(route.path)}`, {
    method: route.method,
    headers: authorization ? { authorization } : {},
    redirect: 'manual',
  });
  await response.text();
  return response.status;
};

describe('every route, driven', () => {
  for (const route of allRoutes) {
    it(`${route.id}: ${route.method} ${route.path} answers a success, and the probe no 5xx`, async () => {
      const succeed = Object.entries(SUCCEEDS).find(([id]) => id === route.id)?.[1];
      if (!succeed && route.method !== 'GET')
        throw new Error(`${route.id}: give it a successful request in SUCCEEDS`);
      const requests = [
        succeed ?? (() => readSucceeds(route)),
        ...(VARIANTS[route.id as RouteId] ?? []),
        ...(route.method === 'GET' ? [() => nextPage(route)] : []),
      ];
      for (const request of requests) {
        const answer = await request();
        if (!answer) continue;
        expect(answer.status, route.id).toBeGreaterThanOrEqual(200);
        expect(answer.status, route.id).toBeLessThan(400);
      }
      expect(await probe(route), route.id).toBeLessThan(500);
    });
  }
});

describe('each route’s DynamoDB calls', () => {
  const table = process.env.TABLE_NAME ?? '';

  for (const route of allRoutes) {
    const indexes = route.indexes?.join(', ') || 'none';
    it(`${route.id} sends only what its declared access (table: ${route.table}, indexes: ${indexes}) is granted`, () => {
      const calls = recorder.of(route.id);
      expect(accessViolations(route, calls, table)).toEqual([]);
      expect(overGrant(route, calls)).toBeUndefined();
      expect(unqueriedIndexes(route, calls)).toBeUndefined();
    });
  }

  // Not whether each wrote: the sweep writes only what a crash or a lost event left to finish.
  for (const [name, grant] of Object.entries(FUNCTION_TABLE_GRANTS)) {
    const declared: Declared = { id: name, ...grant };
    it(`${name} sends only what FUNCTION_TABLE_GRANTS grants it (indexes: ${grant.indexes.join(', ') || 'none'})`, () => {
      const calls = recorder.of(name);
      expect(calls.length, name).toBeGreaterThan(0);
      expect(accessViolations(declared, calls, table)).toEqual([]);
      expect(unqueriedIndexes(declared, calls)).toBeUndefined();
    });
  }

  it('left the local stand-ins’ writes (events, schedules) to their own client, from routes that declare them', () => {
    const senders = new Set(standIns.calls.map((call) => call.functionName));
    expect(senders.size).toBeGreaterThan(0);
    for (const name of senders) {
      const route = allRoutes.find((r) => r.id === name);
      const uses = route?.uses?.filter((use) => use === 'events' || use === 'scheduler') ?? [];
      if (route) expect(uses, `${name} writes through the stand-ins`).not.toEqual([]);
    }
  });

  it('count what a streamed answer reads as it streams as its route’s (report.csv’s batch pages)', () => {
    const tablePartitionQueries = recorder
      .of('campaignReportCsv')
      .filter((call) => call.operation === 'Query' && call.needs.every((need) => !need.index));
    expect(tablePartitionQueries.length).toBeGreaterThanOrEqual(2);
  });

  it('were recorded per invocation: the background functions’ calls are not a route’s', () => {
    const functions = new Set(recorder.calls.map((call) => call.functionName));
    expect(functions).toContain('dispatchConsumer');
    for (const name of functions)
      if (name !== undefined && !allRoutes.some((route) => route.id === name))
        expect(recorder.of(name).length).toBeGreaterThan(0);
  });
});
