import { provinceList } from '#core/province-view.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

/** Changes only with a release; private, as every answer of this API needs a token. */
const CACHE_CONTROL = 'private, max-age=86400';
const body = provinceList();

export const handler = api(routes.listProvinces, async () => ({
  status: 200,
  body,
  headers: { 'cache-control': CACHE_CONTROL },
}));
