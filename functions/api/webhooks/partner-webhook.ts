import type * as z from 'zod';
import { partnerSignatureCheck, webhookDeps } from '#adapters/webhook-deps.js';
import { detail, ValidationError } from '#core/errors.js';
import type { WebhookDeps } from '#core/webhooks/service.js';
import { oncePerWebhookId } from '#core/webhooks/service.js';
import { api, type ApiRequest } from '#http/api.js';
import type { RouteDef } from '#http/route.js';

type PartnerRoute = RouteDef<z.ZodType, z.ZodType, z.ZodType<{ partnerId: string }>>;

/**
 * Longest `webhook-id` taken (Standard Webhooks ids such as `msg_2KWPBgLlAfxdpx2AI54pPJ85f4W` are ~30
 * characters): it becomes part of a DynamoDB key, which holds at most 2048 bytes.
 */
export const MAX_WEBHOOK_ID_LENGTH = 256;
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** The delivery's `webhook-id`, once its signature has been checked; a 400 on the header if unusable. */
const webhookIdOf = (headers: Record<string, string>): string => {
  const id = headers['webhook-id'] ?? '';
  if (id.length > MAX_WEBHOOK_ID_LENGTH || CONTROL_CHARACTERS.test(id))
    throw new ValidationError('Invalid webhook-id header', [
      detail('webhook-id', 'invalid_webhook_id', { maximum: MAX_WEBHOOK_ID_LENGTH }),
    ]);
  return id;
};

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
        { partnerId, endpoint: route.id, webhookId: webhookIdOf(headers) },
        deps.now,
        async () => ({ status: 200, body: await work(deps, partnerId, body) }),
      );
      const replayed: Record<string, string> = answer.replayed ? { 'webhook-replayed': 'true' } : {};
      return { status: answer.status, body: answer.body, headers: replayed };
    },
    { verify: partnerSignatureCheck() },
  );
};
