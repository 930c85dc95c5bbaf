import { ownEntry, ownValue, setOwn } from '#core/records.js';
import type { Batch } from '#core/dispatch/batch.js';
import type { Progress } from '#core/dispatch/materialize.js';
import { TEST_SEQ_BASE } from '#core/dispatch/batch.js';
import type { LinkClicks } from '#core/links.js';
import type { Inbound } from '#core/webhooks/inbound.js';
import {
  addDelta,
  difference,
  emptyBucket,
  emptyContentTally,
  emptyDelta,
  emptyTally,
  hourAndMinute,
  isZeroDelta,
  type Bucket,
  type ContentTally,
  type Counters,
  type Delta,
  type Tally,
} from './counters.js';
import { reasonKey } from './failure-reasons.js';
import { canonicalProvinceName } from '#core/provinces.js';
import type { CountedSource } from './recount.js';

/**
 * What a change to the table adds to a campaign's metrics. Every change arrives as a stream record with
 * the item before and after it (NEW_AND_OLD_IMAGES), decoded by the entity's codec
 * (adapters/metric-changes.ts); its contribution is counts(after) − counts(before), so the counters follow
 * the items exactly, whatever order or however many times states change.
 */

interface ChangeOf<Kind extends string, T> {
  /** The stream record's `eventID`: unique per record, the key of its "already counted" marker. */
  id: string;
  kind: Kind;
  event: 'INSERT' | 'MODIFY' | 'REMOVE';
  before?: T;
  after?: T;
}

/** A change to one of the entities that count; a progress item names its campaign only in its key. */
export type Change =
  | ChangeOf<'batch', Batch>
  | (ChangeOf<'progress', Progress> & { campaignId: string })
  | ChangeOf<'click', LinkClicks>
  | ChangeOf<'inbound', Inbound>;

export interface Contribution {
  id: string;
  campaignId: string;
  /** Which of the campaign's counter shards takes it (0..SHARDS-1). */
  shard: number;
  delta: Delta;
  /** The stored state the change moves to, for a recount's baseline (recount.ts); none for clicks and replies. */
  source?: CountedSource;
}

/** Counter shards per campaign: up to four writers aggregate one campaign at once without contention. */
export const SHARDS = 4;

export { reasonKey } from './failure-reasons.js';

const tally = (map: Record<string, Tally>, key: string, field: keyof Tally) => {
  ownEntry(map, key, emptyTally)[field] += 1;
};

interface ContentPlace {
  lang?: string | undefined;
  treatment?: string | undefined;
}

/** Adds `n` to `field` of the message's variant and treatment tallies (each when it has one). */
const onContent = (c: Counters, place: ContentPlace, field: keyof ContentTally, n = 1) => {
  if (n === 0) return;
  for (const [map, key] of [
    [c.byVariant, place.lang],
    [c.byTreatment, place.treatment],
  ] as const) {
    if (!key) continue;
    ownEntry(map, key, emptyContentTally)[field] += n;
  }
};

/** Adds `n` to a timeline field in the hour and the minute of `at`. */
const onTimeline = (delta: Delta, at: string | undefined, field: keyof Bucket, n: number) => {
  const when = hourAndMinute(at);
  if (!when || n === 0) return;
  (delta.counters.hours[when.hour] ??= emptyBucket())[field] += n;
  const hour = (delta.minutes[when.hour] ??= {});
  (hour[when.minute] ??= emptyBucket())[field] += n;
};

/** Test batches (numbered from `TEST_SEQ_BASE`) never count (contract §6). */
const isTestBatch = (batch: Batch) => batch.test === true || batch.seq >= TEST_SEQ_BASE;

/** Everything one batch counts for: each message in its state, sent ones with segments and cost. */
export const countsOfBatch = (batch: Batch | undefined): Delta => {
  const delta = emptyDelta();
  if (!batch || isTestBatch(batch)) return delta;
  const c = delta.counters;
  if (batch.status === 'held') {
    // The holdout: chosen and recorded, never sent to.
    c.heldOut += batch.messages.length;
    if (batch.messages.length)
      ownEntry(c.byTreatment, batch.treatment ?? 'holdout', emptyContentTally).targeted +=
        batch.messages.length;
    return delta;
  }
  const partnerId = batch.partnerId;
  // A message always has at least one segment; batches made before segments were recorded say nothing.
  const batchSegments = batch.segments || 1;
  const price = batch.price ?? 0;
  for (const message of batch.messages) {
    c.targeted += 1;
    const place = { lang: message.lang, treatment: batch.treatment };
    onContent(c, place, 'targeted');
    // A personalised text (or another variant) may take more or fewer segments than the batch's.
    const segments = message.segments ?? batchSegments;
    const carrier = message.carrier;
    // Batches materialised from old member data may hold a former province: counted under its successor.
    const province = message.province && canonicalProvinceName(message.province);
    const outcome = message.state === 'queued' || message.state === 'pending' ? undefined : message.state;
    if (outcome === undefined) c[message.state] += 1;
    else if (outcome === 'delivered') c.delivered += 1;
    else {
      c.failed += 1;
      const reason = reasonKey(message.reason);
      setOwn(c.failureReasons, reason, (ownValue(c.failureReasons, reason) ?? 0) + 1);
    }
    const sent = message.sentAt !== undefined;
    if (sent) {
      c.sent += 1;
      c.segments += segments;
      c.cost += segments * price;
      tally(c.byCarrier, carrier, 'sent');
      if (province) tally(c.byProvince, province, 'sent');
      tally(c.byPartner, partnerId, 'sent');
      onContent(c, place, 'sent');
      onTimeline(delta, message.sentAt, 'sent', 1);
    }
    if (outcome) {
      const field = outcome === 'delivered' ? 'delivered' : 'failed';
      tally(c.byCarrier, carrier, field);
      if (province) tally(c.byProvince, province, field);
      // Per partner only what it accepted, so its delivery rate is delivered / sent.
      if (sent) tally(c.byPartner, partnerId, field);
      onContent(c, place, field);
      onTimeline(delta, message.at, field, 1);
    }
  }
  // Money is rounded as counters are (see counters.ts), so the counted cost is exactly what adds up.
  c.cost = Math.round(c.cost * 1e6) / 1e6;
  return delta;
};

