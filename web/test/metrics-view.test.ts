import { describe, expect, it } from 'vitest';
import {
  funnel,
  hasMetrics,
  isFinal,
  isSettled,
  localDate,
  metricsChanged,
  reasonRows,
  summaryWindow,
  tallyRows,
  timelineColumns,
  type CampaignMetrics,
} from '../src/metrics/view.js';

const metrics = (over: Partial<CampaignMetrics> = {}): CampaignMetrics => ({
  campaignId: 'c1',
  status: 'sending',
  clickTracking: 'aggregate',
  targeted: 40,
  heldOut: 0,
  suppressed: 2,
  queued: 10,
  sent: 28,
  pending: 3,
  delivered: 20,
  failed: 5,
  failureReasons: { unroutable: 0, rejected: 0, expired: 0 },
  deliveryRate: 0.7143,
  segments: 28,
  cost: 9800,
  clicks: 6,
  uniqueClicks: 5,
  replies: 1,
  optOuts: 1,
  currency: 'VND',
  byCarrier: {},
  byProvince: {},
  byPartner: {},
  byVariant: {},
  byTreatment: {},
  treatmentComparison: [],
  granularity: 'hour',
  timeline: [],
  updatedAt: '2027-07-30T01:00:05.000Z',
  ...over,
});

describe('the metrics page’s reading of contract §7', () => {
  it('builds the funnel with each step’s share of the one before', () => {
    expect(funnel(metrics())).toEqual([
      { key: 'targeted', count: 40, rate: undefined },
      { key: 'sent', count: 28, rate: 0.7 },
      { key: 'delivered', count: 20, rate: 20 / 28 },
      { key: 'clicked', count: 5, rate: 0.25 },
    ]);
    expect(
      funnel(metrics({ targeted: 0, sent: 0, delivered: 0, uniqueClicks: 0 })).map((s) => s.rate),
    ).toEqual([undefined, 0, 0, 0]);
  });

  it('sorts carriers and provinces by volume, leaves out empty ones, and gives each its delivery rate', () => {
    const rows = tallyRows({
      mobifone: { sent: 3, delivered: 3, failed: 0 },
      viettel: { sent: 10, delivered: 8, failed: 2 },
      gmobile: { sent: 0, delivered: 0, failed: 0 },
      itel: { sent: 0, delivered: 0, failed: 3 },
    });
    expect(rows.map((r) => r.key)).toEqual(['viettel', 'itel', 'mobifone']);
    expect(rows[0]?.deliveryRate).toBe(0.8);
    expect(rows[1]?.deliveryRate).toBe(0);
  });

  it('lists failure reasons that happened, most first', () => {
    expect(reasonRows({ unroutable: 0, rejected: 2, expired: 0, unreachable: 5, blocked: 2 })).toEqual([
      { key: 'unreachable', count: 5 },
      { key: 'blocked', count: 2 },
      { key: 'rejected', count: 2 },
    ]);
  });

  it('turns the timeline into the chart’s columns, oldest first, in Unix seconds', () => {
    const columns = timelineColumns([
      { at: '2027-07-30T02:00:00Z', sent: 5, delivered: 4, failed: 1, clicks: 0 },
      { at: '2027-07-30T01:00:00Z', sent: 2, delivered: 2, failed: 0, clicks: 1 },
    ]);
    expect(columns.times).toEqual([
      Date.parse('2027-07-30T01:00:00Z') / 1000,
      Date.parse('2027-07-30T02:00:00Z') / 1000,
    ]);
    expect(columns.series).toEqual({ sent: [2, 5], delivered: [2, 4], failed: [0, 1], clicks: [1, 0] });
  });

  it('sees a change in the counts or the status, and none in an identical answer', () => {
    expect(metricsChanged(undefined, metrics())).toBe(true);
    expect(metricsChanged(metrics(), metrics())).toBe(false);
    expect(metricsChanged(metrics(), metrics({ sent: 29 }))).toBe(true);
    expect(metricsChanged(metrics(), metrics({ status: 'completed' }))).toBe(true);
  });

  it('knows which statuses are final and which campaigns have metrics', () => {
    expect(['completed', 'cancelled', 'failed'].every(isFinal)).toBe(true);
    expect(['sending', 'paused', 'scheduled'].some(isFinal)).toBe(false);
    expect(hasMetrics({ status: 'sending' })).toBe(true);
    expect(hasMetrics({ status: 'cancelled' })).toBe(false);
    expect(hasMetrics({ status: 'cancelled', startedAt: '2027-07-30T01:00:00Z' })).toBe(true);
    expect(hasMetrics({ status: 'scheduled' })).toBe(false);
  });

  it('keeps a completed campaign live until its last delivery reports are in', () => {
    expect(isSettled(metrics({ status: 'completed', queued: 0, pending: 1 }))).toBe(false);
    expect(isSettled(metrics({ status: 'completed', queued: 0, pending: 0 }))).toBe(true);
    expect(isSettled(metrics({ status: 'sending', queued: 0, pending: 0 }))).toBe(false);
  });

  it('asks the summary for whole local days, both ends included', () => {
    expect(summaryWindow('2027-07-01', '2027-07-31')).toEqual({
      from: '2027-07-01T00:00:00+07:00',
      to: '2027-08-01T00:00:00+07:00',
    });
    // 23:30 on 31/07 in UTC is already 1 August in Vietnam.
    expect(localDate(new Date('2027-07-31T17:30:00Z'))).toBe('2027-08-01');
    expect(localDate(new Date('2027-07-31T17:30:00Z'), 30)).toBe('2027-07-02');
  });
});
