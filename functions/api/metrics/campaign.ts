import { metricsDeps } from '#adapters/metrics-deps.js';
import { campaignMetrics } from '#core/metrics/service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const { reader } = metricsDeps();

export const handler = api(routes.getCampaignMetrics, async ({ params, query }) => ({
  status: 200,
  body: await campaignMetrics(reader, params.campaignId, query),
}));
