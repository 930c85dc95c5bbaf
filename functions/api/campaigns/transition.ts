import { campaignDeps } from '#adapters/campaign-deps.js';
import { transitionCampaign } from '#core/campaign-service.js';
import { detail, ValidationError } from '#core/errors.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = campaignDeps();

export const handler = api(routes.transitionCampaign, async ({ actor, params, body }) => {
  if (params.action === 'reject' && !body?.reason) {
    throw new ValidationError('A rejection needs a reason', [detail('reason', 'reason_required')]);
  }
  return {
    status: 200,
    body: await transitionCampaign(deps, actor, params.campaignId, params.action, body?.reason),
  };
});
