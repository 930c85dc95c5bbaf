import { templateDeps } from '#adapters/deps.js';
import { getTemplate } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(routes.getTemplate, async ({ params }) => ({
  status: 200,
  body: await getTemplate(deps, params.templateId),
}));
