import { subscriberDeps } from '#adapters/subscriber-deps.js';
import { exportSubscriber } from '#core/subscriber-data.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const deps = subscriberDeps();

export const handler = api(routes.exportSubscriber, async ({ params, actor }) => ({
  status: 200,
  body: await exportSubscriber(deps, params.phone, actor),
}));
