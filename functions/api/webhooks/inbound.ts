import { ingestInbound } from '#core/webhooks/service.js';
import { webhookRoutes as routes } from '#api/routes/webhooks.js';
import { partnerWebhook } from './partner-webhook.js';

export const handler = partnerWebhook(routes.receiveInbound, (deps, partnerId, body) =>
  ingestInbound(deps, partnerId, body.messages),
);
