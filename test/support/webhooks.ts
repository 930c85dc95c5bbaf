import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { readAnswer, type RawAnswer } from './api.js';
import { checkAnswer } from './typed-api.js';

export interface SignedPost {
  /** Default: a fresh `msg_…` id. */
  webhookId?: string;
  /** Default: now. */
  at?: Date;
  /** Sent instead of the JSON of `payload` (e.g. to send a body other than the one signed). */
  rawBody?: string;
  /** Headers sent instead of the signed ones (e.g. none). */
  headers?: Record<string, string>;
}

/** Standard Webhooks headers for `body`, as a partner signs its webhooks (contract §8). */
export const partnerSignature = (secret: string, webhookId: string, body: string, at = new Date()) => ({
  'webhook-id': webhookId,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': new Webhook(secret).sign(webhookId, at, body),
});

/** POSTs `payload` to `{baseUrl}{path}` signed with `secret`, as a partner would. */
export const postSigned = async (
  baseUrl: string,
  path: string,
  secret: string,
  payload: unknown,
  options: SignedPost = {},
): Promise<RawAnswer & { webhookId: string }> => {
  const webhookId = options.webhookId ?? `msg_${randomUUID()}`;
  const signedBody = JSON.stringify(payload);
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.headers ?? partnerSignature(secret, webhookId, signedBody, options.at)),
    },
    body: options.rawBody ?? signedBody,
  });
  return { ...(await readAnswer(response)), webhookId };
};

/** `POST /v1/webhooks/{partnerId}/delivery-reports`, signed; the answer checked against its route. */
export const postReports = async (
  baseUrl: string,
  partnerId: string,
  secret: string,
  reports: unknown[],
  options?: SignedPost,
) =>
  checkAnswer(
    'receiveDeliveryReports',
    await postSigned(baseUrl, `/v1/webhooks/${partnerId}/delivery-reports`, secret, { reports }, options),
  );

/** `POST /v1/webhooks/{partnerId}/inbound`, signed; the answer checked against its route. */
export const postInbound = async (
  baseUrl: string,
  partnerId: string,
  secret: string,
  messages: unknown[],
  options?: SignedPost,
) =>
  checkAnswer(
    'receiveInbound',
    await postSigned(baseUrl, `/v1/webhooks/${partnerId}/inbound`, secret, { messages }, options),
  );
