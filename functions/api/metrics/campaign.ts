import { dynamoDocumentClient, tableName } from '../../adapters/clients.js';
import { dynamoMetricsReader } from '../../adapters/metrics-store.js';
import { campaignMetrics } from '../../core/metrics/service.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const reader = dynamoMetricsReader(dynamoDocumentClient(), tableName());

export const handler = api(routes.getCampaignMetrics, async ({ params, query }) => ({
  status: 200,
  body: await campaignMetrics(reader, params.campaignId, query),
}));
