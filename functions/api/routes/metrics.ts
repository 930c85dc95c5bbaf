import { MetricsQuery, MetricsView, SummaryQuery, SummaryView } from '#core/metrics/view.js';
import { campaignNotFound, campaignParams } from './params.js';
import { readRoute } from './shapes.js';

/** Routes of this area (issue #6); see routes.ts. */
export const metricsRoutes = {
  getCampaignMetrics: readRoute({
    id: 'getCampaignMetrics',
    path: '/v1/campaigns/{campaignId}/metrics',
    entry: 'functions/api/metrics/campaign.ts',
    summary:
      'Exact metrics of a campaign, read from 5 items however large it is; timeline by hour or by minute (`from`/`to`, at most 24 h; default the last 3 hours with activity)',
    tag: 'Metrics',
    auth: 'read',
    params: campaignParams,
    query: MetricsQuery,
    responses: { 200: { description: 'The metrics', schema: MetricsView }, ...campaignNotFound },
  }),
  getMetricsSummary: readRoute({
    id: 'getMetricsSummary',
    path: '/v1/metrics/summary',
    entry: 'functions/api/metrics/summary.ts',
    summary:
      'Totals and one row per campaign scheduled or started in [from, to) (at most 366 days; drafts, pending and rejected campaigns are left out)',
    tag: 'Metrics',
    auth: 'read',
    indexes: ['lists'],
    query: SummaryQuery,
    responses: { 200: { description: 'The summary', schema: SummaryView } },
  }),
};
