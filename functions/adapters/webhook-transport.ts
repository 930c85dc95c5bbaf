import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { PartnerAnswer } from '#core/dispatch/outcome.js';
import type { PartnerTransport } from '#core/dispatch/ports.js';
import {
  addressProblem,
  urlHost,
  webhookUrlProblem,
  type WebhookUrlPolicy,
} from '#core/partner-webhook-url.js';
import { webhookUrlPolicy } from './config.js';

/** Most of a partner's answer we read: `{ rejected }` for a full batch fits; more is not kept. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** Every address of a host name (node:dns `lookup` with `all: true`; tests give their own). */
export type Resolver = (
  hostname: string,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

class RefusedAddressError extends Error {
  readonly code = 'webhook_address_refused';
}

/**
 * Resolves the host and refuses it unless every address it resolves to is allowed; the socket then connects
 * to the address checked here, so a second DNS answer (rebinding) cannot point it elsewhere.
 */
const checkedLookup =
  (policy: WebhookUrlPolicy, resolve: Resolver): LookupFunction =>
  (hostname, options, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const problem = addresses.map((a) => addressProblem(a.address, policy)).find(Boolean);
      if (problem || !addresses[0])
        return callback(new RefusedAddressError(`${hostname}: ${problem?.message ?? 'no address'}`), '', 0);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };

const SECRET_PREFIX = 'whsec_';

/**
 * The Standard Webhooks `webhook-signature` of a hand-over: `v1,` and the base64 HMAC-SHA256, keyed by the
 * secret's bytes (its base64 after `whsec_`), of `{id}.{unix seconds}.{body}`, exactly what
 * `new Webhook(secret).sign(...)` makes. Node's HMAC rather than the library's, whose SHA-256 is JavaScript:
 * 1 ms for a batch of 100 (23 KB), one in every hand-over, against 40 µs. A secret whose base64 is not the
 * canonical form node reads it as (never one we issue) is left to the library, which reads it its own way.
 */
export const signHandOver = (secret: string, webhookId: string, timestamp: Date, body: string): string => {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (!key.length || key.toString('base64') !== encoded)
    return new Webhook(secret).sign(webhookId, timestamp, body);
  const signed = `${webhookId}.${Math.floor(timestamp.getTime() / 1000)}.${body}`;
  return `v1,${createHmac('sha256', key).update(signed, 'utf8').digest('base64')}`;
};

/** The answer's body when it is at most `limit` bytes; a longer one is not read further (undefined). */
const readCapped = async (response: IncomingMessage, limit: number): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      response.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

const parseJson = (text: string | undefined): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** `sent`: once the whole request has been handed to the network (after connecting, and TLS). */
const post = (url: URL, options: RequestOptions, body: string, sent: () => void) =>
  new Promise<IncomingMessage>((answered, failed) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    send(url, options, answered).on('error', failed).once('finish', sent).end(body);
  });

/**
 * Hands a batch to a partner: POST signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), the signing key being the partner's `whsec_` secret. The URL and every address its
 * host resolves to are checked against the policy first (SSRF guard), redirects are never followed (the
 * 3xx comes back as the answer), and at most 64 KiB of the answer is read. Network errors, timeouts and a
 * refused address come back as `error` so the dispatcher retries them like a 5xx, then fails over.
 */
export const webhookTransport = (
  policy: WebhookUrlPolicy = webhookUrlPolicy(),
  resolve: Resolver = systemResolver,
): PartnerTransport => ({
  async send({ url, secret, webhookId, body, timeoutMs, onSent }): Promise<PartnerAnswer> {
    const refused = webhookUrlProblem(url, policy);
    if (refused) return { error: `webhook address refused: ${refused.message}` };
    const target = new URL(url);
    const timestamp = new Date();
    const signature = signHandOver(secret, webhookId, timestamp, body);
    try {
      const response = await post(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'webhook-id': webhookId,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
          // An IP literal was checked above and is connected to as it is; a name is checked as resolved.
          ...(isIP(urlHost(target)) ? {} : { lookup: checkedLookup(policy, resolve) }),
          signal: AbortSignal.timeout(timeoutMs),
        },
        body,
        () => onSent?.(new Date()),
      );
      const text = await readCapped(response, MAX_ANSWER_BYTES);
      const retryAfter = response.headers['retry-after'];
      return {
        status: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : (retryAfter ?? null),
        body: parseJson(text),
      };
    } catch (error) {
      if (error instanceof RefusedAddressError) return { error: `webhook address refused: ${error.message}` };
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
