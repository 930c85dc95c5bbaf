import { templateDeps } from '#adapters/deps.js';
import { updateTemplate } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(routes.updateTemplate, async ({ actor, params, body }) => ({
  status: 200,
  body: await updateTemplate(deps, actor, params.templateId, body),
}));
