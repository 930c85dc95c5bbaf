import { apiOptions, optOutDeps } from '#adapters/deps.js';
import { addOptOut } from '#core/opt-out-service.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = optOutDeps();

export const handler = api(
  routes.createOptOut,
  async ({ body, actor }) => {
    const { created, optOut } = await addOptOut(deps, body, actor);
    return { status: created ? 201 : 200, body: optOut };
  },
  apiOptions(),
);
