import { describe, expect, it } from 'vitest';
import {
  FAILURE_REASONS,
  REASON_LABELS_VI,
  SUPPRESSION_REASONS,
  failureReason,
  reasonOfCode,
} from '#core/metrics/failure-reasons.js';
import {
  aggregateChanges,
  chunkForTransactions,
  type AggregationStore,
  type CommitResult,
  type MinuteState,
  type ShardState,
  type ShardWrite,
} from '#core/metrics/aggregate.js';
import {
  contributionOf,
  countsOfBatch,
  reasonKey,
  type Change,
  type Contribution,
} from '#core/metrics/changes.js';
import { decodeChange } from '#adapters/metric-changes.js';
import { T0, T1, T2, batchItem, change, queued, type Item, type Msg } from './metric-items.js';
import { batchCodec } from '#adapters/table/batch.js';
import {
  addCounters,
  addDelta,
  addMinutes,
  emptyCounters,
  emptyDelta,
  sumCounters,
  type Counters,
  type Delta,
  type Minutes,
} from '#core/metrics/counters.js';
import { MetricsQuery, SummaryQuery, metricsView, minuteWindow, summaryView } from '#core/metrics/view.js';

const batch = (seq: number, messages: Msg[], extra: Item = {}): Item =>
  batchItem(seq, messages, { segments: 2, ...extra });
const counts = (image: Item) => countsOfBatch(batchCodec.fromItem(image));

const invariantHolds = (c: Counters) =>
  expect(c.targeted).toBe(c.suppressed + c.queued + c.pending + c.delivered + c.failed);

describe('countsOfBatch', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'counts a province and a failure reason named %s as its own entry, and adds them up',
    (name) => {
      const image = batch(1, [
        { ...queued(0, 'viettel', name), st: 'delivered', sa: T0, at: T1 },
        { ...queued(1, 'viettel', name), st: 'failed', sa: T0, reason: `${name}: 1`, at: T1 },
      ]);
      const c = counts(image).counters;
      expect(Object.entries(c.byProvince)).toEqual([[name, { sent: 2, delivered: 1, failed: 1 }]]);
      expect(Object.entries(c.failureReasons)).toEqual([[name, 1]]);
      const twice = addCounters(addCounters(emptyCounters(), c), c);
      expect(Object.entries(twice.byProvince)).toEqual([[name, { sent: 4, delivered: 2, failed: 2 }]]);
      expect(Object.entries(twice.failureReasons)).toEqual([[name, 2]]);
      expect(Object.getPrototypeOf(twice.byProvince)).toBe(Object.prototype);
    },
  );

  it('counts every message in its state, sent ones with segments, cost and partner', () => {
    const delta = counts(
      batch(
        1,
        [
          { ...queued(0), st: 'pending', sa: T0, at: T0 },
          { ...queued(1), st: 'delivered', sa: T0, at: T1 },
          { ...queued(2, 'vinaphone', 'Hà Nội'), st: 'failed', sa: T0, reason: 'rejected: 21', at: T2 },
          { ...queued(3), st: 'failed', reason: 'unroutable', at: T0 },
          queued(4),
        ],
        { price: 0.0123 },
      ),
    );
    const c = delta.counters;
    expect(c).toMatchObject({
      targeted: 5,
      queued: 1,
      pending: 1,
      delivered: 1,
      failed: 2,
      sent: 3,
      segments: 6,
    });
    expect(c.cost).toBe(0.0738);
    expect(c.failureReasons).toEqual({ rejected: 1, unroutable: 1 });
    expect(c.byCarrier).toEqual({
      viettel: { sent: 2, delivered: 1, failed: 1 },
      vinaphone: { sent: 1, delivered: 0, failed: 1 },
    });
    expect(c.byProvince['Hà Nội']).toEqual({ sent: 1, delivered: 0, failed: 1 });
    // Unroutable never reached a partner: not in the partner's tally.
    expect(c.byPartner).toEqual({ p1: { sent: 3, delivered: 1, failed: 1 } });
    expect(c.hours).toEqual({
      '2027-07-30T01': { sent: 3, delivered: 1, failed: 1, clicks: 0 },
      '2027-07-30T02': { sent: 0, delivered: 0, failed: 1, clicks: 0 },
    });
    expect(delta.minutes['2027-07-30T01']).toEqual({
      '05': { sent: 3, delivered: 0, failed: 1, clicks: 0 },
      '47': { sent: 0, delivered: 1, failed: 0, clicks: 0 },
    });
    invariantHolds(c);
  });

  it('leaves test batches out', () => {
    expect(counts(batch(900_000_001, [queued(0)], { test: true })).counters.targeted).toBe(0);
    expect(counts(batch(5, [queued(0)], { test: true })).counters.targeted).toBe(0);
  });

  it('keys failure reasons by the text before the colon', () => {
    expect(reasonKey('partner_unavailable: timeout')).toBe('partner_unavailable');
    expect(reasonKey('failed: 30')).toBe('failed');
    expect(reasonKey(undefined)).toBe('failed');
  });
});

