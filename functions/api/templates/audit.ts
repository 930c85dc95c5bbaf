import { templateDeps } from '#adapters/deps.js';
import { listTemplateAudit } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(routes.listTemplateAudit, async ({ params, query }) => ({
  status: 200,
  body: await listTemplateAudit(deps, params.templateId, query),
}));
