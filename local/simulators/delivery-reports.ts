import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { MAX_REPORTS_PER_REQUEST } from '#core/webhooks/delivery-reports.js';
import { MAX_INBOUND_PER_REQUEST } from '#core/webhooks/inbound.js';
import type { ReplyDraft, ReportDraft } from './carrier-rules.js';

/** Items per request: what our API takes of either kind (contract §8: up to 1,000 reports or messages). */
const MAX_PER_REQUEST = Math.min(MAX_REPORTS_PER_REQUEST, MAX_INBOUND_PER_REQUEST);
/** Items falling due within this long of each other go out in the same request. */
const GATHER_MS = 50;
const ATTEMPTS = 4;
const REQUEST_TIMEOUT_MS = 10_000;

export interface DeliveryReport extends ReportDraft {
  at: string;
}

/** Standard Webhooks headers for `body`: the same `webhook-id` on every retry, a fresh timestamp each time. */
export const signedHeaders = (secret: string, webhookId: string, body: string, now = new Date()) => ({
  'content-type': 'application/json',
  'webhook-id': webhookId,
  'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  'webhook-signature': new Webhook(secret).sign(webhookId, now, body),
});

/** An item as posted: its draft stamped with the time it fell due. */
export type Stamped<Draft> = Draft & { at: string };

export interface SignedPosterOptions<Draft extends object> {
  url: string;
  /** The request body for a chunk of due items, e.g. `{ reports }`. */
  body: (items: readonly Stamped<Draft>[]) => unknown;
  delayMs: number;
  retryDelayMs: number;
  secret: () => string | undefined;
  now: () => number;
  /** A chunk our API answered 2xx. */
  onPosted: (items: readonly Stamped<Draft>[]) => void;
  /** A chunk given up on (after retries, refused with a 4xx, or no secret yet). */
  onFailed: (items: readonly Stamped<Draft>[]) => void;
}

/**
 * Posts items (delivery reports, inbound replies) `delayMs` after they are scheduled, stamped with the
 * time they fell due, up to 1,000 per signed request, one request at a time; network errors, 429 and 5xx
 * are retried with backoff under the same `webhook-id`, other answers give up.
 */
export class SignedPoster<Draft extends object> {
  private due: Stamped<Draft>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private gathering = false;
  private draining: Promise<void> | undefined;
  private lifetime = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SignedPosterOptions<Draft>) {}

  /** Resolves once nothing is waiting, gathering or in flight: every item scheduled so far is settled. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((done) => this.idleWaiters.push(done));
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && !this.gathering && !this.draining && this.due.length === 0;
  }

  private wakeIdleWaiters(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const done of waiters) done();
  }

  schedule(items: readonly Draft[]): void {
    if (items.length === 0) return;
    this.after(this.options.delayMs, () => {
      const at = new Date(this.options.now()).toISOString();
      this.due.push(...items.map((item) => ({ ...item, at })));
      this.gather();
    });
  }

  /** Drops every item not yet posted and abandons the request in flight. */
  cancel(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.due = [];
    this.gathering = false;
    this.lifetime.abort();
    this.lifetime = new AbortController();
    this.wakeIdleWaiters();
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
      this.wakeIdleWaiters();
    }, ms);
    this.timers.add(timer);
  }

  private gather(): void {
    if (this.gathering || this.draining) return;
    this.gathering = true;
    this.after(GATHER_MS, () => {
      this.gathering = false;
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        if (this.due.length > 0) this.gather();
        this.wakeIdleWaiters();
      });
    });
  }

  private async drain(): Promise<void> {
    const { signal } = this.lifetime;
    while (this.due.length > 0 && !signal.aborted) {
      const chunk = this.due.splice(0, MAX_PER_REQUEST);
      const posted = await this.post(chunk, signal);
      if (signal.aborted) return;
      if (posted) this.options.onPosted(chunk);
      else this.options.onFailed(chunk);
    }
  }

  private async post(items: readonly Stamped<Draft>[], signal: AbortSignal): Promise<boolean> {
    const body = JSON.stringify(this.options.body(items));
    const webhookId = `msg_${randomUUID()}`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        if (attempt > 0) await sleep(this.options.retryDelayMs * 2 ** (attempt - 1), undefined, { signal });
        const secret = this.options.secret();
        if (!secret) return false;
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: signedHeaders(secret, webhookId, body),
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
        });
        await response.arrayBuffer();
        if (response.ok) return true;
        if (response.status !== 429 && response.status < 500) return false;
      } catch {
        if (signal.aborted) return false;
      }
    }
    return false;
  }
}

/** Delivery reports to `POST /v1/webhooks/{partnerId}/delivery-reports`: `{ reports: [...] }`. */
export const reportsBody = (reports: readonly DeliveryReport[]) => ({ reports });

/** A subscriber's reply, ready to post: the draft with the partner's id for it. */
export interface ReplyItem extends ReplyDraft {
  id: string;
}
export type InboundReply = Stamped<ReplyItem>;

/**
 * Replies to `POST /v1/webhooks/{partnerId}/inbound`: `{ messages: [ { id, from, text, at } ] }`, nothing
 * else (the simulator's own fields, such as `optOut`, stay out: the API refuses unknown fields).
 */
export const inboundBody = (replies: readonly InboundReply[]) => ({
  messages: replies.map(({ id, from, text, at }) => ({ id, from, text, at })),
});
