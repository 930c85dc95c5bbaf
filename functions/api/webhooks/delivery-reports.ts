import { ingestDeliveryReports } from '#core/webhooks/service.js';
import { routes } from '#api/routes.js';
import { partnerWebhook } from './partner-webhook.js';

export const handler = partnerWebhook(routes.receiveDeliveryReports, (deps, partnerId, body) =>
  ingestDeliveryReports(deps, partnerId, body.reports),
);
