import type * as z from 'zod';
import { DeliveryReportsAnswer, DeliveryReportsInput } from '#core/webhooks/delivery-reports.js';
import { InboundAnswer, InboundInput } from '#core/webhooks/inbound.js';
import { defineRoute } from '#http/route.js';
import { ErrorBody } from '#http/schemas.js';
import { partnerParams } from './partner-params.js';

/** What a partner's webhook may be answered (no JWT, so no 403). */
const webhookErrors = {
  400: { description: 'Invalid body (checked after the signature)', schema: ErrorBody },
  401: {
    description: '`invalid_signature`: missing or bad signature, stale timestamp, or unknown partner',
    schema: ErrorBody,
  },
  413: { description: 'Body too large', schema: ErrorBody },
};

const replayNote =
  'Signed by the partner (Standard Webhooks). A repeated `webhook-id` gets the first answer again and changes nothing.';

/**
 * A partner's signed POST of up to 1,000 events to `/v1/webhooks/{partnerId}/<name>`, handled by
 * functions/api/webhooks/<name>.ts: 200 with `answer`, or one of the webhook errors.
 */
const webhookRoute = <TBody extends z.ZodType, TAnswer extends z.ZodType>(webhook: {
  id: string;
  name: string;
  summary: string;
  body: TBody;
  answer: { description: string; schema: TAnswer };
}) =>
  defineRoute({
    id: webhook.id,
    method: 'POST',
    path: `/v1/webhooks/{partnerId}/${webhook.name}`,
    entry: `functions/api/webhooks/${webhook.name}.ts`,
    summary: `${webhook.summary} ${replayNote}`,
    tag: 'Partner webhooks',
    auth: 'signature',
    table: 'write',
    // The signature is checked with the partner's secrets, opened from their sealed form.
    uses: ['openSecrets'],
    params: partnerParams,
    body: webhook.body,
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    responses: { 200: webhook.answer, ...webhookErrors },
  });

/** Routes of this area (issue #6); see routes.ts. */
export const webhookRoutes = {
  receiveDeliveryReports: webhookRoute({
    id: 'receiveDeliveryReports',
    name: 'delivery-reports',
    summary: 'A partner reports what became of messages it was handed (up to 1,000).',
    body: DeliveryReportsInput,
    answer: { description: 'Applied; unknown message ids counted as ignored', schema: DeliveryReportsAnswer },
  }),
  receiveInbound: webhookRoute({
    id: 'receiveInbound',
    name: 'inbound',
    summary:
      "A partner passes on subscribers' SMS replies (up to 1,000); an opt-out keyword opts the phone out if it is on one of the partner's carriers or was handed to it in the last 7 days (else `optOutsRefused` says why).",
    body: InboundInput,
    answer: { description: 'Recorded; repeated message ids counted as duplicates', schema: InboundAnswer },
  }),
};
