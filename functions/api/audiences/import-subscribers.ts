import { apiOptions, audienceDeps } from '#adapters/deps.js';
import { subscriberRowsFromCsv, subscriberRowsFromJson, type SubscriberRows } from '#core/audience.js';
import { importSubscribers } from '#core/audience-service.js';
import { subscriberRowsFromXlsx } from '#core/xlsx.js';
import { api, type ApiRequest } from '#http/api.js';
import { XLSX_MEDIA_TYPE } from '#http/route.js';
import { routes } from '#api/routes.js';

const deps = audienceDeps();

/** JSON arrives parsed and shape-checked by the chain; a CSV or .xlsx file arrives as it came and is read here. */
const rowsOf = (
  request: ApiRequest<typeof routes.importSubscribers>,
): Promise<SubscriberRows> | SubscriberRows => {
  switch (request.bodyType) {
    case 'text/csv':
      return subscriberRowsFromCsv(request.rawBody);
    case XLSX_MEDIA_TYPE:
      return subscriberRowsFromXlsx(request.bodyBytes);
    case 'application/json':
      return subscriberRowsFromJson(request.body.subscribers);
  }
};

export const handler = api(
  routes.importSubscribers,
  async (request) => {
    const rows = await rowsOf(request);
    return {
      status: 200,
      body: await importSubscribers(deps, request.params.audienceId, rows, request.lang),
    };
  },
  apiOptions(),
);
