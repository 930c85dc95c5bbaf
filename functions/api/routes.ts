import { audienceRoutes } from './routes/audiences.js';
import { campaignRoutes } from './routes/campaigns.js';
import { messageRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import { optOutRoutes } from './routes/opt-outs.js';
import { partnerRoutes } from './routes/partners.js';
import { provinceRoutes } from './routes/provinces.js';
import { reportRoutes } from './routes/reports.js';
import { subscriberRoutes } from './routes/subscribers.js';
import { systemRoutes } from './routes/system.js';
import { templateRoutes } from './routes/templates.js';
import { webhookRoutes } from './routes/webhooks.js';

/** Every HTTP route of the product, grouped by area; each group lives in routes/<area>.ts. */
export const routes = {
  ...systemRoutes,
  ...partnerRoutes,
  ...audienceRoutes,
  ...provinceRoutes,
  ...optOutRoutes,
  ...subscriberRoutes,
  ...messageRoutes,
  ...templateRoutes,
  ...campaignRoutes,
  ...webhookRoutes,
  ...metricsRoutes,
  ...reportRoutes,
};

export type RouteId = keyof typeof routes;
export const allRoutes = Object.values(routes);
