import type { Batch } from '#core/dispatch/batch.js';
import type { Progress } from '#core/dispatch/materialize.js';
import { ConflictError, NotFoundError } from '#core/errors.js';
import type { MinuteState, ShardState } from './aggregate.js';
import { countsOfBatch, countsOfProgress, SHARDS, type Contribution } from './changes.js';
import {
  addDelta,
  difference,
  emptyBucket,
  emptyContentTally,
  emptyDelta,
  isZeroDelta,
  type Delta,
  type Minutes,
} from './counters.js';
import type { Clock } from '../clock.js';

/**
 * The recount (issue #17): a campaign's counters computed again from its batch items and progress item,
 * compared with the stored aggregate, and the drifted shards replaced. Stream records that exhausted their
 * retries never reach the aggregator; this is their way back.
 *
 * Racing the aggregator without double counting: the recount reads each shard (its version) BEFORE it reads
 * the batches, and replaces the shard only on condition that the version is unchanged. So everything the
 * aggregator had counted into the shard happened before the batches were read, and is in the recount.
 * What the recount read but the aggregator has not counted yet (the stream lags) would be counted twice
 * when it arrives: the repair therefore writes a baseline with the shard, each batch's `ver` as the recount
 * read it, and the aggregator skips a batch change whose `ver` is at or below it (every write that changes
 * what a batch counts bumps `ver`), and a progress change once the progress was recounted. A change with a
 * higher `ver` comes after the recount's image and is counted on top of it, as ever.
 */

/** What a repair has counted already: the aggregator skips the stream changes it covers. */
export interface RecountBaseline {
  /** Batch seq → the `ver` the recount read (absent = the recount did not see that batch). */
  batches: Record<string, number>;
  /** The progress item (suppressed, capped) was recounted: its changes are in. */
  progress: boolean;
}

/** Which stored state a stream change moves to: what the baseline is compared with. */
export type CountedSource = { kind: 'batch'; seq: number; ver: number } | { kind: 'progress' };

/** True when a repair's recount already holds the change (the aggregator must not count it again). */
export const coveredByRecount = (
  contribution: Pick<Contribution, 'source'>,
  baseline: RecountBaseline | undefined,
): boolean => {
  const source = contribution.source;
  if (!baseline || !source) return false;
  if (source.kind === 'progress') return baseline.progress;
  const recounted = baseline.batches[String(source.seq)];
  return recounted !== undefined && source.ver <= recounted;
};

/** One shard's share of the recount: the counters its batches (and, shard 0, the progress) give. */
export interface ShardRecount {
  shard: number;
  delta: Delta;
  baseline: RecountBaseline;
}

export const emptyRecount = (): ShardRecount[] =>
  Array.from({ length: SHARDS }, (_, shard) => ({
    shard,
    delta: emptyDelta(),
    baseline: { batches: {}, progress: false },
  }));

/** Adds one batch, as read, to its shard's recount (the shard the aggregator counts it in). */
export const recountBatch = (recount: ShardRecount[], batch: Batch): void => {
  const target = recount[batch.seq % SHARDS];
  if (!target) return;
  addDelta(target.delta, countsOfBatch(batch));
  target.baseline.batches[String(batch.seq)] = batch.ver ?? 0;
};

/** Adds the progress item (suppressed and capped recipients) to shard 0, where the aggregator counts it. */
export const recountProgress = (recount: ShardRecount[], progress: Progress | undefined): void => {
  const target = recount[0];
  if (!target || !progress) return;
  addDelta(target.delta, countsOfProgress(progress));
  target.baseline.progress = true;
};

/**
 * The part of a stored aggregate that no batch holds: clicks (click items), replies and opt-outs (inbound
 * items, not listed by campaign). The recount keeps these as the aggregator counted them.
 */
export const notFromBatches = (stored: Delta): Delta => {
  const kept = emptyDelta();
  const c = kept.counters;
  const s = stored.counters;
  c.clicks = s.clicks;
  c.uniqueClicks = s.uniqueClicks;
  c.replies = s.replies;
  c.optOuts = s.optOuts;
  for (const map of ['byVariant', 'byTreatment'] as const) {
    for (const [key, tally] of Object.entries(s[map])) {
      if (!tally.clicks && !tally.uniqueClicks && !tally.replies) continue;
      c[map][key] = {
        ...emptyContentTally(),
        clicks: tally.clicks,
        uniqueClicks: tally.uniqueClicks,
        replies: tally.replies,
      };
    }
  }
  for (const [hour, bucket] of Object.entries(s.hours))
    if (bucket.clicks) c.hours[hour] = { ...emptyBucket(), clicks: bucket.clicks };
  for (const [hour, minutes] of Object.entries(stored.minutes))
    for (const [minute, bucket] of Object.entries(minutes))
      if (bucket.clicks) (kept.minutes[hour] ??= {})[minute] = { ...emptyBucket(), clicks: bucket.clicks };
  return kept;
};

/** What the shard should hold: the recount, plus what the stored aggregate counted from other items. */
export const repairedShard = (stored: Delta, recounted: Delta): Delta =>
  addDelta(addDelta(emptyDelta(), recounted), notFromBatches(stored));

