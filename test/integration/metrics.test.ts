import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoBatchStore } from '#adapters/batch-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { dynamoMetricsReader } from '#adapters/metrics-store.js';
import { dynamoProgressStore } from '#adapters/progress-store.js';
import { keys } from '#adapters/table.js';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import { batchCodec } from '#adapters/table/batch.js';
import { SHARDS } from '#core/metrics/changes.js';
import { sumCounters } from '#core/metrics/counters.js';
import { aggregateMetrics } from '#streams/aggregate-metrics.js';
import type { LocalStreams } from '#local/streams.js';
import { countRequests } from '../../bench/counters.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { allStreamRecords, startTestStreams } from '#support/streams.js';
import { expectStatus, send, bodyOf, type RouteCallOptions } from '#support/typed-api.js';

const T0 = '2027-07-30T01:05:00.000Z';
const T1 = '2027-07-30T01:47:00.000Z';
const T2 = '2027-07-30T02:10:00.000Z';

const client = dynamoDocumentClient();
const table = tableName();
const batches = dynamoBatchStore(client, table);
let api: TestApi;
let streams: LocalStreams;

const putCampaign = (id: string, sendAt = T0, status = 'sending') =>
  client.send(
    new PutCommand({
      TableName: table,
      Item: {
        ...keys.campaign(id),
        ...keys.campaignList('2027-07-01T00:00:00.000Z', id),
        entity: 'Campaign',
        id,
        name: `Chiến dịch ${id}`,
        status,
        sendAt,
        startedAt: sendAt,
        estimate: { currency: 'VND' },
        createdAt: '2027-07-01T00:00:00.000Z',
        updatedAt: '2027-07-01T00:00:00.000Z',
      },
    }),
  );

const message = (i: number, carrier: BatchMessage['carrier'], province: string): BatchMessage => ({
  index: i,
  to: `+849800000${String(i).padStart(2, '0')}`,
  carrier,
  province,
  state: 'queued',
});

const newBatch = (campaignId: string, seq: number, messages: BatchMessage[], test = false): Batch => ({
  campaignId,
  seq,
  partnerId: 'viettel-hn',
  routes: ['viettel-hn'],
  status: 'queued',
  attempt: 0,
  availableAt: T0,
  messages,
  segments: 2,
  ...(test ? { test: true } : {}),
  createdAt: T0,
  updatedAt: T0,
});

/** What the dispatcher and delivery reports do to a batch: replace its messages, bump its version. */
const changeMessages = (campaignId: string, seq: number, messages: BatchMessage[], ver: number) =>
  client.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.batch(campaignId, seq),
      UpdateExpression: 'SET messages = :m, ver = :ver, price = :price, currency = :vnd',
      ExpressionAttributeValues: {
        ':m': batchCodec.messagesToItem(messages),
        ':ver': ver,
        ':price': 350,
        ':vnd': 'VND',
      },
    }),
  );

const click = (campaignId: string, code: string, at: string) =>
  client.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.click(code),
      UpdateExpression:
        'ADD clicks :one SET lastAt = :now, firstAt = if_not_exists(firstAt, :now), campaignId = :c, entity = :e, seq = :seq, i = :i, carrier = :carrier',
      ExpressionAttributeValues: {
        ':one': 1,
        ':now': at,
        ':c': campaignId,
        ':e': 'Click',
        ':seq': 1,
        ':i': 0,
        ':carrier': 'viettel',
      },
    }),
  );

