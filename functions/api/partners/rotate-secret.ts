import { partnerDeps } from '#adapters/deps.js';
import { rotatePartnerSecret } from '#core/partner-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = partnerDeps();

export const handler = api(routes.rotatePartnerSecret, async ({ params }) => ({
  status: 200,
  body: await rotatePartnerSecret(deps, params.partnerId),
}));
