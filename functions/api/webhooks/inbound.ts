import { partnerSignatureCheck, webhookDeps } from '../../adapters/webhook-deps.js';
import { ingestInbound, oncePerWebhookId } from '../../core/webhooks/service.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';
import { replayHeader } from './delivery-reports.js';

const deps = webhookDeps();

export const handler = api(
  routes.receiveInbound,
  async ({ params, body, headers }) => {
    const answer = await oncePerWebhookId(
      deps.receipts,
      params.partnerId,
      headers['webhook-id'] ?? '',
      deps.now,
      async () => ({ status: 200, body: await ingestInbound(deps, params.partnerId, body.messages) }),
    );
    return { status: answer.status, body: answer.body, headers: replayHeader(answer.replayed) };
  },
  { verify: partnerSignatureCheck() },
);