const inbound = (campaignId: string, id: string, optOut: boolean) =>
  client.send(
    new PutCommand({
      TableName: table,
      Item: {
        ...keys.inbound('viettel-hn', id),
        ...keys.replyList(campaignId, T2, 'viettel-hn', id),
        entity: 'Inbound',
        partnerId: 'viettel-hn',
        id,
        from: '+84980000001',
        text: optOut ? 'Từ chối' : 'Cảm ơn',
        at: T2,
        receivedAt: T2,
        campaignId,
        optOut,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );

const metrics = async (campaignId: string, query: RouteCallOptions<'getCampaignMetrics'>['query'] = {}) => {
  const body = bodyOf(
    await send(api, 'getCampaignMetrics', { params: { campaignId }, query, as: 'planner' }),
    200,
  );
  expect(body.targeted).toBe(body.suppressed + body.queued + body.pending + body.delivered + body.failed);
  return body;
};

beforeAll(async () => {
  api = await startTestApi();
  streams = await startTestStreams();
});

afterAll(async () => {
  await streams.stop();
  await api.close();
});

describe('campaign metrics from the table stream', () => {
  const id = 'metricsA';
  const first = [
    message(0, 'viettel', 'Bắc Kạn'),
    message(1, 'viettel', 'Bắc Kạn'),
    message(2, 'mobifone', 'Hà Nội'),
  ];
  const second = [message(0, 'vinaphone', 'Hà Nội'), message(1, 'viettel', 'Bắc Kạn')];

  beforeAll(async () => {
    await putCampaign(id);
    await batches.putBatches([
      newBatch(id, 1, first),
      newBatch(id, 2, second),
      newBatch(id, 900_000_000, [message(0, 'viettel', 'Bắc Kạn')], true),
    ]);
    await dynamoProgressStore(client, table).finish(id, {
      totalBatches: 2,
      settledBatches: 0,
      suppressed: 3,
      capped: 1,
      unroutable: 0,
    });
  });

  it('counts materialised recipients as queued and suppressed ones as suppressed', async () => {
    await streams.drain();
    const body = await metrics(id);
    expect(body).toMatchObject({
      campaignId: id,
      status: 'sending',
      targeted: 9,
      suppressed: 4,
      queued: 5,
      sent: 0,
      deliveryRate: 0,
    });
  });

  it('follows sending, delivery reports, clicks and replies exactly, with hour and minute timelines', async () => {
    await changeMessages(
      id,
      1,
      first.map((m) => ({ ...m, state: 'pending', sentAt: T0, at: T0 })),
      1,
    );
    await changeMessages(
      id,
      1,
      [
        { ...(first[0] as BatchMessage), state: 'delivered', sentAt: T0, at: T1 },
        { ...(first[1] as BatchMessage), state: 'failed', reason: 'failed: 30', sentAt: T0, at: T2 },
        { ...(first[2] as BatchMessage), state: 'pending', sentAt: T0, at: T0 },
      ],
      2,
    );
    await changeMessages(
      id,
      2,
      [
        { ...(second[0] as BatchMessage), state: 'failed', reason: 'rejected: 21', at: T0 },
        second[1] as BatchMessage,
      ],
      1,
    );
    await click(id, 'code0001', T1);
    await click(id, 'code0001', T2);
    await inbound(id, 'in-1', true);
    await inbound(id, 'in-2', false);
    await streams.drain();

    const body = await metrics(id);
    expect(body).toMatchObject({
      targeted: 9,
      suppressed: 4,
      queued: 1,
      pending: 1,
      delivered: 1,
      failed: 2,
      sent: 3,
      deliveryRate: 0.3333,
      segments: 6,
      cost: 2100,
      currency: 'VND',
      clicks: 2,
      uniqueClicks: 1,
      replies: 2,
      optOuts: 1,
      failureReasons: { failed: 1, rejected: 1, unroutable: 0, expired: 0 },
      byCarrier: {
        viettel: { sent: 2, delivered: 1, failed: 1 },
        mobifone: { sent: 1, delivered: 0, failed: 0 },
        vinaphone: { sent: 0, delivered: 0, failed: 1 },
      },
      byProvince: {
        'Thái Nguyên': { sent: 2, delivered: 1, failed: 1 },
        'Hà Nội': { sent: 1, delivered: 0, failed: 1 },
      },
      byPartner: { 'viettel-hn': { sent: 3, delivered: 1, failed: 1 } },
      granularity: 'hour',
    });
    expect(body.timeline).toEqual([
      { at: '2027-07-30T01:00:00Z', sent: 3, delivered: 1, failed: 1, clicks: 1 },
      { at: '2027-07-30T02:00:00Z', sent: 0, delivered: 0, failed: 1, clicks: 1 },
    ]);
    expect(Date.parse(String(body.updatedAt))).not.toBeNaN();

    const minutes = await metrics(id, { granularity: 'minute' });
    expect(minutes.timeline).toEqual([
      { at: '2027-07-30T01:05:00Z', sent: 3, delivered: 0, failed: 1, clicks: 0 },
      { at: '2027-07-30T01:47:00Z', sent: 0, delivered: 1, failed: 0, clicks: 1 },
      { at: '2027-07-30T02:10:00Z', sent: 0, delivered: 0, failed: 1, clicks: 1 },
    ]);
    const window = await metrics(id, {
      granularity: 'minute',
      from: '2027-07-30T08:30:00+07:00',
      to: '2027-07-30T02:00:00Z',
    });
    expect(window.timeline.map((p) => p.at)).toEqual(['2027-07-30T01:47:00Z']);
  });

  it('keeps the counts exact when Lambda delivers the same records again', async () => {
    await streams.drain();
    const before = await metrics(id);
    const records = await allStreamRecords();
    const again = await aggregateMetrics({ Records: records });
    expect(again.counted).toBe(0);
    expect(again.duplicates).toBeGreaterThanOrEqual(10);
    // Half of them once more, in reverse order, as a bisected retry would.
    await aggregateMetrics({ Records: records.slice(0, Math.ceil(records.length / 2)).reverse() });
    await streams.drain();
    const after = await metrics(id);
    expect({ ...after, updatedAt: null }).toEqual({ ...before, updatedAt: null });
  });

  it('reads one BatchGetItem of 5 items per request, however many batches the campaign has', async () => {
    const counts = countRequests(client);
    let keysRead = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand') {
          const { RequestItems = {} } = args.input as { RequestItems?: Record<string, { Keys: unknown[] }> };
          for (const request of Object.values(RequestItems)) keysRead += request.Keys.length;
        }
        return next(args);
      },
      { step: 'initialize', name: 'metricsKeyCounter' },
    );
    try {
      // The stream poller uses clients of its own; nothing new is written, so the handler reads nothing.
      const reads = { ...counts.calls };
      await metrics(id);
      const during = Object.fromEntries(
        Object.entries(counts.calls)
          .map(([op, n]) => [op, n - (reads[op] ?? 0)])
          .filter(([, n]) => n !== 0),
      );
      expect(during).toEqual({ BatchGetItem: 1 });
      expect(keysRead).toBe(5);
    } finally {
      client.middlewareStack.remove('metricsKeyCounter');
      client.middlewareStack.remove('benchRequestCounter');
    }
  });

  it('answers 404 for an unknown campaign and 400 for a bad window', async () => {
    expect(
      (await send(api, 'getCampaignMetrics', { params: { campaignId: 'nope' }, as: 'planner' })).status,
    ).toBe(404);
    const bad = await send(api, 'getCampaignMetrics', {
      params: { campaignId: id },
      query: { granularity: 'minute', from: '2027-07-30T00:00:00Z', to: '2027-07-31T01:00:00Z' },
      as: 'planner',
    });
    expectStatus(bad, 400);
    expect(bad.body.error.details?.[0]?.path).toBe('to');
    expect((await send(api, 'getCampaignMetrics', { params: { campaignId: id }, as: null })).status).toBe(
      401,
    );
  });
});

