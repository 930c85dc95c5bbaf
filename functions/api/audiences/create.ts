import { apiOptions, audienceDeps } from '#adapters/deps.js';
import { createAudience } from '#core/audience-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = audienceDeps();

export const handler = api(
  routes.createAudience,
  async ({ body, actor }) => ({ status: 201, body: await createAudience(deps, body, actor) }),
  apiOptions(),
);
