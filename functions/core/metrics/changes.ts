import { ownEntry, ownValue, setOwn } from '../records.js';
import type { BatchMessage } from '../dispatch/batch.js';
import { TEST_SEQ_BASE } from '../dispatch/test-send.js';
import {
  addDelta,
  difference,
  emptyBucket,
  emptyDelta,
  emptyTally,
  hourAndMinute,
  isZeroDelta,
  type Bucket,
  type Delta,
  type Tally,
} from './counters.js';
import { reasonKey } from './failure-reasons.js';
import { canonicalProvinceName } from '../provinces.js';

/**
 * What a change to the table adds to a campaign's metrics. Every change arrives as a stream record with
 * the item before and after it (NEW_AND_OLD_IMAGES); its contribution is counts(after) − counts(before),
 * so the counters follow the items exactly, whatever order or however many times states change.
 */

export type Item = Record<string, unknown>;

export interface Change {
  /** The stream record's `eventID`: unique per record, the key of its "already counted" marker. */
  id: string;
  kind: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldImage?: Item;
  newImage?: Item;
}

export interface Contribution {
  id: string;
  campaignId: string;
  /** Which of the campaign's counter shards takes it (0..SHARDS-1). */
  shard: number;
  delta: Delta;
}

/** Counter shards per campaign: up to four writers aggregate one campaign at once without contention. */
export const SHARDS = 4;

/** The entities whose changes move the metrics; the stream filter lets only these through. */
export const METRIC_ENTITIES = ['Batch', 'Progress', 'Click', 'Inbound'] as const;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export { reasonKey } from './failure-reasons.js';

const tally = (map: Record<string, Tally>, key: string, field: keyof Tally) => {
  ownEntry(map, key, emptyTally)[field] += 1;
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
const isTestBatch = (image: Item) => image.test === true || num(image.seq) >= TEST_SEQ_BASE;

/** Everything one batch item counts for: each message in its state, sent ones with segments and cost. */
export const countsOfBatch = (image: Item | undefined): Delta => {
  const delta = emptyDelta();
  if (!image || isTestBatch(image) || !Array.isArray(image.messages)) return delta;
  const c = delta.counters;
  const partnerId = str(image.partnerId) ?? 'unknown';
  // A message always has at least one segment; batches made before segments were recorded say nothing.
  const segments = num(image.segments) || 1;
  const price = num(image.price);
  for (const message of image.messages as BatchMessage[]) {
    c.targeted += 1;
    const carrier = str(message.carrier) ?? 'unknown';
    // Batches materialised from old member data may hold a former province: counted under its successor.
    const provinceName = str(message.province);
    const province = provinceName && canonicalProvinceName(provinceName);
    const outcome = message.st === 'queued' || message.st === 'pending' ? undefined : message.st;
    if (outcome === undefined) c[message.st] += 1;
    else if (outcome === 'delivered') c.delivered += 1;
    else {
      c.failed += 1;
      const reason = reasonKey(str(message.reason));
      setOwn(c.failureReasons, reason, (ownValue(c.failureReasons, reason) ?? 0) + 1);
    }
    const sent = typeof message.sa === 'string';
    if (sent) {
      c.sent += 1;
      c.segments += segments;
      c.cost += segments * price;
      tally(c.byCarrier, carrier, 'sent');
      if (province) tally(c.byProvince, province, 'sent');
      tally(c.byPartner, partnerId, 'sent');
      onTimeline(delta, message.sa, 'sent', 1);
    }
    if (outcome) {
      const field = outcome === 'delivered' ? 'delivered' : 'failed';
      tally(c.byCarrier, carrier, field);
      if (province) tally(c.byProvince, province, field);
      // Per partner only what it accepted, so its delivery rate is delivered / sent.
      if (sent) tally(c.byPartner, partnerId, field);
      onTimeline(delta, message.at, field, 1);
    }
  }
  // Money is rounded as counters are (see counters.ts), so the counted cost is exactly what adds up.
  c.cost = Math.round(c.cost * 1e6) / 1e6;
  return delta;
};

/** Opted-out and frequency-capped recipients, written once when materialisation finishes. */
const countsOfProgress = (image: Item | undefined): Delta => {
  const delta = emptyDelta();
  if (!image) return delta;
  const suppressed = num(image.suppressed) + num(image.capped);
  delta.counters.suppressed = suppressed;
  delta.counters.targeted = suppressed;
  return delta;
};

/** A recipient's click item: the first write is a unique click; every write adds its clicks. */
const clickDelta = (change: Change): Delta => {
  const delta = emptyDelta();
  const after = change.newImage;
  if (!after || change.kind === 'REMOVE' || after.test === true) return delta;
  const added = num(after.clicks) - num(change.oldImage?.clicks);
  delta.counters.uniqueClicks = change.oldImage ? 0 : 1;
  delta.counters.clicks = added;
  onTimeline(delta, str(after.lastAt), 'clicks', added);
  return delta;
};

/** An inbound message is written once: a reply of its campaign, and maybe an opt-out. */
const inboundDelta = (change: Change): Delta => {
  const delta = emptyDelta();
  if (change.kind !== 'INSERT' || !change.newImage) return delta;
  delta.counters.replies = 1;
  delta.counters.optOuts = change.newImage.optOut === true ? 1 : 0;
  return delta;
};

/** A small stable hash, to spread clicks and replies of one campaign over its shards. */
const shardOfKey = (key: string): number => {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % SHARDS;
};

/**
 * The contribution of one change to one campaign's metrics, or undefined when it has none: another
 * entity, a test batch, a write that changed nothing counted (a claim, a release, a settled-batch count).
 */
export const contributionOf = (change: Change): Contribution | undefined => {
  const image = change.newImage ?? change.oldImage;
  const campaignId = str(image?.campaignId) ?? campaignIdOfKey(str(image?.pk));
  if (!image || !campaignId) return undefined;
  let delta: Delta;
  let shard: number;
  switch (image.entity) {
    case 'Batch':
      delta = difference(countsOfBatch(change.newImage), countsOfBatch(change.oldImage));
      shard = num(image.seq) % SHARDS;
      break;
    case 'Progress':
      // Progress items are never removed; a REMOVE (a manual clean-up) must not undo what was counted.
      if (change.kind === 'REMOVE') return undefined;
      delta = difference(countsOfProgress(change.newImage), countsOfProgress(change.oldImage));
      shard = 0;
      break;
    case 'Click':
      delta = clickDelta(change);
      shard = shardOfKey(String(image.pk));
      break;
    case 'Inbound':
      // Only replies to a campaign count: an inbound message without `campaignId` was left out above.
      delta = inboundDelta(change);
      shard = shardOfKey(String(image.pk));
      break;
    default:
      return undefined;
  }
  return isZeroDelta(delta) ? undefined : { id: change.id, campaignId, shard, delta };
};

/** `CAMPAIGN#{id}` → id (progress items carry no `campaignId` attribute). */
const campaignIdOfKey = (pk: string | undefined): string | undefined =>
  pk?.startsWith('CAMPAIGN#') ? pk.slice('CAMPAIGN#'.length) : undefined;

/** The sum of several contributions (one shard's share of a handler invocation). */
export const totalOf = (contributions: readonly Contribution[]): Delta =>
  contributions.reduce((total, c) => addDelta(total, c.delta), emptyDelta());
