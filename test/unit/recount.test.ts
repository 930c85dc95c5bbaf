import { describe, expect, it } from 'vitest';
import { batchCodec } from '#adapters/table/batch.js';
import type { Batch } from '#core/dispatch/batch.js';
import type { Progress } from '#core/dispatch/materialize.js';
import { ConflictError, NotFoundError } from '#core/errors.js';
import {
  aggregateChanges,
  type AggregationStore,
  type MinuteState,
  type ShardState,
} from '#core/metrics/aggregate.js';
import type { Change } from '#core/metrics/changes.js';
import { T0, T1, T2, batchItem, change, queued, type Item, type Msg } from './metric-items.js';
import { addMinutes, emptyCounters, sumCounters, type Minutes } from '#core/metrics/counters.js';
import {
  coveredByRecount,
  describeDrift,
  recountCampaign,
  type RecountBaseline,
  type RecountStore,
} from '#core/metrics/recount.js';

const batch = (seq: number, messages: Msg[], ver?: number): Item =>
  batchItem(seq, messages, { price: 0.01, ...(ver ? { ver } : {}) });
const sent = (i: number, carrier = 'viettel'): Msg => ({
  ...queued(i, carrier),
  st: 'pending',
  sa: T0,
  at: T0,
});
const delivered = (i: number, carrier = 'viettel'): Msg => ({ ...sent(i, carrier), st: 'delivered', at: T1 });
const failed = (i: number, carrier = 'viettel'): Msg => ({
  ...sent(i, carrier),
  st: 'failed',
  reason: 'rejected',
  at: T1,
});

const progressItem = (suppressed: number): Item => ({
  entity: 'Progress',
  pk: 'CAMPAIGN#c1',
  sk: 'PROGRESS',
  materialized: true,
  totalBatches: 2,
  suppressed,
  capped: 0,
});

/**
 * One in-memory table for both the aggregator and the recount, with DynamoDB's transaction semantics:
 * versions and markers checked, all or nothing. `batches` is what the table holds now.
 */
const memoryTable = () => {
  const shards = new Map<number, ShardState>();
  const minutes = new Map<string, MinuteState>();
  const baselines = new Map<number, RecountBaseline>();
  const markers = new Set<string>();
  const batches = new Map<number, Batch>();
  let progress: Progress | undefined;
  /** Runs once between the recount's reads and its write (another writer getting there first). */
  let beforeRepair: (() => Promise<void>) | undefined;
  const shardOf = (shard: number): ShardState =>
    structuredClone(shards.get(shard) ?? { campaignId: 'c1', shard, ver: 0, counters: emptyCounters() });
  const aggregation: AggregationStore = {
    async load(_campaignId, shard, hours) {
      const recounted = baselines.get(shard);
      return {
        shard: { ...shardOf(shard), ...(recounted ? { recounted: structuredClone(recounted) } : {}) },
        minutes: hours.map((hour) =>
          structuredClone(minutes.get(`${shard}|${hour}`) ?? { hour, ver: 0, minutes: {} }),
        ),
      };
    },
    async commit(write) {
      const counted = write.markers.filter((id) => markers.has(id));
      const conflict =
        (shards.get(write.shard.shard)?.ver ?? 0) !== write.shard.ver ||
        write.minutes.some((m) => (minutes.get(`${write.shard.shard}|${m.hour}`)?.ver ?? 0) !== m.ver);
      if (counted.length || conflict) return { ok: false, counted, conflict };
      const { recounted: _kept, ...shard } = write.shard;
      shards.set(shard.shard, { ...structuredClone(shard), ver: shard.ver + 1 });
      for (const m of write.minutes)
        minutes.set(`${shard.shard}|${m.hour}`, { ...structuredClone(m), ver: m.ver + 1 });
      write.markers.forEach((id) => markers.add(id));
      return { ok: true };
    },
  };
  const repairs: number[] = [];
  const recount: RecountStore = {
    campaignExists: async (id) => id === 'c1',
    async shards() {
      return [0, 1, 2, 3].map((shard) => ({
        state: shardOf(shard),
        minutes: [...minutes.entries()]
          .filter(([key]) => key.startsWith(`${shard}|`))
          .map(([, m]) => structuredClone(m)),
      }));
    },
    async *batches() {
      const all = [...batches.values()].map((b) => structuredClone(b));
      // Two pages, as a Query returns them.
      yield all.slice(0, 1);
      yield all.slice(1);
    },
    progress: async () => progress,
    async repair(write) {
      const hook = beforeRepair;
      beforeRepair = undefined;
      await hook?.();
      const key = write.shard.shard;
      if (
        (shards.get(key)?.ver ?? 0) !== write.shard.ver ||
        write.minutes.some((m) => (minutes.get(`${key}|${m.hour}`)?.ver ?? 0) !== m.ver)
      )
        return 'moved';
      shards.set(key, { ...structuredClone(write.shard), ver: write.shard.ver + 1 });
      baselines.set(key, structuredClone(write.baseline));
      for (const m of write.minutes)
        minutes.set(`${key}|${m.hour}`, { ...structuredClone(m), ver: m.ver + 1 });
      repairs.push(key);
      return 'repaired';
    },
  };
  const aggregate = (...changes: Change[]) =>
    aggregateChanges(
      { store: aggregation, now: () => new Date(T2), sleep: () => Promise.resolve(), random: () => 0.5 },
      changes,
    );
  return {
    recount,
    repairs,
    aggregate,
    /** Writes an item to the "table" (what the recount reads); the stream change is aggregated apart. */
    put: (item: Item) => {
      if (item.entity === 'Progress') progress = { ...progressFrom(item) };
      else {
        const b = batchCodec.fromItem(item);
        batches.set(b.seq, b);
      }
    },
    onceBeforeRepair: (hook: () => Promise<void>) => (beforeRepair = hook),
    total: () => sumCounters([0, 1, 2, 3].map((s) => shards.get(s)?.counters ?? emptyCounters())),
    minutesOf: (hour: string) =>
      [0, 1, 2, 3].reduce<Minutes>(
        (sum, s) => addMinutes(sum, { [hour]: minutes.get(`${s}|${hour}`)?.minutes ?? {} }),
        {},
      )[hour],
  };
};
const progressFrom = (item: Item): Progress => ({
  materialized: true,
  totalBatches: Number(item.totalBatches),
  settledBatches: 0,
  suppressed: Number(item.suppressed),
  capped: 0,
  unroutable: 0,
});
const deps = (store: RecountStore) => ({ store, now: () => new Date(T2) });

