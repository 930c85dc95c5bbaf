import { CLICK_TRACKING_MODES, LEGACY_CLICK_TRACKING, type ClickTracking } from '#core/campaign.js';
import * as z from 'zod';
import { customIssue } from '#core/messages.js';
import { compareRates, TEST_NAME } from '#core/content/compare.js';
import { emptyBucket, sumCounters, type Bucket, type ContentTally, type Counters } from './counters.js';

/** Contract §7: the metrics answer, and the summary across campaigns. */

const HOUR_MS = 3600_000;
/** Longest minute timeline one request may ask for. */
export const MAX_MINUTE_WINDOW_MS = 24 * HOUR_MS;
/** Default minute timeline: the last three hours that saw activity. */
const DEFAULT_MINUTE_HOURS = 3;
const MAX_SUMMARY_WINDOW_DAYS = 366;

const IsoTime = z.iso.datetime({ offset: true });

export const MetricsQuery = z
  .strictObject({
    granularity: z.enum(['hour', 'minute']).default('hour'),
    from: IsoTime.optional().meta({ description: 'Start of the timeline window (inclusive)' }),
    to: IsoTime.optional().meta({ description: 'End of the timeline window (exclusive)' }),
  })
  .superRefine((query, ctx) => {
    const from = query.from ? Date.parse(query.from) : undefined;
    const to = query.to ? Date.parse(query.to) : undefined;
    if (from !== undefined && to !== undefined && from >= to)
      ctx.addIssue({ ...customIssue('not_after_from'), path: ['to'] });
    else if (
      query.granularity === 'minute' &&
      from !== undefined &&
      to !== undefined &&
      to - from > MAX_MINUTE_WINDOW_MS
    )
      ctx.addIssue({
        ...customIssue('span_too_long_hours', { hours: MAX_MINUTE_WINDOW_MS / HOUR_MS }),
        path: ['to'],
      });
  });
export type MetricsQuery = z.output<typeof MetricsQuery>;

export const SummaryQuery = z.strictObject({ from: IsoTime, to: IsoTime }).superRefine((query, ctx) => {
  const span = Date.parse(query.to) - Date.parse(query.from);
  if (span <= 0) ctx.addIssue({ ...customIssue('not_after_from'), path: ['to'] });
  else if (span > MAX_SUMMARY_WINDOW_DAYS * 24 * HOUR_MS)
    ctx.addIssue({ ...customIssue('span_too_long_days', { days: MAX_SUMMARY_WINDOW_DAYS }), path: ['to'] });
});
export type SummaryQuery = z.output<typeof SummaryQuery>;

const Tally = z.object({ sent: z.int(), delivered: z.int(), failed: z.int() });
const TimelinePoint = z.object({
  at: z.iso.datetime(),
  sent: z.int(),
  delivered: z.int(),
  failed: z.int(),
  clicks: z.int(),
});

const totalsShape = {
  targeted: z.int().meta({ description: 'suppressed + queued + pending + delivered + failed' }),
  heldOut: z.int().meta({
    description: 'Recipients of the A/B holdout: chosen, sent nothing, not counted in targeted',
  }),
  suppressed: z.int().meta({ description: 'Opted out or over the frequency cap: not sent' }),
  queued: z.int().meta({ description: 'Not handed to a partner yet' }),
  sent: z.int().meta({ description: 'Accepted by a partner' }),
  pending: z.int().meta({ description: 'Accepted, awaiting a delivery report' }),
  delivered: z.int(),
  failed: z.int(),
  deliveryRate: z.number().meta({ description: 'delivered / sent (0 when nothing was sent), 4 decimals' }),
  segments: z.int().meta({ description: 'Segments of the sent messages' }),
  cost: z.number().meta({ description: 'Σ segments × price per segment of the accepting partner' }),
  clicks: z.int(),
  uniqueClicks: z.int().meta({ description: 'Recipients who clicked at least once' }),
  replies: z.int(),
  optOuts: z.int().meta({ description: 'Replies that were opt-out keywords' }),
};

