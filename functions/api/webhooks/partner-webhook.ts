import type { z } from 'zod';
import { partnerSignatureCheck, webhookDeps } from '../../adapters/webhook-deps.js';
import type { WebhookDeps } from '../../core/webhooks/service.js';
import { oncePerWebhookId } from '../../core/webhooks/service.js';
import { api, type ApiRequest } from '../../http/api.js';
import type { RouteDef } from '../../http/route.js';

type PartnerRoute = RouteDef<z.ZodType, z.ZodType, z.ZodType<{ partnerId: string }>>;

/**
 * A partner's signed webhook (contract §8 "Partners send"): the signature checked before anything else,
 * then `work` done at most once per `webhook-id` — a replay answers the first answer, marked
 * `webhook-replayed: true`.
 */
export const partnerWebhook = <R extends PartnerRoute>(
  route: R,
  work: (deps: WebhookDeps, partnerId: string, body: ApiRequest<R>['body']) => Promise<unknown>,
) => {
  const deps = webhookDeps();
  return api(
    route,
    async ({ params, body, headers }) => {
      // Validated by the route's `params` schema before this runs.
      const { partnerId } = params as { partnerId: string };
      const answer = await oncePerWebhookId(
        deps.receipts,
        { partnerId, endpoint: route.id, webhookId: headers['webhook-id'] ?? '' },
        deps.now,
        async () => ({ status: 200, body: await work(deps, partnerId, body) }),
      );
      const replayed: Record<string, string> = answer.replayed ? { 'webhook-replayed': 'true' } : {};
      return { status: answer.status, body: answer.body, headers: replayed };
    },
    { verify: partnerSignatureCheck() },
  );
};
