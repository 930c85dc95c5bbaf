import { contributionOf, totalOf, type Change, type Contribution } from './changes.js';
import { addCounters, addMinutes, type Bucket, type Counters } from './counters.js';
import { coveredByRecount, type RecountBaseline } from './recount.js';
import type { Clock } from '../clock.js';

/**
 * Idempotent aggregation of stream records into a campaign's counter shards. The stream delivers each
 * record at least once (Lambda retries whole batches), so every counted record leaves a marker written
 * in the same transaction as the counters it moved: a record whose marker exists is never counted again.
 * Writers of one shard never overwrite each other either: each write is conditional on the version read.
 */

/** One counter shard item as read: its counters and version (0 and empty when it does not exist yet). */
export interface ShardState {
  campaignId: string;
  shard: number;
  ver: number;
  counters: Counters;
  updatedAt?: string;
  /** What the last repair recounted (recount.ts): changes it covers are not counted again. */
  recounted?: RecountBaseline;
}

/** The minute buckets of one hour of a campaign's timeline kept by one shard, with their version. */
export interface MinuteState {
  hour: string;
  ver: number;
  minutes: Record<string, Bucket>;
}

export interface ShardWrite {
  /** The new counters; written only if the item is still at `ver` (then it becomes `ver + 1`). */
  shard: ShardState;
  minutes: MinuteState[];
  /** Stream record ids counted by this write; each marker must not exist yet. */
  markers: string[];
  at: string;
}

export type CommitResult =
  | { ok: true }
  /** Nothing was written: `counted` records had a marker already; `conflict` = a version moved meanwhile. */
  | { ok: false; counted: string[]; conflict: boolean };

export interface AggregationStore {
  /** The shard item and the shard's own minute items of `hours`, freshly read (the caller may change them). */
  load(
    campaignId: string,
    shard: number,
    hours: readonly string[],
  ): Promise<{ shard: ShardState; minutes: MinuteState[] }>;
  /** One atomic write (a transaction): counters, minute items and markers, or nothing. */
  commit(write: ShardWrite): Promise<CommitResult>;
}

export interface AggregationDeps extends Clock {
  store: AggregationStore;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export interface AggregationOutcome {
  /** Records that moved the counters now. */
  counted: number;
  /** Records counted before (a redelivery): left alone. */
  duplicates: number;
  /** Records that count for nothing (other entities, writes that changed nothing counted). */
  ignored: number;
}

/** DynamoDB's limit of items in one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;
/** Version conflicts in a row before giving up (the whole invocation is then retried: still exact). */
const MAX_ATTEMPTS = 25;

const hoursOf = (contributions: readonly Contribution[]): string[] => [
  ...new Set(contributions.flatMap((c) => Object.keys(c.delta.minutes))),
];

/**
 * Splits one shard's contributions into transactions: the shard item, the shard's minute items they touch and one
 * marker per record, at most `MAX_TRANSACTION_ITEMS` items each, in stream order.
 */
export const chunkForTransactions = (
  contributions: readonly Contribution[],
  limit = MAX_TRANSACTION_ITEMS,
): Contribution[][] => {
  const chunks: Contribution[][] = [];
  let current: Contribution[] = [];
  let hours = new Set<string>();
  for (const contribution of contributions) {
    const withIt = new Set([...hours, ...Object.keys(contribution.delta.minutes)]);
    if (current.length && 1 + withIt.size + current.length + 1 > limit) {
      chunks.push(current);
      current = [];
      hours = new Set(Object.keys(contribution.delta.minutes));
    } else hours = withIt;
    if (1 + hours.size + 1 > limit)
      throw new Error(
        `Stream record ${contribution.id} touches ${hours.size} hours: too many for one transaction`,
      );
    current.push(contribution);
  }
  if (current.length) chunks.push(current);
  return chunks;
};

/** Groups contributions by the counter shard they go to, keeping stream order inside each group. */
const groupByShard = (contributions: readonly Contribution[]): Contribution[][] => {
  const groups = new Map<string, Contribution[]>();
  for (const c of contributions) {
    const key = `${c.campaignId}|${c.shard}`;
    const group = groups.get(key) ?? [];
    group.push(c);
    groups.set(key, group);
  }
  return [...groups.values()];
};

/** Adds the changes of one handler invocation to the counters, each exactly once however often it comes. */
export const aggregateChanges = async (
  deps: AggregationDeps,
  changes: readonly Change[],
): Promise<AggregationOutcome> => {
  const contributions = changes.map(contributionOf).filter((c): c is Contribution => c !== undefined);
  const outcome: AggregationOutcome = {
    counted: 0,
    duplicates: 0,
    ignored: changes.length - contributions.length,
  };
  await Promise.all(
    groupByShard(contributions).map(async (group) => {
      for (const chunk of chunkForTransactions(group)) {
        const { counted, duplicates } = await applyChunk(deps, chunk);
        outcome.counted += counted;
        outcome.duplicates += duplicates;
      }
    }),
  );
  return outcome;
};

const applyChunk = async (deps: AggregationDeps, chunk: readonly Contribution[]) => {
  const [first] = chunk;
  if (!first) return { counted: 0, duplicates: 0 };
  let pending = [...chunk];
  let duplicates = 0;
  for (let attempt = 1; pending.length; attempt++) {
    const state = await deps.store.load(first.campaignId, first.shard, hoursOf(pending));
    // A repair recounted these already from the batches themselves: counting them again would double them.
    const covered = pending.filter((c) => coveredByRecount(c, state.shard.recounted));
    duplicates += covered.length;
    pending = pending.filter((c) => !covered.includes(c));
    if (!pending.length) break;
    const hours = hoursOf(pending);
    const total = totalOf(pending);
    const byHour = new Map(state.minutes.map((m) => [m.hour, m]));
    // The state was just loaded for this attempt: it is ours to add to.
    const write: ShardWrite = {
      shard: { ...state.shard, counters: addCounters(state.shard.counters, total.counters) },
      minutes: hours.map((hour) => {
        const read = byHour.get(hour) ?? { hour, ver: 0, minutes: {} };
        const minutes = addMinutes({ [hour]: read.minutes }, { [hour]: total.minutes[hour] ?? {} });
        return { ...read, minutes: minutes[hour] ?? {} };
      }),
      markers: pending.map((c) => c.id),
      at: deps.now().toISOString(),
    };
    const result = await deps.store.commit(write);
    if (result.ok) return { counted: pending.length, duplicates };
    const counted = new Set(result.counted);
    duplicates += pending.filter((c) => counted.has(c.id)).length;
    pending = pending.filter((c) => !counted.has(c.id));
    if (!result.conflict && counted.size === 0)
      throw new Error(`Metrics shard ${first.campaignId}/${first.shard}: write refused for no known reason`);
    if (result.conflict) {
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(
          `Metrics shard ${first.campaignId}/${first.shard}: still conflicting after ${attempt} attempts`,
        );
      await deps.sleep(Math.floor(deps.random() * 10 * Math.min(attempt, 10)));
    }
  }
  return { counted: 0, duplicates };
};
