import { campaignDeps } from '#adapters/campaign-deps.js';
import { getCampaign } from '#core/campaign-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = campaignDeps();

export const handler = api(routes.getCampaign, async ({ params }) => ({
  status: 200,
  body: await getCampaign(deps, params.campaignId),
}));