describe('failure reasons a planner understands', () => {
  it.each([
    ['failed', 'ABSENT_SUBSCRIBER', 'unreachable: ABSENT_SUBSCRIBER'],
    ['failed', 'memory capacity exceeded', 'unreachable: memory capacity exceeded'],
    ['failed', '27', 'unreachable: 27'],
    ['failed', 'UNKNOWN_SUBSCRIBER', 'invalid_number: UNKNOWN_SUBSCRIBER'],
    ['rejected', 'CALL_BARRED', 'blocked: CALL_BARRED'],
    ['failed', 'spam-filtered', 'blocked: spam-filtered'],
    ['failed', 'VALIDITY_EXPIRED', 'expired: VALIDITY_EXPIRED'],
    ['expired', undefined, 'expired'],
    ['expired', 'SMSC_42', 'expired: SMSC_42'],
    ['rejected', 'SENDER_ID_NOT_REGISTERED', 'rejected: SENDER_ID_NOT_REGISTERED'],
    ['rejected', 'X-99', 'rejected: X-99'],
    ['failed', 'SMSC_42', 'other: SMSC_42'],
    ['failed', undefined, 'other'],
  ] as const)('a %s report with code %s fails the message as %s', (status, code, reason) => {
    expect(failureReason(status, code)).toBe(reason);
  });

  it('counts the key, never the partner’s code, so the counters stay small', () => {
    const failed = (i: number, reason: string) => ({ ...queued(i), st: 'failed' as const, reason, at: T0 });
    const { counters } = counts(
      batch(0, [
        failed(0, failureReason('failed', 'ABSENT_SUBSCRIBER')),
        failed(1, failureReason('failed', 'SMSC_1')),
        failed(2, failureReason('failed', 'SMSC_2')),
        failed(3, failureReason('rejected', 'CALL_BARRED')),
      ]),
    );
    expect(counters.failureReasons).toEqual({ unreachable: 1, other: 2, blocked: 1 });
  });

  it('has a Vietnamese label for every key', () => {
    for (const key of [...FAILURE_REASONS, ...SUPPRESSION_REASONS])
      expect(REASON_LABELS_VI[key]).toMatch(/\S/);
    expect(reasonOfCode('absent subscriber')).toBe('unreachable');
    expect(reasonOfCode('NOT_A_CODE')).toBeUndefined();
  });
});

