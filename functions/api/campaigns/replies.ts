import { repliesDeps } from '#adapters/campaign-deps.js';
import { getCampaign } from '#core/campaign-service.js';
import { phoneFor } from '#core/roles.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const { inbound, campaigns } = repliesDeps();

export const handler = api(routes.listCampaignReplies, async ({ params, query, actor }) => {
  // An unknown campaign is a 404, as for its messages and report.
  const [, page] = await Promise.all([
    getCampaign(campaigns, params.campaignId),
    inbound.replies(params.campaignId, query),
  ]);
  const showPhone = phoneFor(actor);
  return {
    status: 200,
    body: { ...page, items: page.items.map((r) => ({ ...r, from: showPhone(r.from) })) },
  };
});