const VariantTally = z.object({
  targeted: z.int(),
  sent: z.int(),
  delivered: z.int(),
  failed: z.int(),
  clicks: z.int(),
  uniqueClicks: z.int(),
  replies: z.int(),
});

const Side = z.object({ successes: z.int(), trials: z.int() });

const TreatmentComparison = z
  .object({
    treatment: z.string(),
    against: z.literal('A'),
    metric: z.literal('uniqueClickRate').meta({ description: 'unique clicks / delivered' }),
    a: Side.meta({ description: 'Treatment A: unique clicks (successes) of delivered (trials)' }),
    b: Side.meta({ description: 'This treatment: unique clicks (successes) of delivered (trials)' }),
    difference: z.number().meta({ description: 'rate(treatment) − rate(A), a fraction' }),
    low: z.number().meta({ description: 'Lower end of the 95 % confidence interval of the difference' }),
    high: z.number(),
    pValue: z.number().meta({ description: 'Two-sided' }),
    reliable: z.boolean().meta({
      description:
        'False when a side has fewer than 5 successes or 5 failures (the normal approximation is poor)',
    }),
    test: z.string(),
  })
  .meta({ id: 'TreatmentComparison' });

export const MetricsView = z
  .object({
    campaignId: z.string(),
    status: z.string(),
    ...totalsShape,
    failureReasons: z.record(z.string(), z.int()).meta({
      description:
        'Failed messages by reason: unreachable, invalid_number, blocked, expired, rejected, unroutable, ' +
        'partner_unavailable, cancelled, other (a partner code not in the list; the code is on each message)',
    }),
    currency: z.string().nullable(),
    clickTracking: z.enum(CLICK_TRACKING_MODES).meta({
      description:
        'How the campaign’s links were tracked. aggregate: clicks is the campaign’s total; uniqueClicks ' +
        'is 0 and no breakdown (carrier, province, variant, treatment, treatmentComparison) has clicks. ' +
        'off: no click is counted',
    }),
    byCarrier: z.record(z.string(), Tally),
    byProvince: z.record(z.string(), Tally),
    byPartner: z.record(z.string(), Tally).meta({ description: 'By accepting partner (extension)' }),
    byVariant: z.record(z.string(), VariantTally).meta({
      description:
        'By the language variant each message carried (campaigns with variants; empty otherwise); clicks ' +
        'and replies are those of the variant’s messages',
    }),
    byTreatment: z.record(z.string(), VariantTally).meta({
      description:
        'By A/B treatment (A..D) and holdout, side by side (campaigns with a split; empty otherwise). The ' +
        'holdout counts targeted only: it is sent nothing, so its sent, clicks and replies are 0 by construction',
    }),
    treatmentComparison: z.array(TreatmentComparison).meta({
      description:
        'Each treatment’s unique-click rate (unique clicks / delivered) against A; only treatments where ' +
        'both sides have delivered messages',
    }),
    granularity: z.enum(['hour', 'minute']),
    timeline: z.array(TimelinePoint),
    updatedAt: z.iso.datetime().nullable().meta({ description: 'Last counter update; null before any' }),
  })
  .meta({ id: 'CampaignMetrics' });
export type MetricsView = z.output<typeof MetricsView>;

const SummaryRow = z.object({
  campaignId: z.string(),
  name: z.string(),
  status: z.string(),
  sendAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  ...totalsShape,
});

export const SummaryView = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    totals: z.object(totalsShape),
    campaigns: z.array(SummaryRow),
  })
  .meta({ id: 'MetricsSummary' });
export type SummaryView = z.output<typeof SummaryView>;

/** The campaign fields the metrics answer shows. */
export interface CampaignHead {
  id: string;
  name: string;
  status: string;
  sendAt: string;
  startedAt?: string;
  currency?: string;
  clickTracking?: ClickTracking;
}

