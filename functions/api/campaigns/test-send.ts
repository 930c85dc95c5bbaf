import { sendingDeps } from '../../adapters/dispatch-deps.js';
import { getCampaign } from '../../core/campaign-service.js';
import { sendTest } from '../../core/dispatch/test-send.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const deps = sendingDeps();

export const handler = api(routes.testCampaign, async ({ params, body }) => {
  const campaign = await getCampaign(deps.campaigns, params.campaignId);
  const result = await sendTest({ ...deps.materialize, queue: deps.dispatch.queue }, campaign, body.phones);
  return { status: 202, body: result };
});
