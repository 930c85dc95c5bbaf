import { partnerSignatureCheck, webhookDeps } from '../../adapters/webhook-deps.js';
import { ingestDeliveryReports, oncePerWebhookId } from '../../core/webhooks/service.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const deps = webhookDeps();

/** Adapter → use case: signature (api's verify), body, then the reports applied once per webhook-id. */
export const handler = api(
  routes.receiveDeliveryReports,
  async ({ params, body, headers }) => {
    const answer = await oncePerWebhookId(
      deps.receipts,
      params.partnerId,
      headers['webhook-id'] ?? '',
      deps.now,
      async () => ({
        status: 200,
        body: await ingestDeliveryReports(deps, params.partnerId, body.reports),
      }),
    );
    return { status: answer.status, body: answer.body, headers: replayHeader(answer.replayed) };
  },
  { verify: partnerSignatureCheck() },
);

export const replayHeader = (replayed: boolean): Record<string, string> =>
  replayed ? { 'webhook-replayed': 'true' } : {};