describe('contributionOf', () => {
  const materialised = batch(6, [queued(0), queued(1)]);
  const settled = batch(
    6,
    [
      { ...queued(0), st: 'pending', sa: T0, at: T0 },
      { ...queued(1), st: 'failed', reason: 'rejected', sa: T0, at: T0 },
    ],
    { price: 500 },
  );
  const reported = batch(
    6,
    [
      { ...queued(0), st: 'delivered', sa: T0, at: T1 },
      { ...queued(1), st: 'failed', reason: 'rejected', sa: T0, at: T0 },
    ],
    { price: 500 },
  );

  it('moves messages between states without changing targeted, and sums back to the final counts', () => {
    const steps = [
      change('a', 'INSERT', undefined, materialised),
      change('b', 'MODIFY', materialised, settled),
      change('c', 'MODIFY', settled, reported),
    ].map(contributionOf);
    const total = emptyDelta();
    for (const step of steps) {
      expect(step?.shard).toBe(6 % 4);
      addDelta(total, step?.delta ?? emptyDelta());
      invariantHolds(total.counters);
      invariantHolds(step?.delta.counters ?? emptyCounters());
    }
    expect(total).toEqual(counts(reported));
    expect(steps[2]?.delta.counters).toMatchObject({
      targeted: 0,
      pending: -1,
      delivered: 1,
      sent: 0,
      cost: 0,
    });
  });

  it('ignores writes that change nothing counted, other entities and test batches', () => {
    expect(
      contributionOf(change('x', 'MODIFY', materialised, { ...materialised, status: 'handing' })),
    ).toBeUndefined();
    expect(decodeChange('y', 'INSERT', undefined, { entity: 'Campaign', id: 'c1' })).toBeUndefined();
    expect(contributionOf(change('z', 'INSERT', undefined, { ...materialised, test: true }))).toBeUndefined();
  });

  it('keeps what a batch counted when it expires (TTL removes it at the end of its retention)', () => {
    expect(contributionOf(change('r', 'REMOVE', materialised))).toBeUndefined();
  });

  it('counts suppressed and capped recipients of the progress item once', () => {
    const before = { pk: 'CAMPAIGN#c1', sk: 'PROGRESS', settledBatches: 3 };
    const after = { ...before, entity: 'Progress', materialized: true, suppressed: 4, capped: 2 };
    const finished = contributionOf(change('p', 'MODIFY', before, after));
    expect(finished).toMatchObject({ campaignId: 'c1', shard: 0 });
    expect(finished?.delta.counters).toMatchObject({ suppressed: 6, targeted: 6 });
    expect(contributionOf(change('q', 'MODIFY', after, { ...after, settledBatches: 4 }))).toBeUndefined();
  });

  it('counts a first click as unique and later ones as clicks only, in the hour of the last click', () => {
    const first = {
      entity: 'Click',
      pk: 'CLICK#abc',
      campaignId: 'c1',
      seq: 1,
      i: 0,
      carrier: 'viettel',
      clicks: 1,
      firstAt: T0,
      lastAt: T0,
    };
    const second = { ...first, clicks: 2, lastAt: T2 };
    const one = contributionOf(change('k1', 'INSERT', undefined, first));
    const two = contributionOf(change('k2', 'MODIFY', first, second));
    expect(one?.delta.counters).toMatchObject({ clicks: 1, uniqueClicks: 1 });
    expect(two?.delta.counters).toMatchObject({ clicks: 1, uniqueClicks: 0 });
    expect(two?.delta.counters.hours).toEqual({
      '2027-07-30T02': { sent: 0, delivered: 0, failed: 0, clicks: 1 },
    });
    expect(one?.shard).toBe(two?.shard);
    expect(contributionOf(change('k3', 'INSERT', undefined, { ...first, test: true }))).toBeUndefined();
  });

  it('counts an inbound message of a campaign as a reply, and an opt-out keyword as an opt-out', () => {
    const inbound = {
      entity: 'Inbound',
      pk: 'INBOUND#p1#m1',
      partnerId: 'p1',
      id: 'm1',
      from: '+84981234567',
      text: 'TUCHOI',
      at: T0,
      receivedAt: T0,
      campaignId: 'c1',
      optOut: true,
    };
    expect(contributionOf(change('i1', 'INSERT', undefined, inbound))?.delta.counters).toMatchObject({
      replies: 1,
      optOuts: 1,
    });
    expect(
      contributionOf(change('i2', 'INSERT', undefined, { ...inbound, optOut: false }))?.delta.counters,
    ).toMatchObject({ replies: 1, optOuts: 0 });
    expect(
      contributionOf(change('i3', 'INSERT', undefined, { ...inbound, campaignId: undefined })),
    ).toBeUndefined();
    expect(contributionOf(change('i4', 'REMOVE', inbound))).toBeUndefined();
  });
});

