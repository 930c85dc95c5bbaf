import { campaignDeps } from '#adapters/campaign-deps.js';
import { previewCampaign } from '#core/campaign-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = campaignDeps();

export const handler = api(routes.previewCampaign, async ({ params }) => ({
  status: 200,
  body: await previewCampaign(deps, params.campaignId),
}));
