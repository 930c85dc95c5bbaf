import { templateDeps } from '#adapters/deps.js';
import { listTemplateVersions } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(routes.listTemplateVersions, async ({ params, query }) => ({
  status: 200,
  body: await listTemplateVersions(deps, params.templateId, query),
}));
