import { optOutDeps } from '../../adapters/deps.js';
import { optOutFor } from '../../core/opt-out.js';
import { getOptOut } from '../../core/opt-out-service.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const deps = optOutDeps();

export const handler = api(routes.getOptOut, async ({ params, actor }) => ({
  status: 200,
  body: optOutFor(actor, await getOptOut(deps, params.phone)),
}));
