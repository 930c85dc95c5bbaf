import { partnerDeps } from '#adapters/deps.js';
import { listPartners } from '#core/partner-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = partnerDeps();

export const handler = api(routes.listPartners, async ({ query }) => ({
  status: 200,
  body: await listPartners(deps, query),
}));
