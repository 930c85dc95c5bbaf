import { apiOptions, campaignDeps } from '#adapters/campaign-deps.js';
import { createCampaign } from '#core/campaign-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = campaignDeps();

export const handler = api(
  routes.createCampaign,
  async ({ actor, body }) => ({ status: 201, body: await createCampaign(deps, actor, body) }),
  apiOptions(),
);
