/** Routes of this area (issue #6); see routes.ts. */
export const metricsRoutes = {};
