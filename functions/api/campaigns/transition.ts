import { campaignDeps } from '../../adapters/campaign-deps.js';
import { transitionCampaign } from '../../core/campaign-service.js';
import { ValidationError } from '../../core/errors.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const deps = campaignDeps();

export const handler = api(routes.transitionCampaign, async ({ actor, params, body }) => {
  if (params.action === 'reject' && !body?.reason) {
    throw new ValidationError('A rejection needs a reason', [
      { path: 'reason', message: 'is required to reject' },
    ]);
  }
  return {
    status: 200,
    body: await transitionCampaign(deps, actor, params.campaignId, params.action, body?.reason),
  };
});
