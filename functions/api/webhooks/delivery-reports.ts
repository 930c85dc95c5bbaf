import { ingestDeliveryReports } from '#core/webhooks/service.js';
import { webhookRoutes as routes } from '#api/routes/webhooks.js';
import { partnerWebhook } from './partner-webhook.js';

export const handler = partnerWebhook(routes.receiveDeliveryReports, (deps, partnerId, body) =>
  ingestDeliveryReports(deps, partnerId, body.reports),
);
