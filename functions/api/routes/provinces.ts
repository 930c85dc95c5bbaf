import { ProvinceList } from '#core/province-view.js';
import { userRoute } from './shapes.js';

export const provinceRoutes = {
  listProvinces: userRoute({
    id: 'listProvinces',
    method: 'GET',
    path: '/v1/provinces',
    entry: 'functions/api/provinces/list.ts',
    summary:
      'The 34 provinces and centrally run cities since 1 July 2025, with the former provinces merged into each',
    tag: 'Provinces',
    auth: 'read',
    table: 'none',
    responses: {
      200: {
        description: 'Ordered by code; the same for every caller, cacheable for a day',
        schema: ProvinceList,
      },
    },
  }),
};
