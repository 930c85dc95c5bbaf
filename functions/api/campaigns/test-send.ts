import { sendingDeps } from '#adapters/dispatch-deps.js';
import { testSendCampaign } from '#core/dispatch/test-send.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = sendingDeps();
const testSendDeps = {
  ...deps.materialize,
  queue: deps.dispatch.queue,
  campaigns: deps.campaigns.campaigns,
  suppression: deps.campaigns.suppression,
  newId: deps.campaigns.newId,
};

export const handler = api(routes.testCampaign, async ({ actor, params, body }) => ({
  status: 202,
  body: await testSendCampaign(testSendDeps, actor, params.campaignId, body.phones),
}));