/** An in-memory store with DynamoDB's transaction semantics: versions and markers checked, all or nothing. */
const memoryStore = () => {
  const shards = new Map<string, ShardState>();
  const minutes = new Map<string, MinuteState>();
  const markers = new Set<string>();
  const commits: ShardWrite[] = [];
  let interfere = 0;
  const store: AggregationStore = {
    async load(campaignId, shard, hours) {
      return {
        shard: structuredClone(
          shards.get(`${campaignId}|${shard}`) ?? { campaignId, shard, ver: 0, counters: emptyCounters() },
        ),
        minutes: hours.map((hour) =>
          structuredClone(minutes.get(`${campaignId}|${shard}|${hour}`) ?? { hour, ver: 0, minutes: {} }),
        ),
      };
    },
    async commit(write): Promise<CommitResult> {
      const key = `${write.shard.campaignId}|${write.shard.shard}`;
      if (interfere > 0) {
        // Another writer got there first: its version bump makes ours stale.
        interfere--;
        const current = shards.get(key);
        if (current) shards.set(key, { ...current, ver: current.ver + 1 });
        else shards.set(key, { ...write.shard, counters: emptyCounters(), ver: 1 });
      }
      const counted = write.markers.filter((id) => markers.has(id));
      const conflict =
        (shards.get(key)?.ver ?? 0) !== write.shard.ver ||
        write.minutes.some((m) => (minutes.get(`${key}|${m.hour}`)?.ver ?? 0) !== m.ver);
      if (counted.length || conflict) return { ok: false, counted, conflict };
      commits.push(structuredClone(write));
      shards.set(key, { ...structuredClone(write.shard), ver: write.shard.ver + 1 });
      for (const m of write.minutes)
        minutes.set(`${key}|${m.hour}`, { ...structuredClone(m), ver: m.ver + 1 });
      write.markers.forEach((id) => markers.add(id));
      return { ok: true };
    },
  };
  return {
    store,
    commits,
    interfereNext: (n: number) => (interfere = n),
    total: (campaignId: string) =>
      sumCounters([0, 1, 2, 3].map((s) => shards.get(`${campaignId}|${s}`)?.counters ?? emptyCounters())),
    /** The minute buckets of an hour, summed over the shards (as the reader does). */
    minutesOf: (campaignId: string, hour: string) =>
      [0, 1, 2, 3].reduce<Minutes>(
        (sum, s) => addMinutes(sum, { [hour]: minutes.get(`${campaignId}|${s}|${hour}`)?.minutes ?? {} }),
        {},
      )[hour],
  };
};

const deps = (store: AggregationStore) => ({
  store,
  now: () => new Date(T2),
  sleep: () => Promise.resolve(),
  random: () => 0.5,
});

