import { subscriberDeps } from '#adapters/subscriber-deps.js';
import { eraseSubscriber } from '#core/subscriber-data.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = subscriberDeps();

export const handler = api(routes.eraseSubscriber, async ({ params, actor }) => ({
  status: 200,
  body: await eraseSubscriber(deps, params.phone, actor),
}));
