import { randomInt, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import type { Carrier } from '#core/carriers.js';
import {
  CarrierBook,
  SIMULATOR_MODES,
  answerText,
  decideReplies,
  isSimulatorMode,
  seededRandom,
  type BatchCounters,
  type ReplyDraft,
  type ReportDraft,
  type SimulatorMode,
} from './carrier-rules.js';
import {
  SignedPoster,
  inboundBody,
  reportsBody,
  type ReplyItem,
  type SignedPosterOptions,
} from './delivery-reports.js';

export interface CarrierSimulatorOptions {
  partnerId: string;
  name?: string;
  /** Informational (what the partner is registered for); messages are not checked against it. */
  carriers?: readonly (Carrier | '*')[];
  tps: number;
  /** Larger batches are refused with 400 (default 100, as in the contract). */
  maxBatchSize?: number;
  /** `whsec_...`, as our API issued it; until set (here or with `setSecret`) every batch gets 401. */
  signingSecret?: string;
  /** Fraction of accepted messages reported delivered; the rest fail with an error code (default 0.97). */
  successRate?: number;
  /** Fraction of messages refused one by one in the 2xx answer (default 0). */
  rejectRate?: number;
  /** Delay before answering a batch (default 20 ms; 3 s in mode `slow`). */
  latencyMs?: number;
  /** Delay between accepting a batch and reporting its messages (default 1 s). */
  reportDelayMs?: number;
  /** `POST {base}/v1/webhooks/{partnerId}/delivery-reports`; without it no reports are posted. */
  reportUrl?: string;
  /** First delay between report retries, doubled each time (default 500 ms); replies retry alike. */
  reportRetryDelayMs?: number;
  /** Fraction of delivered messages whose recipient replies (default 0: no replies). */
  replyRate?: number;
  /** Fraction of those replies that are an opt-out keyword such as "Từ chối" (default 0.3). */
  optOutShare?: number;
  /** Delay between a message's delivery report and its recipient's reply (default 1 s). */
  replyDelayMs?: number;
  /**
   * `POST {base}/v1/webhooks/{partnerId}/inbound`; without it (or without `reportUrl`: a reply follows
   * its message's delivery report) no replies are posted.
   */
  inboundUrl?: string;
  /** Seeds the random outcomes (default: random). */
  seed?: number;
  port?: number;
  host?: string;
  /** Epoch milliseconds for the TPS seconds and report times (default `Date.now`). */
  now?: () => number;
}

export interface SimulatorCounters extends BatchCounters {
  /** Every request to the webhook path, whatever became of it (not the `/_sim` control API). */
  requests: number;
  badSignatures: number;
  /** Messages taken in per unix second (accepted and individually rejected ones: they used capacity). */
  perSecond: Record<number, number>;
  /** Each batch taken in: [arrival epoch ms, messages], in arrival order. */
  arrivals: [number, number][];
  /** The most messages taken in any rolling second (how TPS is enforced); ≤ tps under the 429 policy. */
  maxInAnySecond: number;
  /** The same over every batch that reached the TPS check, throttled ones included: the sender's pacing. */
  maxOfferedInAnySecond: number;
  /**
   * Every batch that reached the TPS check, in arrival order: when it arrived, when the sender says it sent
   * it (the body's `timestamp`), its messages, and whether it was throttled. How a sender's pacing is
   * diagnosed: a batch that arrives much later after it was sent than the next one crowds it.
   */
  offers: { arrivedAt: number; sentAt: number; messages: number; webhookId: string; throttled: boolean }[];
  maxPerSecond: number;
  /** Seconds whose messages exceeded `tps`; 0 by construction under the 429 policy. */
  secondsOverTps: number;
  /** Delivery reports our API answered 2xx. */
  reportsPosted: number;
  /** Delivery reports given up on (after retries, or refused with a 4xx). */
  reportsFailed: number;
  /** Subscribers' replies our API answered 2xx. */
  repliesPosted: number;
  /** Of those, replies that were an opt-out keyword. */
  optOutRepliesPosted: number;
  /** Replies given up on (after retries, or refused with a 4xx). */
  repliesFailed: number;
}

export interface CarrierSimulator {
  /** Base URL: register it as the partner's `webhookUrl`; the control API is under `{url}/_sim/`. */
  url: string;
  partnerId: string;
  name: string;
  counters(): SimulatorCounters;
  /**
   * Every message taken on, with the `webhook-id` of each request that handed it over: one id is a message
   * delivered once; two are a duplicate. A replay of the same webhook-id is answered from memory and counted
   * in `replays`, not here.
   */
  deliveries(): ReadonlyMap<string, readonly string[]>;
  mode(): SimulatorMode;
  setMode(mode: SimulatorMode): void;
  setSecret(secret: string): void;
  /**
   * Resolves once every delivery report and reply scheduled so far has been posted or given up on (replies
   * follow their reports, so the replies are awaited after them).
   */
  settled(): Promise<void>;
  /** Zero counters, forget batches and messages, drop pending reports and replies, re-seed, mode `ok`. */
  reset(): void;
  close(): Promise<void>;
}

const SLOW_LATENCY_MS = 3000;
const MAX_BODY_BYTES = 5 * 1024 * 1024;

const SmsSend = z.object({
  type: z.literal('sms.send'),
  timestamp: z.string(),
  data: z.object({
    batchId: z.string().min(1),
    campaignId: z.string().min(1),
    messages: z
      .array(
        z.object({
          messageId: z.string().min(1),
          to: z.string().regex(/^\+\d{8,15}$/),
          senderId: z.string().min(1),
          text: z.string().min(1),
          encoding: z.enum(['GSM-7', 'UCS-2']),
          segments: z.int().min(1),
        }),
      )
      .min(1),
  }),
});

const readBody = async (request: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
};

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
};

