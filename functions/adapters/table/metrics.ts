import { CLICK_TRACKING_MODES, LEGACY_CLICK_TRACKING } from '#core/campaign.js';
import * as z from 'zod';
import type { MinuteState, ShardState } from '#core/metrics/aggregate.js';
import type { RecountBaseline } from '#core/metrics/recount.js';
import { countersFrom, type Bucket } from '#core/metrics/counters.js';
import type { CampaignHead } from '#core/metrics/view.js';
import { keys } from '#adapters/table.js';
import { defined, parseItem, type Item } from './codec.js';

/**
 * The metrics read model's items: counter shards and minute timelines of a campaign (versioned, replaced
 * whole by the aggregator) and the markers of stream records already counted.
 */

const Bucket = z.object({ sent: z.number(), delivered: z.number(), failed: z.number(), clicks: z.number() });
const MinutesOfHour = z.record(z.string(), Bucket);

const METRICS = 'Metrics';
const StoredShard = z.object({ ver: z.number().default(0), updatedAt: z.string().optional() });
/** Counters written by an older version may lack newer fields (or be absent): zeros fill them in. */
const countersOf = (item: Item | undefined) => countersFrom(item?.counters);
/** Metrics counters of a campaign, shard n: `CAMPAIGN#{id}` / `METRICS#{n}`. */
export const metricsShardCodec = {
  entity: METRICS,
  key: keys.metricsShard,
  toItem: (state: Omit<ShardState, 'ver'>, ver: number, updatedAt: string): Item => ({
    ...keys.metricsShard(state.campaignId, state.shard),
    entity: METRICS,
    shard: state.shard,
    counters: state.counters,
    campaignId: state.campaignId,
    ver,
    updatedAt,
  }),
  /** The shard's state; an item never written yet is at version 0 with zero counters. */
  fromItem: (campaignId: string, shard: number, item: Item | undefined): ShardState =>
    defined({
      campaignId,
      shard,
      ...parseItem(METRICS, StoredShard, item ?? {}),
      counters: countersOf(item),
    }),
  /** A read of shards of several campaigns: whose they are, and their counters. */
  countersOf: (item: Item) => ({
    campaignId: parseItem(METRICS, z.object({ campaignId: z.string() }), item).campaignId,
    counters: countersOf(item),
  }),
} as const;

const MINUTES = 'MetricsMinutes';
const StoredMinutes = z.object({ ver: z.number().default(0), minutes: MinutesOfHour.default({}) });
/** Minute timeline of one hour, shard n: `CAMPAIGN#{id}` / `MINUTES#{yyyy-mm-ddThh}#{n}`. */
export const metricsMinutesCodec = {
  entity: MINUTES,
  key: keys.metricsMinutes,
  toItem: (campaignId: string, shard: number, minute: MinuteState, ver: number, updatedAt: string): Item => ({
    ...keys.metricsMinutes(campaignId, minute.hour, shard),
    entity: MINUTES,
    hour: minute.hour,
    shard,
    minutes: minute.minutes,
    campaignId,
    ver,
    updatedAt,
  }),
  fromItem: (hour: string, item: Item | undefined): MinuteState => ({
    hour,
    ...parseItem(MINUTES, StoredMinutes, item ?? {}),
  }),
  /** A read of a campaign's minute items: each one's hour and minutes. */
  hourOf: (item: Item): Record<string, Record<string, Bucket>> => {
    const { hour, minutes } = parseItem(MINUTES, StoredMinutes.extend({ hour: z.string() }), item);
    return { [hour]: minutes };
  },
} as const;

const RECOUNT = 'MetricsRecount';
const StoredRecount = z.object({
  batches: z.record(z.string(), z.number()).default({}),
  progress: z.boolean().default(false),
});
/**
 * The baseline of shard n's last repair: `CAMPAIGN#{id}` / `RECOUNT#{n}`, written with the shard, kept past
 * the stream's retention (after that no change it covers can come back).
 */
export const recountBaselineCodec = {
  entity: RECOUNT,
  key: keys.metricsRecount,
  toItem: (campaignId: string, shard: number, baseline: RecountBaseline, at: string, ttl: number): Item => ({
    ...keys.metricsRecount(campaignId, shard),
    entity: RECOUNT,
    campaignId,
    shard,
    ...baseline,
    at,
    ttl,
  }),
  fromItem: (item: Item | undefined): RecountBaseline | undefined =>
    item ? parseItem(RECOUNT, StoredRecount, item) : undefined,
} as const;

const AGGREGATED = 'Aggregated';
/** A stream record already counted: `AGG#{eventID}` / `AGG`, kept past the stream's retention. */
export const aggregatedCodec = {
  entity: AGGREGATED,
  toItem: (eventId: string, at: string, ttl: number): Item => ({
    ...keys.aggregated(eventId),
    entity: AGGREGATED,
    at,
    ttl,
  }),
} as const;

const CampaignHeadProjection = z.object({
  id: z.string(),
  name: z.string().default(''),
  status: z.string().default(''),
  sendAt: z.string().default(''),
  startedAt: z.string().optional(),
  estimate: z.object({ currency: z.string().optional() }).optional(),
  // Campaigns stored before the modes existed were sent with a code per recipient (campaign-records.ts).
  clickTracking: z.enum(CLICK_TRACKING_MODES).default(LEGACY_CLICK_TRACKING),
});
/** What the metrics read of a campaign item (a projection of the Campaign entity). */
export const campaignHeadFromItem = (item: Item): CampaignHead => {
  const { estimate, ...head } = parseItem('Campaign', CampaignHeadProjection, item);
  return defined({ ...head, currency: estimate?.currency });
};
