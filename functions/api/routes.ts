import { partnerRoutes } from './routes/partners.js';
import { systemRoutes } from './routes/system.js';

/** Every HTTP route of the product, grouped by area; each group lives in routes/<area>.ts. */
export const routes = {
  ...systemRoutes,
  ...partnerRoutes,
};

export type RouteId = keyof typeof routes;
export const allRoutes = Object.values(routes);
