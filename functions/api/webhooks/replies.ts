import { dynamoDocumentClient, tableName } from '../../adapters/clients.js';
import { dynamoInboundStore } from '../../adapters/inbound-store.js';
import { maskPhone } from '../../core/phone.js';
import { mayAccess } from '../../core/roles.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const inbound = dynamoInboundStore(dynamoDocumentClient(), tableName());

export const handler = api(routes.listCampaignReplies, async ({ params, query, actor }) => {
  const page = await inbound.replies(params.campaignId, query);
  // Contract §2: planners see phones masked; officers and up in full.
  const full = mayAccess(actor, 'edit');
  return {
    status: 200,
    body: { ...page, items: page.items.map((r) => (full ? r : { ...r, from: maskPhone(r.from) })) },
  };
});
