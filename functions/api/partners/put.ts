import { partnerDeps } from '#adapters/deps.js';
import { savePartner } from '#core/partner-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = partnerDeps();

export const handler = api(routes.putPartner, async ({ params, body }) => {
  const result = await savePartner(deps, params.partnerId, body);
  return { status: result.created ? 201 : 200, body: result.partner };
});
