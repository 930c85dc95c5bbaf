import { audienceDeps } from '#adapters/deps.js';
import { getAudience } from '#core/audience-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = audienceDeps();

export const handler = api(routes.getAudience, async ({ params }) => ({
  status: 200,
  body: await getAudience(deps, params.audienceId),
}));