const send = (
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
  mode: SimulatorMode = 'ok',
) => {
  if (response.destroyed || response.headersSent) return;
  if (body === undefined) response.writeHead(status, headers).end();
  else
    response
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      .end(answerText(mode, status, body));
};

const error = (code: string, message: string) => ({ error: { code, message } });

const zeroTransport = () => ({
  requests: 0,
  badSignatures: 0,
  reportsPosted: 0,
  reportsFailed: 0,
  repliesPosted: 0,
  optOutRepliesPosted: 0,
  repliesFailed: 0,
});

/** Replies are drawn from their own sequence, so a reply rate never changes the delivery outcomes. */
const replySeed = (seed: number) => (seed ^ 0x5eed_0001) >>> 0;

const checkRate = (name: string, value: number) => {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  return value;
};

/**
 * A telecom partner on 127.0.0.1: takes our signed `sms.send` batches, enforces its TPS with 429, answers
 * as its mode says, later posts signed delivery reports and, after some of them, its subscribers' replies.
 * Contract §8; README in this folder.
 */
export const createCarrierSimulator = async (options: CarrierSimulatorOptions): Promise<CarrierSimulator> => {
  if (!Number.isInteger(options.tps) || options.tps < 1)
    throw new RangeError('tps must be a positive integer');
  const now = options.now ?? Date.now;
  const latencyMs = options.latencyMs ?? 20;
  const seed = options.seed ?? randomInt(2 ** 32);
  const book = new CarrierBook({
    tps: options.tps,
    maxBatchSize: options.maxBatchSize ?? 100,
    rejectRate: checkRate('rejectRate', options.rejectRate ?? 0),
    successRate: checkRate('successRate', options.successRate ?? 0.97),
    seed,
  });
  const replyRates = {
    replyRate: checkRate('replyRate', options.replyRate ?? 0),
    optOutShare: checkRate('optOutShare', options.optOutShare ?? 0.3),
  };
  let replyRandom = seededRandom(replySeed(seed));
  let mode: SimulatorMode = 'ok';
  let secret = options.signingSecret;
  let verifier = secret ? new Webhook(secret) : undefined;
  const transport = zeroTransport();
  let offers: SimulatorCounters['offers'] = [];
  const lifetime = new AbortController();
  // Every batch in flight waits on this signal: dozens at once is normal, not a listener leak.
  setMaxListeners(0, lifetime.signal);
  const retryDelayMs = options.reportRetryDelayMs ?? 500;
  /** A poster to our API on this simulator's clock, signed with its secret of the moment. */
  const signedPoster = <Draft extends object>(
    poster: Omit<SignedPosterOptions<Draft>, 'retryDelayMs' | 'secret' | 'now'>,
  ) => new SignedPoster<Draft>({ ...poster, retryDelayMs, secret: () => secret, now });

  const replies =
    options.reportUrl && options.inboundUrl && replyRates.replyRate > 0
      ? signedPoster<ReplyItem>({
          url: options.inboundUrl,
          body: inboundBody,
          delayMs: options.replyDelayMs ?? 1000,
          onPosted: (posted) => {
            transport.repliesPosted += posted.length;
            transport.optOutRepliesPosted += posted.filter((reply) => reply.optOut).length;
          },
          onFailed: (failed) => (transport.repliesFailed += failed.length),
        })
      : undefined;
  /** Replies decided when their batch was accepted, waiting for their message's report to go out. */
  const awaitingReport = new Map<string, ReplyDraft[]>();
  const plan = (drafts: readonly ReplyDraft[]) => {
    for (const draft of drafts) {
      const waiting = awaitingReport.get(draft.messageId);
      if (waiting) waiting.push(draft);
      else awaitingReport.set(draft.messageId, [draft]);
    }
  };
  /** After a report request (posted or given up on: the subscriber got the SMS either way), its replies. */
  const followReports = (reported: readonly ReportDraft[]) => {
    if (!replies) return;
    const due: ReplyItem[] = [];
    for (const { messageId } of reported) {
      const waiting = awaitingReport.get(messageId);
      const draft = waiting?.shift();
      if (!draft) continue;
      if (waiting?.length === 0) awaitingReport.delete(messageId);
      due.push({ ...draft, id: `in_${randomUUID()}` });
    }
    replies.schedule(due);
  };

  const reports = options.reportUrl
    ? signedPoster<ReportDraft>({
        url: options.reportUrl,
        body: reportsBody,
        delayMs: options.reportDelayMs ?? 1000,
        onPosted: (posted) => {
          transport.reportsPosted += posted.length;
          followReports(posted);
        },
        onFailed: (failed) => {
          transport.reportsFailed += failed.length;
          followReports(failed);
        },
      })
    : undefined;

  const counters = (): SimulatorCounters => ({
    ...book.counters,
    ...transport,
    perSecond: book.ledger.perSecond,
    arrivals: book.ledger.arrivals,
    maxInAnySecond: book.ledger.maxInAnySecond,
    maxOfferedInAnySecond: book.ledger.maxOfferedInAnySecond,
    offers: offers.map((offer) => ({ ...offer })),
    maxPerSecond: book.ledger.maxPerSecond,
    secondsOverTps: book.ledger.secondsOverTps,
  });

  const reset = () => {
    book.reset();
    Object.assign(transport, zeroTransport());
    offers = [];
    reports?.cancel();
    replies?.cancel();
    awaitingReport.clear();
    replyRandom = seededRandom(replySeed(seed));
    mode = 'ok';
  };

  const receiveBatch = async (request: IncomingMessage, response: ServerResponse) => {
    // A gateway counts a request when it arrives, not when it has been read, verified and parsed (the first
    // request of a run parses slowly and would seem to arrive late, crowding the next one).
    const arrivedAt = now();
    transport.requests += 1;
    if (mode === 'down') {
      request.socket.destroy();
      return;
    }
    if (mode === 'timeout') return; // never answered: the socket is held until the client or close() ends it
    if (request.method !== 'POST') return send(response, 405, error('method_not_allowed', 'POST only'));

    const body = await readBody(request);
    if (body === undefined) return send(response, 413, error('payload_too_large', 'At most 5 MiB'));
    const webhookId = header(request, 'webhook-id');
    try {
      if (!verifier) throw new WebhookVerificationError('No signing secret set');
      verifier.verify(
        body,
        {
          'webhook-id': webhookId,
          'webhook-timestamp': header(request, 'webhook-timestamp'),
          'webhook-signature': header(request, 'webhook-signature'),
        },
        { jsonParse: false },
      );
    } catch (reason) {
      transport.badSignatures += 1;
      const message = reason instanceof Error ? reason.message : 'Invalid signature';
      return send(response, 401, error('invalid_signature', message));
    }

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return send(response, 400, error('invalid_json', 'Body is not JSON'));
    }
    const batch = SmsSend.safeParse(json);
    if (!batch.success) return send(response, 400, error('validation_failed', z.prettifyError(batch.error)));

    const { messages } = batch.data.data;
    const offeredBefore = book.ledger.offeredCount;
    // The answer follows the mode the batch was taken in, even if the mode changes while it is answered.
    const takenIn = mode;
    const answer = book.take(
      webhookId,
      messages.map((message) => message.messageId),
      arrivedAt,
      takenIn,
    );
    if (book.ledger.offeredCount > offeredBefore)
      offers.push({
        arrivedAt,
        sentAt: Date.parse(batch.data.timestamp),
        messages: messages.length,
        webhookId,
        throttled: answer.status === 429,
      });
    if (replies) {
      const delivered = new Set(
        answer.reports.filter((r) => r.status === 'delivered').map((r) => r.messageId),
      );
      plan(
        decideReplies(
          messages.filter((message) => delivered.has(message.messageId)),
          replyRates,
          replyRandom,
        ),
      );
    }
    reports?.schedule(answer.reports);
    await sleep(takenIn === 'slow' ? SLOW_LATENCY_MS : latencyMs, undefined, { signal: lifetime.signal });
    send(response, answer.status, answer.body, answer.status === 429 ? { 'retry-after': '1' } : {}, takenIn);
  };

  const readMode = async (request: IncomingMessage): Promise<unknown> => {
    try {
      return (JSON.parse((await readBody(request)) ?? '') as { mode?: unknown } | null)?.mode;
    } catch {
      return undefined;
    }
  };

  const control = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const route = `${request.method} ${path}`;
    if (route === 'GET /_sim/counters')
      return send(response, 200, { partnerId: options.partnerId, mode, counters: counters() });
    if (route === 'POST /_sim/reset') {
      reset();
      return send(response, 204);
    }
    if (route === 'POST /_sim/mode') {
      const requested = await readMode(request);
      if (!isSimulatorMode(requested))
        return send(
          response,
          400,
          error('validation_failed', `mode must be one of ${SIMULATOR_MODES.join(', ')}`),
        );
      mode = requested;
      return send(response, 200, { mode });
    }
    send(response, 404, error('not_found', route));
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const handled = path.startsWith('/_sim/')
      ? control(request, response, path)
      : receiveBatch(request, response);
    handled.catch(() => send(response, 500, error('internal_error', 'Simulator error')));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', done);
  });
  const { address, port } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    partnerId: options.partnerId,
    name: options.name ?? options.partnerId,
    counters,
    deliveries: () => book.deliveries,
    mode: () => mode,
    setMode: (next) => {
      mode = next;
    },
    setSecret: (next) => {
      verifier = new Webhook(next);
      secret = next;
    },
    settled: async () => {
      await reports?.idle();
      await replies?.idle();
    },
    reset,
    close: () =>
      new Promise<void>((done) => {
        lifetime.abort();
        reports?.cancel();
        replies?.cancel();
        awaitingReport.clear();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};
