import { bodyOf, expectStatus, send, type AnswerBody, type RouteCallOptions } from '#support/typed-api.js';
import { localFileStore } from '#adapters/local-file-store.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { keys } from '#adapters/table.js';
import type { TestApi } from '#support/api.js';
import { startSendingStack, type SendingStack } from '#support/stack.js';

type MessagesQuery = NonNullable<RouteCallOptions<'listCampaignMessages'>['query']>;
import {
  batchesOf,
  createAudience,
  launchCampaign,
  phone,
  waitForStatus,
  type Subscriber,
} from '#support/sending.js';

/**
 * Per-message reports (contract §7): the messages list and report.csv of a campaign sent through a
 * simulated partner in batches of 4, with some recipients no partner serves (failed: unroutable), one who
 * opted out and one over the frequency cap (suppressed).
 */

let api: TestApi;
let stack: SendingStack;
let campaignId: string;

// 22 Viettel recipients (the partner's carrier) and 5 VinaPhone ones nobody serves.
const subscribers: Subscriber[] = [
  ...Array.from({ length: 22 }, (_, i) => ({
    phone: phone('viettel', 4_000_000 + i),
    province: i % 2 ? 'Thừa Thiên Huế' : 'Bắc Kạn',
  })),
  ...Array.from({ length: 5 }, (_, i) => ({
    phone: phone('vinaphone', 4_000_000 + i),
    province: 'Hà Giang',
  })),
];
/** Suppressed: opted out before the campaign, and over the frequency cap (1 a day) after an earlier one. */
const OPTED_OUT = phone('mobifone', 4_000_100);
const CAPPED = phone('viettel', 4_000_200);
subscribers.push({ phone: OPTED_OUT, province: 'Bắc Kạn' }, { phone: CAPPED });
const phones = subscribers.map((s) => s.phone).sort();
const sent = phones.filter((p) => p !== OPTED_OUT && p !== CAPPED);
const TARGETED = 29;

beforeAll(async () => {
  stack = await startSendingStack({
    id: 'reports-viettel',
    carriers: ['viettel'],
    tps: 100,
    maxBatchSize: 4,
  });
  api = stack.api;
  expect((await send(api, 'createOptOut', { as: 'officer', json: { phone: OPTED_OUT } })).status).toBe(201);
  const cap = await send(api, 'putSettings', {
    as: 'admin',
    json: { frequencyCap: { messages: 1, hours: 24 } },
  });
  expectStatus(cap, 200);
  const earlier = await launchCampaign(api, {
    audienceIds: [await createAudience(api, 'Trước', [{ phone: CAPPED }])],
    partnerIds: [stack.partner.id],
  });
  await waitForStatus(api, String(earlier.id), 'completed', 30_000);
  const audience = await createAudience(api, 'Báo cáo', subscribers);
  const campaign = await launchCampaign(api, {
    audienceIds: [audience],
    partnerIds: [stack.partner.id],
    message: 'Canh giac. {{link:https://example.gov.vn/111}}',
    clickTracking: 'recipient',
  });
  campaignId = String(campaign.id);
  await waitForStatus(api, campaignId, 'completed', 30_000);
});

afterAll(() => stack?.stop());

type Role = 'planner' | 'officer';

/** Every row of the list, following `nextCursor` page by page. */
const allMessages = async (as: Role, query: MessagesQuery, pageSizes: number[] = []) => {
  const rows: AnswerBody<'listCampaignMessages', 200>['items'] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const response = await send(api, 'listCampaignMessages', {
      params: { campaignId },
      query: { ...query, cursor },
      as,
    });
    expectStatus(response, 200);
    pageSizes.push(response.body.items.length);
    rows.push(...response.body.items);
    cursor = response.body.nextCursor ?? undefined;
  } while (cursor && ++pages < 100);
  return rows;
};

/** A route of the campaign's report answers 404 for an unknown campaign and 401 without a token. */
const itRefusesUnknownCampaignAndNoToken = (route: 'listCampaignMessages' | 'createReportExport') =>
  it('answers 404 for an unknown campaign and 401 without a token', async () => {
    expect((await send(api, route, { params: { campaignId: 'nope' }, as: 'planner' })).status).toBe(404);
    expect((await send(api, route, { params: { campaignId }, as: null })).status).toBe(401);
  });

