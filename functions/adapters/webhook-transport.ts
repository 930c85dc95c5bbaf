import { Webhook } from 'standardwebhooks';
import type { PartnerTransport } from '../core/dispatch/ports.js';

/** Most of a partner's answer we read: `{ rejected }` for a full batch fits; more is not kept. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The answer's first `limit` bytes as text, or undefined when it is longer: the rest is not read (the
 * stream is cancelled), so a partner cannot make us hold megabytes.
 */
const readCapped = async (response: Response, limit: number): Promise<string | undefined> => {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Hands a batch to a partner: POST signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), the signing key being the partner's `whsec_` secret. Network errors and timeouts
 * come back as `error` so the dispatcher retries them like a 5xx.
 */
export const webhookTransport = (fetchImpl: typeof fetch = fetch): PartnerTransport => ({
  async send({ url, secret, webhookId, body, timeoutMs }) {
    const timestamp = new Date();
    const signature = new Webhook(secret).sign(webhookId, timestamp, body);
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await readCapped(response, MAX_ANSWER_BYTES);
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: parsed };
    } catch (error) {
      const name = (error as Error).name;
      return {
        error:
          name === 'TimeoutError' || name === 'AbortError'
            ? `timeout after ${timeoutMs} ms`
            : `network error: ${(error as Error).message}`,
      };
    }
  },
});