/** Always present, so a dashboard shows 0 rather than nothing (contract §7 example). */
const USUAL_REASONS = ['unroutable', 'rejected', 'expired'];

export const deliveryRate = (delivered: number, sent: number): number =>
  sent > 0 ? Math.round((delivered / sent) * 10_000) / 10_000 : 0;

const totalsOf = (c: Counters) => ({
  targeted: c.targeted,
  heldOut: c.heldOut,
  suppressed: c.suppressed,
  queued: c.queued,
  sent: c.sent,
  pending: c.pending,
  delivered: c.delivered,
  failed: c.failed,
  deliveryRate: deliveryRate(c.delivered, c.sent),
  segments: c.segments,
  cost: c.cost,
  clicks: c.clicks,
  uniqueClicks: c.uniqueClicks,
  replies: c.replies,
  optOuts: c.optOuts,
});

const point = (at: string, bucket: Bucket) => ({
  at,
  sent: bucket.sent,
  delivered: bucket.delivered,
  failed: bucket.failed,
  clicks: bucket.clicks,
});

const sortedKeys = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

/** Each treatment's unique-click rate against A's, computed on read from the counters. */
export const treatmentComparison = (byTreatment: Record<string, ContentTally>) => {
  const control = byTreatment.A;
  if (!control) return [];
  const a = { successes: control.uniqueClicks, trials: control.delivered };
  return Object.keys(byTreatment)
    .filter((id) => id !== 'A' && id !== 'holdout')
    .sort()
    .flatMap((treatment) => {
      const tally = byTreatment[treatment];
      const b = tally && { successes: tally.uniqueClicks, trials: tally.delivered };
      const result = b && compareRates(a, b);
      if (!b || !result) return [];
      const { z: _z, ...rest } = result;
      return [
        {
          treatment,
          against: 'A' as const,
          metric: 'uniqueClickRate' as const,
          a,
          b,
          ...rest,
          test: TEST_NAME,
        },
      ];
    });
};

/** `yyyy-mm-ddThh` of a time, and back. */
const hourKey = (ms: number): string => new Date(ms).toISOString().slice(0, 13);
const hourStart = (hour: string): number => Date.parse(`${hour}:00:00Z`);

/** The hour timeline, oldest first, optionally cut to `[from, to)`. */
const hourTimeline = (hours: Record<string, Bucket>, window?: { from: number; to: number }) =>
  Object.keys(hours)
    .sort()
    .filter((hour) => !window || (hourStart(hour) + HOUR_MS > window.from && hourStart(hour) < window.to))
    .map((hour) => point(`${hour}:00:00Z`, hours[hour] ?? emptyBucket()));

/** The minute timeline of `[from, to)`, oldest first. */
const minuteTimeline = (
  minutes: Record<string, Record<string, Bucket>>,
  window: { from: number; to: number },
) =>
  Object.entries(minutes)
    .flatMap(([hour, buckets]) =>
      Object.entries(buckets).map(([mm, bucket]) => point(`${hour}:${mm}:00Z`, bucket)),
    )
    .filter((p) => {
      const at = Date.parse(p.at);
      return at >= window.from && at < window.to;
    })
    .sort((a, b) => a.at.localeCompare(b.at));

/**
 * The window of a minute timeline: the one asked for (at most 24 h), else the three hours up to the last
 * hour with activity; undefined when nothing happened yet.
 */
