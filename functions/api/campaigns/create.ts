import { apiOptions, campaignDeps } from '#adapters/campaign-deps.js';
import { templateDeps } from '#adapters/deps.js';
import { createCampaignFrom } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = { ...campaignDeps(), templates: templateDeps().store };

export const handler = api(
  routes.createCampaign,
  async ({ actor, body }) => ({ status: 201, body: await createCampaignFrom(deps, actor, body) }),
  apiOptions(),
);