describe('aggregateChanges', () => {
  const b1 = batch(1, [queued(0), queued(1)]);
  const b1sent = batch(1, [
    { ...queued(0), st: 'pending', sa: T0, at: T0 },
    { ...queued(1), st: 'delivered', sa: T0, at: T1 },
  ]);
  const b2 = batch(2, [queued(0, 'mobifone')]);
  const changes = [
    change('e1', 'INSERT', undefined, b1),
    change('e2', 'INSERT', undefined, b2),
    change('e3', 'MODIFY', b1, b1sent),
    // Counts for nothing: a test send (other entities never reach the aggregator: metric-changes.ts).
    change('e4', 'INSERT', undefined, batch(900_000_004, [queued(0)], { test: true })),
  ];
  const expected = addDelta(addDelta(emptyDelta(), counts(b1sent)), counts(b2));

  it('counts each record once, however often the stream delivers it', async () => {
    const memory = memoryStore();
    expect(await aggregateChanges(deps(memory.store), changes)).toEqual({
      counted: 3,
      duplicates: 0,
      ignored: 1,
    });
    // Lambda retries the whole batch, and then a part of it, after a failure elsewhere.
    expect(await aggregateChanges(deps(memory.store), changes)).toEqual({
      counted: 0,
      duplicates: 3,
      ignored: 1,
    });
    expect(
      await aggregateChanges(deps(memory.store), [
        changes[2] as Change,
        change('e5', 'INSERT', undefined, batch(3, [queued(0)])),
      ]),
    ).toEqual({
      counted: 1,
      duplicates: 1,
      ignored: 0,
    });
    const total = memory.total('c1');
    expect(total).toEqual(addDelta(structuredClone(expected), counts(batch(3, [queued(0)]))).counters);
    invariantHolds(total);
    expect(memory.minutesOf('c1', '2027-07-30T01')).toEqual(expected.minutes['2027-07-30T01']);
  });

  it('re-reads and retries when another writer moved the shard meanwhile', async () => {
    const memory = memoryStore();
    memory.interfereNext(3);
    expect((await aggregateChanges(deps(memory.store), changes)).counted).toBe(3);
    expect(memory.total('c1')).toEqual(expected.counters);
  });

  it('writes one transaction per shard touched', async () => {
    const memory = memoryStore();
    await aggregateChanges(deps(memory.store), changes);
    expect(memory.commits.map((c) => [c.shard.shard, c.markers])).toEqual(
      expect.arrayContaining([
        [1, ['e1', 'e3']],
        [2, ['e2']],
      ]),
    );
    expect(memory.commits).toHaveLength(2);
  });
});

describe('chunkForTransactions', () => {
  it('keeps the shard item, minute items and markers of each chunk within 100 items', () => {
    const contributions: Contribution[] = Array.from({ length: 250 }, (_, i) => {
      const delta: Delta = emptyDelta();
      delta.minutes[`2027-07-30T${String(i % 5).padStart(2, '0')}`] = {
        '00': { sent: 1, delivered: 0, failed: 0, clicks: 0 },
      };
      return { id: `e${i}`, campaignId: 'c1', shard: 0, delta };
    });
    const chunks = chunkForTransactions(contributions);
    for (const chunk of chunks) {
      const hours = new Set(chunk.flatMap((c) => Object.keys(c.delta.minutes)));
      expect(1 + hours.size + chunk.length).toBeLessThanOrEqual(100);
    }
    expect(chunks.flat().map((c) => c.id)).toEqual(contributions.map((c) => c.id));
    expect(chunks).toHaveLength(3);
  });
});

