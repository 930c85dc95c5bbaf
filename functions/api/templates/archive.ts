import { templateDeps } from '#adapters/deps.js';
import { setTemplateArchived } from '#core/template-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = templateDeps();

export const handler = api(routes.archiveTemplate, async ({ actor, params }) => ({
  status: 200,
  body: await setTemplateArchived(deps, actor, params.templateId, params.action),
}));
