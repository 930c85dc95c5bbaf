import { optOutDeps } from '#adapters/deps.js';
import { getOptOut } from '#core/opt-out-service.js';
import { phoneFor } from '#core/roles.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = optOutDeps();

export const handler = api(routes.getOptOut, async ({ params, actor }) => {
  const optOut = await getOptOut(deps, params.phone);
  return { status: 200, body: { ...optOut, phone: phoneFor(actor)(optOut.phone) } };
});
