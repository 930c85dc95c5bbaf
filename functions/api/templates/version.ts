import { templateDeps } from '#adapters/deps.js';
import { getTemplateVersion } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(routes.getTemplateVersion, async ({ params }) => ({
  status: 200,
  body: await getTemplateVersion(deps, params.templateId, params.version),
}));