export const minuteWindow = (
  query: Pick<MetricsQuery, 'from' | 'to'>,
  hours: Record<string, Bucket>,
): { from: number; to: number; fromHour: string; toHour: string } | undefined => {
  let from = query.from ? Date.parse(query.from) : undefined;
  let to = query.to ? Date.parse(query.to) : undefined;
  if (from === undefined && to === undefined) {
    const last = Object.keys(hours).sort().at(-1);
    if (!last) return undefined;
    to = hourStart(last) + HOUR_MS;
    from = to - DEFAULT_MINUTE_HOURS * HOUR_MS;
  }
  from ??= (to as number) - MAX_MINUTE_WINDOW_MS;
  to ??= from + MAX_MINUTE_WINDOW_MS;
  return { from, to, fromHour: hourKey(from), toHour: hourKey(to - 1) };
};

export interface MetricsViewInput {
  campaign: CampaignHead;
  counters: Counters;
  granularity: 'hour' | 'minute';
  query: Pick<MetricsQuery, 'from' | 'to'>;
  /**
   * When granularity is minute and something happened: the window (see `minuteWindow`) and its minute
   * buckets (hour → minute → bucket).
   */
  minutes?: { window: { from: number; to: number }; buckets: Record<string, Record<string, Bucket>> };
  updatedAt?: string;
}

/** Contract §7's answer for one campaign, from the sum of its shards. */
export const metricsView = (input: MetricsViewInput): MetricsView => {
  const { campaign, counters: c } = input;
  const reasons = Object.fromEntries(USUAL_REASONS.map((reason) => [reason, 0]));
  let timeline: ReturnType<typeof hourTimeline>;
  if (input.granularity === 'minute') {
    timeline = input.minutes ? minuteTimeline(input.minutes.buckets, input.minutes.window) : [];
  } else {
    const window =
      input.query.from || input.query.to
        ? {
            from: input.query.from ? Date.parse(input.query.from) : -Infinity,
            to: input.query.to ? Date.parse(input.query.to) : Infinity,
          }
        : undefined;
    timeline = hourTimeline(c.hours, window);
  }
  return {
    campaignId: campaign.id,
    status: campaign.status,
    ...totalsOf(c),
    failureReasons: sortedKeys({ ...reasons, ...c.failureReasons }),
    currency: campaign.currency ?? null,
    clickTracking: campaign.clickTracking ?? LEGACY_CLICK_TRACKING,
    byCarrier: sortedKeys(c.byCarrier),
    byProvince: sortedKeys(c.byProvince),
    byPartner: sortedKeys(c.byPartner),
    byVariant: sortedKeys(c.byVariant),
    byTreatment: sortedKeys(c.byTreatment),
    treatmentComparison: treatmentComparison(c.byTreatment),
    granularity: input.granularity,
    timeline,
    updatedAt: input.updatedAt ?? null,
  };
};

/** Campaigns that never reach a partner have nothing to report. */
const NEVER_SENT = new Set(['draft', 'pending_approval', 'rejected']);

/** Whether a campaign belongs to the summary of `[from, to)`: scheduled, or started, inside it. */
export const inSummaryWindow = (campaign: CampaignHead, from: number, to: number): boolean => {
  if (NEVER_SENT.has(campaign.status)) return false;
  return [campaign.sendAt, campaign.startedAt].some((at) => {
    const ms = at ? Date.parse(at) : NaN;
    return ms >= from && ms < to;
  });
};

/** `GET /v1/metrics/summary`: one row per campaign (by send time) and their totals. */
export const summaryView = (
  query: SummaryQuery,
  rows: readonly { campaign: CampaignHead; counters: Counters }[],
): SummaryView => {
  const totals = sumCounters(rows.map((row) => row.counters));
  return {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    totals: totalsOf(totals),
    campaigns: [...rows]
      .sort(
        (a, b) =>
          a.campaign.sendAt.localeCompare(b.campaign.sendAt) || a.campaign.id.localeCompare(b.campaign.id),
      )
      .map(({ campaign, counters }) => ({
        campaignId: campaign.id,
        name: campaign.name,
        status: campaign.status,
        sendAt: campaign.sendAt,
        startedAt: campaign.startedAt ?? null,
        ...totalsOf(counters),
      })),
  };
};