/** Opted-out and frequency-capped recipients, written once when materialisation finishes. */
export const countsOfProgress = (progress: Progress | undefined): Delta => {
  const delta = emptyDelta();
  if (!progress) return delta;
  const suppressed = progress.suppressed + progress.capped;
  delta.counters.suppressed = suppressed;
  delta.counters.targeted = suppressed;
  return delta;
};

/** A recipient's click item: the first write is a unique click; every write adds its clicks. */
const clickDelta = ({ event, before, after }: ChangeOf<'click', LinkClicks>): Delta => {
  const delta = emptyDelta();
  if (!after || event === 'REMOVE') return delta;
  const added = after.clicks - (before?.clicks ?? 0);
  if (after.aggregate) {
    // A campaign's one link: how many clicks, never who, so no unique clicks and no content breakdown.
    delta.counters.clicks = added;
    onTimeline(delta, after.lastAt, 'clicks', added);
    return delta;
  }
  if (after.test === true || (before && before.aggregate)) return delta;
  delta.counters.uniqueClicks = before ? 0 : 1;
  delta.counters.clicks = added;
  // The click item carries the variant and treatment of the message its link was in (links.ts).
  onContent(delta.counters, after, 'clicks', added);
  if (!before) onContent(delta.counters, after, 'uniqueClicks');
  onTimeline(delta, after.lastAt, 'clicks', added);
  return delta;
};

/** An inbound message is written once: a reply of its campaign, and maybe an opt-out. */
const inboundDelta = ({ event, after }: ChangeOf<'inbound', Inbound>): Delta => {
  const delta = emptyDelta();
  if (event !== 'INSERT' || !after) return delta;
  delta.counters.replies = 1;
  delta.counters.optOuts = after.optOut ? 1 : 0;
  // Attributed to the variant and treatment of the message the reply answers (webhooks/service.ts).
  onContent(delta.counters, after, 'replies');
  return delta;
};

/** A small stable hash, to spread clicks and replies of one campaign over its shards. */
const shardOfKey = (key: string): number => {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % SHARDS;
};

/** Where a change counts: its campaign, and the shard that takes it. */
const placeOf = (change: Change): { campaignId: string; shard: number } | undefined => {
  switch (change.kind) {
    case 'batch': {
      const batch = change.after ?? change.before;
      return batch && { campaignId: batch.campaignId, shard: batch.seq % SHARDS };
    }
    case 'progress':
      return { campaignId: change.campaignId, shard: 0 };
    case 'click': {
      const click = change.after ?? change.before;
      return click && { campaignId: click.campaignId, shard: shardOfKey(click.code) };
    }
    case 'inbound': {
      // Only replies to a campaign count: an inbound message without `campaignId` has no place.
      const inbound = change.after ?? change.before;
      return inbound?.campaignId
        ? { campaignId: inbound.campaignId, shard: shardOfKey(`${inbound.partnerId}#${inbound.id}`) }
        : undefined;
    }
  }
};

const deltaOf = (change: Change): Delta | undefined => {
  switch (change.kind) {
    case 'batch':
      // A batch leaves the table only when its retention ends (TTL, docs/personal-data.md): what it
      // counted stays counted, as aggregates outlive per-recipient data.
      if (change.event === 'REMOVE') return undefined;
      return difference(countsOfBatch(change.after), countsOfBatch(change.before));
    case 'progress':
      // Progress items are never removed; a REMOVE (a manual clean-up) must not undo what was counted.
      if (change.event === 'REMOVE') return undefined;
      return difference(countsOfProgress(change.after), countsOfProgress(change.before));
    case 'click':
      return clickDelta(change);
    case 'inbound':
      return inboundDelta(change);
  }
};

/**
 * The contribution of one change to one campaign's metrics, or undefined when it has none: a test batch,
 * a reply to no campaign, a write that changed nothing counted (a claim, a release, a settled-batch count).
 */
export const contributionOf = (change: Change): Contribution | undefined => {
  const place = placeOf(change);
  const delta = place && deltaOf(change);
  if (!place || !delta || isZeroDelta(delta)) return undefined;
  const source = sourceOf(change);
  return { id: change.id, ...place, delta, ...(source ? { source } : {}) };
};

/** The batch version or the progress item a change leaves behind (a removal leaves none to compare). */
const sourceOf = (change: Change): CountedSource | undefined => {
  if (change.kind === 'batch' && change.after)
    return { kind: 'batch', seq: change.after.seq, ver: change.after.ver ?? 0 };
  if (change.kind === 'progress') return { kind: 'progress' };
  return undefined;
};

/** The sum of several contributions (one shard's share of a handler invocation). */
export const totalOf = (contributions: readonly Contribution[]): Delta =>
  contributions.reduce((total, c) => addDelta(total, c.delta), emptyDelta());
