import { dynamoDocumentClient, tableName } from '../../adapters/clients.js';
import { dynamoMetricsReader } from '../../adapters/metrics-store.js';
import { metricsSummary } from '../../core/metrics/service.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const reader = dynamoMetricsReader(dynamoDocumentClient(), tableName());

export const handler = api(routes.getMetricsSummary, async ({ query }) => ({
  status: 200,
  body: await metricsSummary(reader, query),
}));
