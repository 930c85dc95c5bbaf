import { audienceDeps } from '#adapters/deps.js';
import { listAudiences } from '#core/audience-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = audienceDeps();

export const handler = api(routes.listAudiences, async ({ query }) => ({
  status: 200,
  body: await listAudiences(deps, query),
}));
