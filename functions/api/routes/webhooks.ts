import { z } from 'zod';
import { PartnerId } from '../../core/partner.js';
import { DeliveryReportsAnswer, DeliveryReportsInput } from '../../core/webhooks/delivery-reports.js';
import { InboundAnswer, InboundInput } from '../../core/webhooks/inbound.js';
import { defineRoute } from '../../http/route.js';
import { ErrorBody } from '../../http/schemas.js';

const partnerParams = z.strictObject({ partnerId: PartnerId });

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

/** Routes of this area (issue #6); see routes.ts. */
export const webhookRoutes = {
  receiveDeliveryReports: defineRoute({
    id: 'receiveDeliveryReports',
    method: 'POST',
    path: '/v1/webhooks/{partnerId}/delivery-reports',
    entry: 'functions/api/webhooks/delivery-reports.ts',
    summary: `A partner reports what became of messages it was handed (up to 1,000). ${replayNote}`,
    tag: 'Partner webhooks',
    auth: 'signature',
    table: 'write',
    params: partnerParams,
    body: DeliveryReportsInput,
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    responses: {
      200: { description: 'Applied; unknown message ids counted as ignored', schema: DeliveryReportsAnswer },
      ...webhookErrors,
    },
  }),
  receiveInbound: defineRoute({
    id: 'receiveInbound',
    method: 'POST',
    path: '/v1/webhooks/{partnerId}/inbound',
    entry: 'functions/api/webhooks/inbound.ts',
    summary: `A partner passes on subscribers' SMS replies (up to 1,000); an opt-out keyword opts the phone out if it is on one of the partner's carriers or was handed to it in the last 7 days (else \`optOutsRefused\` says why). ${replayNote}`,
    tag: 'Partner webhooks',
    auth: 'signature',
    table: 'write',
    params: partnerParams,
    body: InboundInput,
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    responses: {
      200: { description: 'Recorded; repeated message ids counted as duplicates', schema: InboundAnswer },
      ...webhookErrors,
    },
  }),
};