describe('GET /v1/campaigns/{id}/messages', () => {
  it('pages through every recipient exactly once across batch boundaries', async () => {
    const sizes: number[] = [];
    const rows = await allMessages('officer', { limit: 3 }, sizes);
    expect(rows.map((r) => r.phone).sort()).toEqual(phones);
    expect(new Set(rows.map((r) => r.messageId).filter(Boolean)).size).toBe(27);
    expect(sizes.slice(0, -1).every((n) => n === 3)).toBe(true);
    // Batches hold 4, so pages of 3 stop inside batches.
    expect(new Set(rows.map((r) => r.messageId?.split('.')[1])).size).toBeGreaterThan(6);
    const row = rows.find((r) => r.phone === phone('viettel', 4_000_001));
    expect(row).toMatchObject({
      carrier: 'viettel',
      province: 'Huế',
      partnerId: stack.partner.id,
      reason: null,
      clicks: 0,
    });
    expect(['pending', 'delivered']).toContain(row?.status);
    expect(typeof row?.sentAt).toBe('string');
    expect(typeof row?.updatedAt).toBe('string');
  });

  it('filters by status', async () => {
    const failed = await allMessages('officer', { status: 'failed', limit: 2 });
    expect(failed.map((r) => r.phone).sort()).toEqual(phones.filter((p) => p.startsWith('+8491')));
    expect(failed.every((r) => r.reason === 'unroutable' && r.partnerId === null && r.sentAt === null)).toBe(
      true,
    );
    const others = [
      ...(await allMessages('officer', { status: 'pending', limit: 5 })),
      ...(await allMessages('officer', { status: 'delivered', limit: 5 })),
      ...(await allMessages('officer', { status: 'queued', limit: 5 })),
    ];
    expect(others.map((r) => r.phone).sort()).toEqual(sent.filter((p) => p.startsWith('+8498')));
  });

  it('lists every targeted recipient: the suppressed ones too, with the reason, as many as the metrics count', async () => {
    // In phone order: +8490… (MobiFone) before +8498… (Viettel).
    const suppressed = await allMessages('officer', { status: 'suppressed', limit: 1 });
    expect(suppressed).toEqual([
      expect.objectContaining({
        messageId: null,
        phone: OPTED_OUT,
        status: 'suppressed',
        reason: 'opted_out',
        partnerId: null,
        province: 'Thái Nguyên',
      }),
      expect.objectContaining({
        messageId: null,
        phone: CAPPED,
        status: 'suppressed',
        reason: 'frequency_cap',
        sentAt: null,
      }),
    ]);
    const everyone = await allMessages('officer', { limit: 7 });
    expect(everyone).toHaveLength(TARGETED);
    expect(
      everyone
        .filter((r) => r.status === 'suppressed')
        .map((r) => r.phone)
        .sort(),
    ).toEqual([CAPPED, OPTED_OUT].sort());
    // What the metrics' `suppressed` counts (the progress item, written when materialisation finished).
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.progress(campaignId) }),
    );
    expect(Item).toMatchObject({ suppressed: 1, capped: 1 });
  });

  it('masks phones for a planner and shows them in full to an officer', async () => {
    const planner = await allMessages('planner', { limit: 50 });
    expect(planner).toHaveLength(TARGETED);
    for (const row of planner) expect(row.phone).toMatch(/^\+84\d{2}\*+\d{3}$/);
    const officer = await allMessages('officer', { limit: 50 });
    for (const row of officer) expect(row.phone).toMatch(/^\+84\d{9}$/);
  });

  it.each([
    ['an unknown status', 'status=sent', 'status'],
    ['a limit over 500', 'limit=501', 'limit'],
    ['a cursor it never returned', 'cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['a cursor of another list', `cursor=${Buffer.from('{"pk":"x"}').toString('base64url')}`, 'cursor'],
  ])('refuses %s with 400', async (_why, query, field) => {
    const response = await send(api, 'listCampaignMessages', {
      params: { campaignId },
      badQuery: Object.fromEntries(new URLSearchParams(query)),
      as: 'planner',
    });
    expectStatus(response, 400);
    expect(response.body.error.details?.map((d) => d.path)).toContain(field);
  });

  itRefusesUnknownCampaignAndNoToken('listCampaignMessages');
});