describe('recountCampaign', () => {
  const b0 = batch(0, [queued(0), queued(1, 'mobifone')]);
  const b0settled = batch(0, [sent(0), sent(1, 'mobifone')], 1);
  const b0reported = batch(0, [delivered(0), failed(1, 'mobifone')], 2);
  const b1 = batch(1, [queued(0)]);
  const b1settled = batch(1, [delivered(0)], 1);

  /** The campaign's whole stream, e1 to e6, in order. */
  const history = [
    change('e1', 'INSERT', undefined, b0),
    change('e2', 'INSERT', undefined, b1),
    change('e3', 'MODIFY', b0, b0settled),
    change('e4', 'MODIFY', b1, b1settled),
    change('e5', 'MODIFY', b0settled, b0reported),
    change('e6', 'INSERT', undefined, progressItem(3)),
  ];
  /** A table holding `items` now, with nothing aggregated yet. */
  const tableHolding = (...items: Item[]) => {
    const table = memoryTable();
    for (const item of items) table.put(item);
    return table;
  };
  /** The table at the campaign's last state. */
  const settledTable = () => tableHolding(b0reported, b1settled, progressItem(3));
  /** The whole history aggregated, and the table at its last state. */
  const settledCampaign = async () => {
    const table = settledTable();
    await table.aggregate(...history);
    return table;
  };
  /** Whether a recount finds every shard of the table as the aggregate has it. */
  const recountFindsNoDrift = async (table: ReturnType<typeof memoryTable>) =>
    (await recountCampaign(deps(table.recount), 'c1')).shards.every((s) => !s.drift.length);

  it('finds nothing to repair when the aggregate followed every change', async () => {
    const table = await settledCampaign();
    const outcome = await recountCampaign(deps(table.recount), 'c1');
    expect(outcome.shards.every((s) => s.drift.length === 0 && !s.repaired)).toBe(true);
    expect(outcome.batches).toBe(2);
    expect(table.repairs).toEqual([]);
    expect(table.total()).toMatchObject({ targeted: 6, suppressed: 3, delivered: 2, failed: 1, sent: 3 });
  });

  it('reports a lost stream record in a dry run and repairs it otherwise, minutes included', async () => {
    const table = settledTable();
    // e5 (batch 0's delivery reports) exhausted its retries: it never reached the aggregator.
    await table.aggregate(...history.filter((c) => c.id !== 'e5'));
    const drifted = table.total();
    expect(drifted).toMatchObject({ pending: 2, delivered: 1, failed: 0 });

    const dry = await recountCampaign(deps(table.recount), 'c1', { dryRun: true });
    expect(dry.shards[0]?.drift).toEqual(
      expect.arrayContaining([
        'delivered: 0 → 1 (+1)',
        'failed: 0 → 1 (+1)',
        'pending: 2 → 0 (-2)',
        'failureReasons.rejected: 0 → 1 (+1)',
        'byCarrier.mobifone.failed: 0 → 1 (+1)',
        'minutes.2027-07-30T01.47.delivered: 0 → 1 (+1)',
      ]),
    );
    expect(dry.shards[0]?.repaired).toBe(false);
    expect(table.total()).toEqual(drifted);

    const fixed = await recountCampaign(deps(table.recount), 'c1');
    expect(fixed.shards.map((s) => s.repaired)).toEqual([true, false, false, false]);
    const exact = await settledCampaign();
    expect(table.total()).toEqual(exact.total());
    expect(table.minutesOf('2027-07-30T01')).toEqual(exact.minutesOf('2027-07-30T01'));
    expect(await recountFindsNoDrift(table)).toBe(true);
  });

  it('never double counts a change the recount read before the aggregator counted it (stream lag)', async () => {
    const table = settledTable();
    // Only the inserts are aggregated so far; the rest is still in the stream when the recount runs.
    await table.aggregate(...history.slice(0, 2));
    await recountCampaign(deps(table.recount), 'c1');
    const exact = (await settledCampaign()).total();
    expect(table.total()).toEqual(exact);

    // Then the stream catches up: every one of these is in the recount already.
    const outcome = await table.aggregate(...history.slice(2));
    expect(outcome).toMatchObject({ counted: 0, duplicates: 4 });
    expect(table.total()).toEqual(exact);

    // A change after the recount's image counts on top of it.
    const b1again = batch(1, [{ ...delivered(0), st: 'failed', reason: 'expired', at: T1 }], 2);
    table.put(b1again);
    expect(await table.aggregate(change('e7', 'MODIFY', b1settled, b1again))).toMatchObject({ counted: 1 });
    expect(table.total()).toMatchObject({ delivered: exact.delivered - 1, failed: exact.failed + 1 });
    expect(await recountFindsNoDrift(table)).toBe(true);
  });

  it('recounts a shard again when the aggregator wrote it between the reads and the repair', async () => {
    const table = tableHolding(b0settled, b1, progressItem(3));
    await table.aggregate(...history.slice(0, 2));
    // The aggregator counts e3 after the recount read the shard: the repair must not overwrite it blindly.
    table.onceBeforeRepair(async () => {
      await table.aggregate(change('e3', 'MODIFY', b0, b0settled));
    });
    const outcome = await recountCampaign(deps(table.recount), 'c1');
    expect(outcome.passes).toBe(2);
    expect(table.total()).toMatchObject({ targeted: 6, suppressed: 3, pending: 2, queued: 1, sent: 2 });
  });

  it('keeps clicks and replies, which no batch holds, as the aggregator counted them', async () => {
    const table = memoryTable();
    table.put(b1settled);
    const click = {
      entity: 'Click',
      pk: 'CLICK#abc',
      sk: 'CLICK',
      campaignId: 'c1',
      seq: 1,
      i: 0,
      carrier: 'viettel',
      clicks: 2,
      firstAt: T1,
      lastAt: T1,
    };
    await table.aggregate(change('e1', 'INSERT', undefined, b1), change('c1', 'INSERT', undefined, click));
    expect(table.total().clicks).toBe(2);
    await recountCampaign(deps(table.recount), 'c1');
    expect(table.total()).toMatchObject({ clicks: 2, uniqueClicks: 1, delivered: 1, sent: 1 });
    expect(table.minutesOf('2027-07-30T01')?.['47']).toMatchObject({ clicks: 2, delivered: 1 });
  });

  it('answers 404 for a campaign that does not exist, and 409 when the aggregate never stops moving', async () => {
    const table = memoryTable();
    await expect(recountCampaign(deps(table.recount), 'nope')).rejects.toBeInstanceOf(NotFoundError);
    table.put(b0settled);
    const busy: RecountStore = { ...table.recount, repair: async () => 'moved' };
    await expect(recountCampaign(deps(busy), 'c1')).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('coveredByRecount', () => {
  const baseline: RecountBaseline = { batches: { '4': 2 }, progress: true };
  it('skips batch changes at or below the version recounted, and progress once recounted', () => {
    expect(coveredByRecount({ source: { kind: 'batch', seq: 4, ver: 2 } }, baseline)).toBe(true);
    expect(coveredByRecount({ source: { kind: 'batch', seq: 4, ver: 3 } }, baseline)).toBe(false);
    expect(coveredByRecount({ source: { kind: 'batch', seq: 8, ver: 0 } }, baseline)).toBe(false);
    expect(coveredByRecount({ source: { kind: 'progress' } }, baseline)).toBe(true);
    expect(coveredByRecount({}, baseline)).toBe(false);
    expect(coveredByRecount({ source: { kind: 'batch', seq: 4, ver: 0 } }, undefined)).toBe(false);
  });
});

describe('describeDrift', () => {
  it('lists each differing counter with its change', () => {
    const stored = { counters: { ...emptyCounters(), sent: 3, cost: 0.03 }, minutes: {} };
    const repaired = { counters: { ...emptyCounters(), sent: 4, cost: 0.04 }, minutes: {} };
    expect(describeDrift(stored, repaired)).toEqual(['cost: 0.03 → 0.04 (+0.01)', 'sent: 3 → 4 (+1)']);
  });
});