describe('metrics summary', () => {
  it('totals the campaigns scheduled or started in the window', async () => {
    await putCampaign('sumB', '2027-08-02T01:00:00.000Z');
    await putCampaign('sumDraft', '2027-07-15T01:00:00.000Z', 'draft');
    await putCampaign('sumLater', '2027-09-15T01:00:00.000Z');
    await batches.putBatches([newBatch('sumB', 1, [message(0, 'viettel', 'Bắc Kạn')])]);
    await streams.drain();
    const summary = await send(api, 'getMetricsSummary', {
      query: { from: '2027-07-01T00:00:00+07:00', to: '2027-09-01T00:00:00Z' },
      as: 'planner',
    });
    const body = bodyOf(summary, 200);
    expect(body.campaigns.map((c) => c.campaignId)).toEqual(['metricsA', 'sumB']);
    expect(body.totals).toMatchObject({ targeted: 10, queued: 2, sent: 3, delivered: 1 });
    const bad = await send(api, 'getMetricsSummary', {
      query: { from: '2027-07-01T00:00:00Z', to: '2027-06-01T00:00:00Z' },
      as: 'planner',
    });
    expectStatus(bad, 400);
    expect(bad.body.error.details?.[0]?.path).toBe('to');
  });
});

describe('concurrent aggregation', () => {
  type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
  const campaignId = `concurrent${Date.now()}`;
  /** The INSERT record of batch `n` (seq n × SHARDS: every one on shard 0), as Lambda delivers it. */
  const inserted = (n: number): DynamoDBRecord => {
    const seq = n * SHARDS;
    const item = batchCodec.toItem(
      newBatch(campaignId, seq, [message(0, 'viettel', 'Bắc Kạn'), message(1, 'mobifone', 'Hà Nội')]),
    );
    const image = (value: Record<string, unknown>): Image =>
      marshall(value, { removeUndefinedValues: true }) as Record<string, AttributeValue> as Image;
    return {
      eventID: `${campaignId}-${n}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: image(keys.batch(campaignId, seq)), NewImage: image(item) },
    };
  };

  it('counts exactly when two invocations write one shard at once, with records counted before', async () => {
    const records = Array.from({ length: 10 }, (_, n) => inserted(n));
    const pick = (ns: number[]) => ns.map((n) => records[n] as DynamoDBRecord);
    expect((await aggregateMetrics({ Records: pick([0, 1, 2, 3]) })).counted).toBe(4);

    // Both carry records counted before (0..3) and new ones, one of which (5) is in both.
    const [a, b] = await Promise.all([
      aggregateMetrics({ Records: pick([0, 1, 2, 3, 4, 5, 6]) }),
      aggregateMetrics({ Records: pick([2, 3, 5, 7, 8, 9]) }),
    ]);
    expect(a.counted + b.counted).toBe(6);
    expect(a.duplicates + b.duplicates).toBe(7);

    const { shards } = await dynamoMetricsReader(client, table).campaignWithShards(campaignId);
    const counters = sumCounters(shards.map((s) => s.counters));
    expect(counters).toMatchObject({ targeted: 20, queued: 20, sent: 0 });
    expect(shards.slice(1).every((s) => s.ver === 0)).toBe(true);
  });
});
