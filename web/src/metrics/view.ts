import type { Schemas } from '../api/client.js';

/** How the metrics page reads contract §7's answer: funnel, tables by volume, chart series. Pure. */
export type CampaignMetrics = Schemas['CampaignMetrics'];
export type MetricsSummary = Schemas['MetricsSummary'];
export type Tally = { sent: number; delivered: number; failed: number };

/** Statuses after which nothing changes any more: the page stops asking. */
const FINAL_STATUSES = new Set(['completed', 'cancelled', 'failed', 'rejected']);
/** A campaign that was handed to the sending machinery: it has metrics to show. */
const STARTED_STATUSES = new Set(['sending', 'paused', 'completed', 'cancelled', 'failed']);

export const isFinal = (status: string): boolean => FINAL_STATUSES.has(status);

/**
 * Whether the figures will not move any more: the campaign is final and no delivery report is awaited (a
 * campaign completes once every batch was handed over; its last reports may arrive after).
 */
export const isSettled = (m: Pick<CampaignMetrics, 'status' | 'pending' | 'queued'>): boolean =>
  isFinal(m.status) && m.pending === 0 && m.queued === 0;

export const hasMetrics = (campaign: { status: string; startedAt?: string | undefined }): boolean =>
  STARTED_STATUSES.has(campaign.status) && (campaign.status !== 'cancelled' || !!campaign.startedAt);

/** A share in [0, 1], 0 when there is nothing to share out. */
export const rate = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

export interface FunnelStep {
  key: 'targeted' | 'sent' | 'delivered' | 'clicked';
  count: number;
  /** Share of the step before (targeted: undefined). */
  rate: number | undefined;
}

/** targeted → sent → delivered → clicked (people who clicked), each with its share of the step before. */
export const funnel = (m: Pick<CampaignMetrics, 'targeted' | 'sent' | 'delivered' | 'uniqueClicks'>) => {
  const steps: FunnelStep[] = [
    { key: 'targeted', count: m.targeted, rate: undefined },
    { key: 'sent', count: m.sent, rate: rate(m.sent, m.targeted) },
    { key: 'delivered', count: m.delivered, rate: rate(m.delivered, m.sent) },
    { key: 'clicked', count: m.uniqueClicks, rate: rate(m.uniqueClicks, m.delivered) },
  ];
  return steps;
};

export interface TallyRow extends Tally {
  key: string;
  deliveryRate: number;
}

/** Rows of a by-carrier or by-province record, largest volume (sent + failed) first, then by name. */
export const tallyRows = (record: Record<string, Tally>): TallyRow[] =>
  Object.entries(record)
    .map(([key, tally]) => ({ key, ...tally, deliveryRate: rate(tally.delivered, tally.sent) }))
    .filter((row) => row.sent + row.failed > 0)
    .sort((a, b) => b.sent + b.failed - (a.sent + a.failed) || a.key.localeCompare(b.key));

/** Failure reasons with at least one message, most first; the usual ones at 0 are left out. */
export const reasonRows = (reasons: Record<string, number>): { key: string; count: number }[] =>
  Object.entries(reasons)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));

export const TIMELINE_SERIES = ['sent', 'delivered', 'failed', 'clicks'] as const;
export type TimelineSeries = (typeof TIMELINE_SERIES)[number];

/** The chart's columns: Unix seconds, then one array per series, oldest first. */
export const timelineColumns = (
  timeline: CampaignMetrics['timeline'],
): { times: number[]; series: Record<TimelineSeries, number[]> } => {
  const points = [...timeline].sort((a, b) => a.at.localeCompare(b.at));
  return {
    times: points.map((p) => Date.parse(p.at) / 1000),
    series: {
      sent: points.map((p) => p.sent),
      delivered: points.map((p) => p.delivered),
      failed: points.map((p) => p.failed),
      clicks: points.map((p) => p.clicks),
    },
  };
};

/** Whether a new answer shows anything the last one did not (for the poll's backoff). */
export const metricsChanged = (before: CampaignMetrics | undefined, after: CampaignMetrics): boolean =>
  !before ||
  before.status !== after.status ||
  before.updatedAt !== after.updatedAt ||
  before.targeted !== after.targeted ||
  before.sent !== after.sent ||
  before.delivered !== after.delivered ||
  before.failed !== after.failed ||
  before.timeline.length !== after.timeline.length;

/** `[from, to)` of the summary for two local dates `YYYY-MM-DD` (both days included), in UTC+7. */
export const summaryWindow = (fromDate: string, toDate: string): { from: string; to: string } => {
  const next = new Date(`${toDate}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { from: `${fromDate}T00:00:00+07:00`, to: `${next.toISOString().slice(0, 10)}T00:00:00+07:00` };
};

/** `YYYY-MM-DD` of the day `days` before the instant's day in UTC+7. */
export const localDate = (now: Date, days = 0): string =>
  new Date(now.getTime() + 7 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
