import { campaignDeps } from '#adapters/campaign-deps.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = campaignDeps();

export const handler = api(routes.listCampaigns, async ({ query }) => ({
  status: 200,
  body: await deps.campaigns.list(query),
}));
