import { metricsDeps } from '#adapters/metrics-deps.js';
import { metricsSummary } from '#core/metrics/service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const { reader } = metricsDeps();

export const handler = api(routes.getMetricsSummary, async ({ query }) => ({
  status: 200,
  body: await metricsSummary(reader, query),
}));
