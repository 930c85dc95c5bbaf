import { optOutDeps } from '#adapters/deps.js';
import { removeOptOut } from '#core/opt-out-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = optOutDeps();

export const handler = api(routes.deleteOptOut, async ({ params }) => {
  await removeOptOut(deps, params.phone);
  return { status: 204 };
});