/** Every counter that differs, as `path: stored → recounted (±n)`, in a stable order. */
export const describeDrift = (stored: Delta, repaired: Delta): string[] => {
  const lines: string[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (typeof a === 'number' || typeof b === 'number') {
      const from = typeof a === 'number' ? a : 0;
      const to = typeof b === 'number' ? b : 0;
      if (from !== to) {
        const change = Math.round((to - from) * 1e6) / 1e6;
        lines.push(`${path}: ${from} → ${to} (${change > 0 ? '+' : ''}${change})`);
      }
      return;
    }
    const left = (a && typeof a === 'object' ? a : {}) as Record<string, unknown>;
    const right = (b && typeof b === 'object' ? b : {}) as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort())
      walk(path ? `${path}.${key}` : key, left[key], right[key]);
  };
  walk('', stored.counters, repaired.counters);
  walk('minutes', stored.minutes, repaired.minutes);
  return lines;
};

/** A shard as stored: its counters and version, and its minute items. */
export interface StoredShard {
  state: ShardState;
  minutes: MinuteState[];
}

/** One shard replaced: counters, every minute item of the hours either side holds, and the baseline. */
export interface RepairWrite {
  /** The shard as read (its `ver` is the condition) with the repaired counters. */
  shard: ShardState;
  minutes: MinuteState[];
  baseline: RecountBaseline;
  at: string;
}

export interface RecountStore {
  campaignExists(campaignId: string): Promise<boolean>;
  /** The campaign's counter shards and their minute items, read consistently. */
  shards(campaignId: string): Promise<StoredShard[]>;
  /** The campaign's batches, page by page (a Query on its partition, consistent reads). */
  batches(campaignId: string): AsyncIterable<Batch[]>;
  progress(campaignId: string): Promise<Progress | undefined>;
  /** One atomic write, on condition that the shard and its minute items are at the versions read. */
  repair(write: RepairWrite): Promise<'repaired' | 'moved'>;
}

export interface RecountDeps extends Clock {
  store: RecountStore;
}

export interface ShardOutcome {
  shard: number;
  /** What differed between the stored aggregate and the recount (empty: nothing drifted). */
  drift: string[];
  repaired: boolean;
}

export interface RecountOutcome {
  campaignId: string;
  dryRun: boolean;
  batches: number;
  /** How many times the batches were read (a shard that moved meanwhile is recounted again). */
  passes: number;
  shards: ShardOutcome[];
}

/** Passes before giving up on a campaign whose aggregate keeps moving (it is sending: try again later). */
const MAX_PASSES = 5;
/** A repair is one transaction: the shard, its baseline and its minute items (DynamoDB's 100 items). */
const MAX_HOURS_PER_SHARD = 98;

const storedDelta = (stored: StoredShard): Delta => ({
  counters: stored.state.counters,
  minutes: Object.fromEntries(stored.minutes.map((m) => [m.hour, m.minutes])),
});

const minuteWrites = (stored: StoredShard, repaired: Minutes): MinuteState[] => {
  const read = new Map(stored.minutes.map((m) => [m.hour, m]));
  const hours = [...new Set([...read.keys(), ...Object.keys(repaired)])].sort();
  if (hours.length > MAX_HOURS_PER_SHARD)
    throw new ConflictError(
      `Metrics shard ${stored.state.campaignId}/${stored.state.shard} spans ${hours.length} hours: more than one repair can write (${MAX_HOURS_PER_SHARD})`,
    );
  return hours.map((hour) => ({
    hour,
    ver: read.get(hour)?.ver ?? 0,
    minutes: repaired[hour] ?? {},
  }));
};

/**
 * `npm run recount -- <campaignId> [--dry-run]`, the recount Lambda and `POST /v1/campaigns/{id}/recount`:
 * recounts the campaign and (unless `dryRun`) replaces each drifted shard.
 */
export const recountCampaign = async (
  deps: RecountDeps,
  campaignId: string,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<RecountOutcome> => {
  if (!(await deps.store.campaignExists(campaignId))) throw new NotFoundError(`Campaign ${campaignId}`);
  const done = new Map<number, ShardOutcome>();
  let batches = 0;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    // The shards first, then the batches: whatever a shard had counted when read is in the batches read.
    const stored = (await deps.store.shards(campaignId)).filter((s) => !done.has(s.state.shard));
    const recount = emptyRecount();
    batches = 0;
    for await (const page of deps.store.batches(campaignId)) {
      for (const batch of page) recountBatch(recount, batch);
      batches += page.length;
    }
    recountProgress(recount, await deps.store.progress(campaignId));

    for (const shard of stored) {
      const recounted = recount[shard.state.shard];
      if (!recounted) continue;
      const before = storedDelta(shard);
      const repaired = repairedShard(before, recounted.delta);
      const drift = describeDrift(before, repaired);
      if (isZeroDelta(difference(repaired, before)) || dryRun) {
        done.set(shard.state.shard, { shard: shard.state.shard, drift, repaired: false });
        continue;
      }
      const outcome = await deps.store.repair({
        shard: { ...shard.state, counters: repaired.counters },
        minutes: minuteWrites(shard, repaired.minutes),
        baseline: recounted.baseline,
        at: deps.now().toISOString(),
      });
      if (outcome === 'repaired')
        done.set(shard.state.shard, { shard: shard.state.shard, drift, repaired: true });
    }
    if (done.size === SHARDS)
      return {
        campaignId,
        dryRun,
        batches,
        passes: pass,
        shards: [...done.values()].sort((a, b) => a.shard - b.shard),
      };
  }
  throw new ConflictError(
    `The metrics of campaign ${campaignId} kept moving during ${MAX_PASSES} recounts: it is still sending; try again when it has settled`,
  );
};
