import { templateDeps } from '#adapters/deps.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(routes.listTemplates, async ({ query }) => ({
  status: 200,
  body: await deps.store.list(query),
}));
