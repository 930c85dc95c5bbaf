import type { Carrier } from '#core/carriers.js';
import type { Group } from '#core/content/assignment.js';

/** A message's state inside its batch (contract §7: each recipient is in exactly one of these). */
/** Test batches live beside the campaign's own, numbered from here so they never meet (test-send.ts). */
export const TEST_SEQ_BASE = 900_000_000;

export const MESSAGE_STATES = ['queued', 'pending', 'delivered', 'failed'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/**
 * A batch's state: queued → handing → pending, or failed / cancelled. Only conditional writes move it.
 * `held`: the A/B holdout's recipients (issue #16), written so the reports and metrics account for them,
 * settled from the start and never queued: its messages stay `queued` and are never sent.
 */
export const BATCH_STATUSES = ['queued', 'handing', 'pending', 'failed', 'cancelled', 'held'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** One recipient's message in its batch (stored with short attribute names: adapters/table/batch.ts). */
export interface BatchMessage {
  /** Index inside the batch; the message id is `${campaignId}.${seq}.${index}`. */
  index: number;
  to: string;
  carrier: Carrier;
  province?: string;
  /** Short-link code when the text has a `{{link:URL}}`. */
  code?: string;
  /** The language variant chosen for the recipient (only when the campaign has variants; absent = `vi`). */
  lang?: string;
  /** The recipient's values of the fields their text uses (only when it uses any), by attribute key. */
  values?: Record<string, string>;
  /** Segments of this recipient's text when they differ from the batch's (personalised or other variant). */
  segments?: number;
  state: MessageState;
  /** Why it failed: rejected, unroutable, expired, partner error code... */
  reason?: string;
  /** When it last changed state. */
  at?: string;
  /** When a partner accepted it (contract §7 `sent`); set once, kept by later delivery reports. */
  sentAt?: string;
}

export interface Batch {
  campaignId: string;
  seq: number;
  /** The partner it is queued for now; `routes` lists the failover order. */
  partnerId: string;
  routes: string[];
  status: BatchStatus;
  /** Hand-over attempts to the current partner. */
  attempt: number;
  /**
   * Partners the batch was actually POSTed to, recorded by the write that follows each hand-over (settle or
   * release), so failover partners never handed it stay out. Only these may report on its messages.
   */
  handedTo?: string[];
  availableAt: string;
  leaseUntil?: string;
  messages: BatchMessage[];
  /**
   * The A/B treatment (or `holdout`) of every recipient of the batch (issue #16); absent when the campaign
   * has no split (then everyone is `A`).
   */
  treatment?: Group;
  /** Test sends stay out of the metrics (contract §6). */
  test?: boolean;
  /**
   * The campaign's one short-link code, which every message's link carries, when its clicks are counted
   * in aggregate (`clickTracking: 'aggregate'`; then no message has a `code`).
   */
  linkCode?: string;
  /**
   * Bumped by every write that changes `messages` (settle, delivery reports), which is conditional on it:
   * optimistic locking, so a report and a settle never overwrite each other. Absent = 0.
   */
  ver?: number;
  /** Segments per message (from the campaign's estimate at materialisation): the metrics' `segments`. */
  segments?: number;
  /** Price per segment and currency of the partner that accepted the batch (set when it settles). */
  price?: number;
  currency?: string;
  createdAt: string;
  updatedAt: string;
}

export const messageId = (campaignId: string, seq: number, index: number) => `${campaignId}.${seq}.${index}`;

export const parseMessageId = (
  id: string,
): { campaignId: string; seq: number; index: number } | undefined => {
  const match = /^([A-Za-z0-9_-]{1,64})\.(\d{1,9})\.(\d{1,4})$/.exec(id);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { campaignId: match[1], seq: Number(match[2]), index: Number(match[3]) };
};

/** The Standard Webhooks `webhook-id`: the same for every retry of a batch to one partner. */
export const webhookId = (campaignId: string, seq: number, partnerId: string) =>
  `msg_${campaignId}_${seq}_${partnerId}`;

export interface Recipient {
  phone: string;
  carrier: Carrier;
  province?: string;
  /** The recipient's A/B treatment; batches never mix treatments. */
  treatment?: Group;
}

export interface PlannedBatch<R extends Recipient = Recipient> {
  partnerId: string;
  routes: string[];
  recipients: R[];
  treatment?: Group;
}

/**
 * Groups recipients into batches of at most the partner's batch size, one treatment per batch (the batch
 * records it, so no message needs to). Recipients of a treatment whose carriers have the same failover
 * route share batches, so a whole batch can move to the next partner, and a partner serving
 * many carriers gets full batches. Recipients without a partner come back as unroutable. Deterministic:
 * the same input gives the same batches.
 */
export const planBatches = <R extends Recipient>(
  recipients: readonly R[],
  routesFor: (carrier: Carrier) => readonly { id: string; maxBatchSize: number; tps: number }[],
): { batches: PlannedBatch<R>[]; unroutable: R[] } => {
  const byRoute = new Map<
    string,
    {
      routes: readonly { id: string; maxBatchSize: number; tps: number }[];
      list: R[];
      treatment: Group | undefined;
    }
  >();
  const unroutable: R[] = [];
  for (const recipient of recipients) {
    const routes = routesFor(recipient.carrier);
    if (!routes.length) {
      unroutable.push(recipient);
      continue;
    }
    const key = `${recipient.treatment ?? ''}|${routes.map((r) => r.id).join(',')}`;
    const group = byRoute.get(key) ?? { routes, list: [], treatment: recipient.treatment };
    group.list.push(recipient);
    byRoute.set(key, group);
  }
  const batches: PlannedBatch<R>[] = [];
  for (const [, { routes, list, treatment }] of [...byRoute].sort(([a], [b]) => a.localeCompare(b))) {
    const size = routes.reduce((least, r) => Math.min(least, batchSizeFor(r.tps, r.maxBatchSize)), Infinity);
    for (let start = 0; start < list.length; start += size) {
      batches.push({
        partnerId: routes[0]?.id ?? '',
        routes: routes.map((r) => r.id),
        recipients: list.slice(start, start + size),
        ...(treatment ? { treatment } : {}),
      });
    }
  }
  return { batches, unroutable };
};

/**
 * The batch size that lets whole batches fill a partner's second: never above `maxBatchSize` or `tps`, and
 * the fewest batches a second that carry it, each rounded down so they all fit (tps 150, max 100 → 75 + 75;
 * tps 7, max 5 → 3 + 3: a 4 would leave no room for a second batch in the window).
 */
export const batchSizeFor = (tps: number, maxBatchSize: number): number =>
  Math.max(1, Math.floor(tps / Math.ceil(tps / Math.max(1, maxBatchSize))));