describe('POST /v1/campaigns/{id}/report-exports (issue #18)', () => {
  const reportCsv = async (as: Role) => {
    const response = await fetch(`${api.url}/v1/campaigns/${campaignId}/report.csv`, {
      headers: { authorization: `Bearer ${await api.token(as)}` },
    });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  it('answers a URL that downloads, without a token, exactly report.csv, for each role its own', async () => {
    for (const as of ['officer', 'planner'] as const) {
      const exported = bodyOf(await send(api, 'createReportExport', { params: { campaignId }, as }), 201);
      expect(exported).toMatchObject({ rows: TARGETED, filename: `campaign-${campaignId}.csv` });
      expect(new Date(exported.expiresAt).getTime()).toBeGreaterThan(Date.now());
      const download = await fetch(exported.url);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(download.headers.get('content-disposition')).toContain(
        `attachment; filename="campaign-${campaignId}.csv"`,
      );
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.length).toBe(exported.bytes);
      expect(bytes.equals(await reportCsv(as))).toBe(true);
    }
  });

  it('masks phones in a planner’s export', async () => {
    const exported = bodyOf(
      await send(api, 'createReportExport', { params: { campaignId }, as: 'planner' }),
      201,
    );
    const rows = (await (await fetch(exported.url)).text()).trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(TARGETED);
    for (const row of rows) expect(row.split(',')[1]).toMatch(/^\+84\d{2}\*+\d{3}$/);
  });

  it('refuses its URL once altered or expired, as S3 does (403)', async () => {
    const exported = bodyOf(
      await send(api, 'createReportExport', { params: { campaignId }, as: 'officer' }),
      201,
    );
    const altered = new URL(exported.url);
    altered.pathname = altered.pathname.replace(/[^/]+\.csv$/, '01ARZ3NDEKTSV4RRFFQ69G5FAV.csv');
    const refusedAltered = await fetch(altered);
    expect(refusedAltered.status).toBe(403);
    expect(await refusedAltered.text()).toContain('<Code>AccessDenied</Code>');
    // The same file, signed by the same stand-in, with an expiry already past.
    const key = new URL(exported.url).pathname.replace('/local-files/', '');
    const expired = await localFileStore().downloadUrl(key, {
      filename: 'x.csv',
      contentType: 'text/csv',
      expiresInSeconds: -1,
    });
    const refusedExpired = await fetch(expired);
    expect(refusedExpired.status).toBe(403);
    expect(await refusedExpired.text()).toContain('Request has expired');
    // The same file through a URL still valid: the refusals were the URLs', not the file's.
    const fresh = await localFileStore().downloadUrl(key, {
      filename: 'x.csv',
      contentType: 'text/csv',
      expiresInSeconds: 60,
    });
    expect((await fetch(fresh)).status).toBe(200);
  });

  itRefusesUnknownCampaignAndNoToken('createReportExport');
});

describe('GET /v1/campaigns/{id}/report.csv', () => {
  const download = async (as: Role) =>
    fetch(`${api.url}/v1/campaigns/${campaignId}/report.csv`, {
      headers: { authorization: `Bearer ${await api.token(as)}` },
    });

  it('is UTF-8 with a BOM, a header and one row per recipient, Vietnamese intact', async () => {
    const response = await download('officer');
    expectStatus(response, 200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="campaign-${campaignId}.csv"`,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      'messageId,phone,carrier,province,partnerId,status,reason,sentAt,updatedAt,clicks,treatment,language',
    );
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1).map((line) => line.split(','));
    expect(rows).toHaveLength(TARGETED);
    expect(
      rows
        .filter((r) => r[5] === 'suppressed')
        .map((r) => [r[1], r[6]])
        .sort(),
    ).toEqual(
      [
        [CAPPED, 'frequency_cap'],
        [OPTED_OUT, 'opted_out'],
      ].sort(),
    );
    expect(rows.map((r) => r[1]).sort()).toEqual(phones);
    expect(rows.filter((r) => r[3] === 'Huế')).toHaveLength(11);
    expect(
      rows.filter((r) => r[3] === 'Tuyên Quang' && r[5] === 'failed' && r[6] === 'unroutable'),
    ).toHaveLength(5);
  });

  it('masks phones for a planner', async () => {
    const text = (await (await download('planner')).text()).replace(/^\uFEFF/, '');
    const rows = text.trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(TARGETED);
    for (const row of rows) expect(row.split(',')[1]).toMatch(/^\+84\d{2}\*+\d{3}$/);
  });

  it('answers 404 for an unknown campaign', async () => {
    expect(
      (await send(api, 'campaignReportCsv', { params: { campaignId: 'nope' }, as: 'planner' })).status,
    ).toBe(404);
  });

  it('counts each recipient’s clicks, in the report as in the list', async () => {
    const batch = (await batchesOf(campaignId)).find((b) => !b.test && b.messages.some((m) => m.code));
    const clicked = batch?.messages.find((m) => m.code);
    if (!batch || !clicked?.code) throw new Error('no message with a short link');
    for (let n = 0; n < 2; n++)
      expect((await fetch(`${api.url}/l/${clicked.code}`, { redirect: 'manual' })).status).toBe(302);
    const id = `${campaignId}.${batch.seq}.${clicked.index}`;

    const text = (await (await download('officer')).text()).replace(/^\uFEFF/, '');
    const [header = '', ...lines] = text.trim().split('\r\n');
    const rows = lines.map((line) => line.split(','));
    const clicksAt = header.split(',').indexOf('clicks');
    const clicksOf = (row: string[] | undefined) => row?.[clicksAt];
    expect(clicksOf(rows.find((r) => r[0] === id))).toBe('2');
    // Every other recipient with a link shows 0 clicks; unroutable and suppressed ones, which got no link, none.
    const others = rows.filter((r) => r[0] !== id);
    const linked = others.filter((r) => r[6] !== 'unroutable' && r[5] !== 'suppressed');
    expect(linked.every((r) => clicksOf(r) === '0')).toBe(true);
    expect(others.filter((r) => r[5] === 'suppressed').every((r) => clicksOf(r) === '')).toBe(true);

    const listed = await allMessages('officer', { limit: 500 });
    expect(listed.find((r) => r.messageId === id)?.clicks).toBe(2);
  });
});
