import { apiOptions, audienceDeps } from '../../adapters/deps.js';
import { subscriberRowsFromCsv, subscriberRowsFromJson } from '../../core/audience.js';
import { importSubscribers } from '../../core/audience-service.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const deps = audienceDeps();

/** JSON arrives parsed and shape-checked by the chain; a CSV body arrives as text and is read here. */
export const handler = api(
  routes.importSubscribers,
  async ({ params, bodyType, body, rawBody, lang }) => {
    const rows =
      bodyType === 'text/csv' ? subscriberRowsFromCsv(rawBody) : subscriberRowsFromJson(body.subscribers);
    return { status: 200, body: await importSubscribers(deps, params.audienceId, rows, lang) };
  },
  apiOptions(),
);
