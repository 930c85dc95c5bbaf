import { NotFoundError } from '#core/errors.js';
import type { ShardState } from './aggregate.js';
import { sumCounters, type Bucket, type Counters } from './counters.js';
import {
  inSummaryWindow,
  metricsView,
  minuteWindow,
  summaryView,
  type CampaignHead,
  type MetricsQuery,
  type MetricsView,
  type SummaryQuery,
  type SummaryView,
} from './view.js';

/** Reads of the metrics: a bounded number of items per campaign, however many recipients it has. */
export interface MetricsReader {
  /** The campaign and its counter shards, in one request. */
  campaignWithShards(campaignId: string): Promise<{ campaign?: CampaignHead; shards: ShardState[] }>;
  /** Minute buckets of the hours `fromHour`..`toHour` (inclusive), shards summed: hour → minute → bucket. */
  minutes(
    campaignId: string,
    fromHour: string,
    toHour: string,
  ): Promise<Record<string, Record<string, Bucket>>>;
  /** Every campaign created before `to` (a key range of the campaign list, not a scan). */
  campaignsCreatedBefore(to: string): Promise<CampaignHead[]>;
  /** The summed counters of each campaign. */
  countersOf(campaignIds: readonly string[]): Promise<Map<string, Counters>>;
}

const latest = (shards: readonly ShardState[]): string | undefined =>
  shards
    .map((s) => s.updatedAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);

/** `GET /v1/campaigns/{id}/metrics`. */
export const campaignMetrics = async (
  reader: MetricsReader,
  campaignId: string,
  query: MetricsQuery,
): Promise<MetricsView> => {
  const { campaign, shards } = await reader.campaignWithShards(campaignId);
  if (!campaign) throw new NotFoundError(`Campaign ${campaignId}`);
  const counters = sumCounters(shards.map((s) => s.counters));
  const window = query.granularity === 'minute' ? minuteWindow(query, counters.hours) : undefined;
  const minutes = window ? await reader.minutes(campaignId, window.fromHour, window.toHour) : undefined;
  const updatedAt = latest(shards);
  return metricsView({
    campaign,
    counters,
    granularity: query.granularity,
    query,
    ...(window && minutes ? { minutes: { window, buckets: minutes } } : {}),
    ...(updatedAt ? { updatedAt } : {}),
  });
};

/** `GET /v1/metrics/summary`. */
export const metricsSummary = async (reader: MetricsReader, query: SummaryQuery): Promise<SummaryView> => {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  const campaigns = (await reader.campaignsCreatedBefore(new Date(to).toISOString())).filter((c) =>
    inSummaryWindow(c, from, to),
  );
  const counters = await reader.countersOf(campaigns.map((c) => c.id));
  return summaryView(
    query,
    campaigns.map((campaign) => ({ campaign, counters: counters.get(campaign.id) ?? sumCounters([]) })),
  );
};
