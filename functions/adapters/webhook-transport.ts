import { Webhook } from 'standardwebhooks';
import type { PartnerTransport } from '../core/dispatch/ports.js';

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
      const text = await response.text();
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
