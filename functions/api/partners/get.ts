import { partnerDeps } from '#adapters/deps.js';
import { getPartner } from '#core/partner-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = partnerDeps();

export const handler = api(routes.getPartner, async ({ params }) => ({
  status: 200,
  body: await getPartner(deps, params.partnerId),
}));