describe('metrics view', () => {
  const counters = addDelta(
    addDelta(
      emptyDelta(),
      counts(
        batch(
          1,
          [
            { ...queued(0), st: 'delivered', sa: T0, at: T1 },
            { ...queued(1), st: 'pending', sa: T2, at: T2 },
          ],
          { price: 350 },
        ),
      ),
    ),
    counts(batch(2, [queued(0)])),
  );
  const campaign = { id: 'c1', name: 'n', status: 'sending', sendAt: T0, currency: 'VND' };

  it('answers the contract shape with the delivery rate and a sorted hour timeline', () => {
    const view = metricsView({
      campaign,
      counters: sumCounters([counters.counters, emptyCounters()]),
      granularity: 'hour',
      query: {},
    });
    expect(view).toMatchObject({
      campaignId: 'c1',
      status: 'sending',
      targeted: 3,
      queued: 1,
      pending: 1,
      delivered: 1,
      sent: 2,
      deliveryRate: 0.5,
      segments: 4,
      cost: 1400,
      currency: 'VND',
      failureReasons: { unroutable: 0, rejected: 0, expired: 0 },
      updatedAt: null,
    });
    expect(view.timeline.map((p) => p.at)).toEqual(['2027-07-30T01:00:00Z', '2027-07-30T02:00:00Z']);
  });

  it('answers minute buckets of the last three active hours by default, or of the window asked', () => {
    const minutesIn = (query: MetricsQuery) => {
      const window = minuteWindow(query, counters.counters.hours);
      return window ? { minutes: { window, buckets: counters.minutes } } : {};
    };
    const view = metricsView({
      campaign,
      counters: counters.counters,
      granularity: 'minute',
      query: {},
      ...minutesIn({ granularity: 'minute' }),
    });
    expect(view.timeline).toEqual([
      { at: '2027-07-30T01:05:00Z', sent: 1, delivered: 0, failed: 0, clicks: 0 },
      { at: '2027-07-30T01:47:00Z', sent: 0, delivered: 1, failed: 0, clicks: 0 },
      { at: '2027-07-30T02:10:00Z', sent: 1, delivered: 0, failed: 0, clicks: 0 },
    ]);
    const window = metricsView({
      campaign,
      counters: counters.counters,
      granularity: 'minute',
      query: { from: '2027-07-30T08:30:00+07:00', to: '2027-07-30T09:30:00+07:00' },
      ...minutesIn({
        granularity: 'minute',
        from: '2027-07-30T08:30:00+07:00',
        to: '2027-07-30T09:30:00+07:00',
      }),
    });
    expect(window.timeline.map((p) => p.at)).toEqual(['2027-07-30T01:47:00Z', '2027-07-30T02:10:00Z']);
  });

  it('gives a delivery rate of 0 before anything is sent', () => {
    expect(
      metricsView({ campaign, counters: emptyCounters(), granularity: 'hour', query: {} }).deliveryRate,
    ).toBe(0);
  });

  it('rejects a minute window over 24 hours and one that ends before it starts', () => {
    const over = MetricsQuery.safeParse({
      granularity: 'minute',
      from: '2027-07-30T00:00:00Z',
      to: '2027-07-31T00:00:01Z',
    });
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.path).toEqual(['to']);
    expect(MetricsQuery.safeParse({ from: '2027-07-30T01:00:00Z', to: '2027-07-30T00:00:00Z' }).success).toBe(
      false,
    );
    expect(MetricsQuery.safeParse({ granularity: 'second' }).success).toBe(false);
    expect(MetricsQuery.parse({}).granularity).toBe('hour');
  });

  it('summarises campaigns with totals, and validates its window', () => {
    const view = summaryView({ from: '2027-07-01T00:00:00+07:00', to: '2027-08-01T00:00:00+07:00' }, [
      { campaign, counters: counters.counters },
      {
        campaign: { ...campaign, id: 'c0', sendAt: '2027-07-02T00:00:00.000Z' },
        counters: counters.counters,
      },
    ]);
    expect(view.totals).toMatchObject({ targeted: 6, sent: 4, delivered: 2, deliveryRate: 0.5, cost: 2800 });
    expect(view.campaigns.map((c) => c.campaignId)).toEqual(['c0', 'c1']);
    expect(view.from).toBe('2027-06-30T17:00:00.000Z');
    expect(SummaryQuery.safeParse({ from: '2027-01-01T00:00:00Z', to: '2028-01-03T00:00:00Z' }).success).toBe(
      false,
    );
    expect(SummaryQuery.safeParse({ from: '2027-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }).success).toBe(
      false,
    );
    expect(SummaryQuery.safeParse({ from: '2027-01-01', to: '2027-02-01T00:00:00Z' }).success).toBe(false);
  });
});
