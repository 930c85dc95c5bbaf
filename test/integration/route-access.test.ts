import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '#adapters/table.js';
import { allRoutes, type RouteId } from '#api/routes.js';
import type { RouteDef } from '#http/route.js';
import { startLocalDispatcher } from '#local/dispatcher.js';
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
import { importInBackground } from '#support/imports.js';
import { batchesOf, createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { accessViolations, overGrant, recordTableCalls } from '#support/table-access.js';
import { bodyOf, send, type RouteJson } from '#support/typed-api.js';
import { postInbound, postReports } from '#support/webhooks.js';

/**
 * Issue #18: the CDK grants each route's Lambda what its `table` declares ('none', 'read', 'write'), and
 * test/cdk/stack.test.ts checks the grants equal the declaration; this checks the declaration is what
 * the handler really needs. Every route of the table is driven (a request it answers with success, and
 * the authorization matrix's probe with ids that exist nowhere), every DynamoDB call its handler sends is
 * recorded (test/support/table-access.ts), and each must be one lib/ grants the route's declared access,
 * on the route's table and its granted indexes; a 'write' route must have written, a 'read' one read.
 */

let server: Awaited<ReturnType<typeof startApiWithSecret>>;
let api: Omit<TestApi, 'close'>;
let dispatcher: { stop(): Promise<void> };
let importJobs: { stop(): Promise<void> } | undefined;
let partner: SimulatedPartner;
let recorder: ReturnType<typeof recordTableCalls>;
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

beforeAll(async () => {
  // From the start: what the set-up's own requests make the handlers send is checked too.
  recorder = recordTableCalls();
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
}, 120_000);

afterAll(async () => {
  recorder?.stop();
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
      const { status } = await (succeed ?? (() => readSucceeds(route)))();
      expect(status, route.id).toBeGreaterThanOrEqual(200);
      expect(status, route.id).toBeLessThan(400);
      expect(await probe(route), route.id).toBeLessThan(500);
    });
  }
});

describe('each route’s DynamoDB calls', () => {
  const granted = {
    table: process.env.TABLE_NAME ?? '',
    indexes: TABLE_SCHEMA.indexes.map((index) => index.name),
  };

  for (const route of allRoutes) {
    it(`${route.id} sends only what its declared access (table: ${route.table}) is granted`, () => {
      const calls = recorder.of(route.id);
      expect(accessViolations(route, calls, granted)).toEqual([]);
      expect(overGrant(route, calls)).toBeUndefined();
    });
  }

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
