import { api } from '#http/api.js';
import { openApiDocument } from '#http/openapi.js';
import { allRoutes, routes } from './routes.js';

const document = openApiDocument(allRoutes);

export const handler = api(routes.openapi, async () => ({ status: 200, body: document }));
