import { apiOptions, templateDeps } from '#adapters/deps.js';
import { createTemplate } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(
  routes.createTemplate,
  async ({ actor, body }) => ({ status: 201, body: await createTemplate(deps, actor, body) }),
  apiOptions(),
);
