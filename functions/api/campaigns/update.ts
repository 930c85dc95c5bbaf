import { campaignDeps } from '#adapters/campaign-deps.js';
import { updateCampaign } from '#core/campaign-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = campaignDeps();

export const handler = api(routes.updateCampaign, async ({ actor, params, body }) => ({
  status: 200,
  body: await updateCampaign(deps, actor, params.campaignId, body),
}));
