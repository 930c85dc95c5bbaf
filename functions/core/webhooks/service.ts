import type { Carrier } from '../carriers.js';
import { inParallel } from '../concurrency.js';
import type { Batch, BatchMessage } from '../dispatch/batch.js';
import type { BatchRef } from '../dispatch/ports.js';
import type { OptOutStore } from '../opt-out-service.js';
import type { Page, PageRequest } from '../page.js';
import { normalizeVietnameseMobile } from '../phone.js';
import {
  applyBatchReports,
  batchKey,
  groupReports,
  type DeliveryReport,
  type PortedNumber,
} from './delivery-reports.js';
import { isOptOutReply, type Inbound, type InboundMessage } from './inbound.js';

/** Use cases of contract §8 "Partners send"; the ports below are implemented over DynamoDB in adapters/. */

export interface ReportBatchStore {
  /** Consistent reads of these batches; a batch that does not exist is absent from the map (`batchKey`). */
  read(refs: readonly BatchRef[]): Promise<Map<string, Batch>>;
  /** Writes `messages` and bumps `ver` if the batch's `ver` is still `batch.ver`; false if another write won. */
  writeMessages(batch: Batch, messages: BatchMessage[], now: Date): Promise<boolean>;
}

export interface PortedNumbers {
  upsert(numbers: readonly PortedNumber[]): Promise<void>;
  /** Every number whose carrier a delivery report corrected: phone → carrier now. */
  all(): Promise<Map<string, Carrier>>;
}

export interface RecipientLookup {
  /** Batches of campaigns materialised since `since` that hold `phone`, newest campaign first. */
  batchesOf(phone: string, since: Date): Promise<BatchRef[]>;
}

export interface InboundStore {
  /** Records an inbound message once; false when its (partner, id) was recorded before. */
  record(inbound: Inbound): Promise<boolean>;
  replies(campaignId: string, page: PageRequest): Promise<Page<Inbound>>;
}

/** One webhook delivery: a partner's `webhook-id` on one endpoint (ids may repeat across endpoints). */
export interface WebhookDelivery {
  partnerId: string;
  endpoint: string;
  webhookId: string;
}

export interface WebhookReceipts {
  get(delivery: WebhookDelivery): Promise<StoredAnswer | undefined>;
  /**
   * Records the answer unless another run of the same delivery recorded one first; then answers that one
   * (the first answer stands).
   */
  put(delivery: WebhookDelivery, answer: StoredAnswer, now: Date): Promise<StoredAnswer | undefined>;
}

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type WebhookMetric =
  'DeliveryReports' | 'DeliveryReportsIgnored' | 'InboundMessages' | 'OptOutReplies';

export interface WebhookDeps {
  batches: ReportBatchStore;
  ported: PortedNumbers;
  recipients: RecipientLookup;
  /** Reads one batch (to check a recipient's message was sent). */
  batch: (ref: BatchRef) => Promise<Batch | undefined>;
  inbound: InboundStore;
  optOuts: Pick<OptOutStore, 'add'>;
  receipts: WebhookReceipts;
  /** `status`: the reported status, a dimension of `DeliveryReports` (delivery rate per partner). */
  observe: (metric: WebhookMetric, partnerId: string, count: number, status?: string) => void;
  now: () => Date;
}

/** Batch writes in flight at once: DynamoDB Local does ~340 conditional writes/s one at a time. */
export const REPORT_WRITE_PARALLELISM = 8;
/** A batch whose version keeps moving under us (settle, another report request) is re-read this often. */
export const REPORT_WRITE_ATTEMPTS = 6;
/** How far back an inbound message looks for the campaign it answers (contract §8). */
export const REPLY_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * A partner's webhook handled at most once per `webhook-id`: a replay answers what the first delivery got
 * and changes nothing. The receipt is written last, so a crash half-way lets the partner's retry redo the
 * work (which is idempotent).
 */
export const oncePerWebhookId = async (
  receipts: WebhookReceipts,
  delivery: WebhookDelivery,
  now: () => Date,
  work: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> => {
  const earlier = await receipts.get(delivery);
  if (earlier) return { ...earlier, replayed: true };
  const answer = await work();
  // A retry that raced the first delivery did the (idempotent) work again; it answers the first answer.
  const first = await receipts.put(delivery, answer, now());
  return first ? { ...first, replayed: true } : { ...answer, replayed: false };
};

/**
 * Applies delivery reports (contract §8): each batch they name read once, the reports applied in the order
 * they came, and the batch written back in one write conditional on its version; when another write got
 * there first the batch is read again and the reports applied again. Unknown ids count as ignored.
 */
export const ingestDeliveryReports = async (
  deps: Pick<WebhookDeps, 'batches' | 'ported' | 'observe' | 'now'>,
  partnerId: string,
  reports: readonly DeliveryReport[],
): Promise<{ processed: number; ignored: number }> => {
  const { batches: groups, malformed } = groupReports(reports);
  const read = await deps.batches.read(groups.map(({ campaignId, seq }) => ({ campaignId, seq })));
  let processed = 0;
  let ignored = malformed;
  const ported: PortedNumber[] = [];
  const byStatus = new Map<string, number>();

  await inParallel(groups, REPORT_WRITE_PARALLELISM, async (group) => {
    let batch = read.get(batchKey(group.campaignId, group.seq));
    for (let attempt = 1; ; attempt++) {
      const applied = applyBatchReports(batch, partnerId, group.reports);
      const done =
        !batch ||
        !applied.messages ||
        (await deps.batches.writeMessages(batch, applied.messages, deps.now()));
      if (done) {
        processed += applied.processed;
        ignored += applied.ignored;
        ported.push(...applied.ported);
        for (const [status, count] of Object.entries(applied.byStatus))
          byStatus.set(status, (byStatus.get(status) ?? 0) + count);
        return;
      }
      if (attempt >= REPORT_WRITE_ATTEMPTS)
        throw new Error(`Batch ${group.campaignId}.${group.seq} kept changing; the partner will retry`);
      batch = (await deps.batches.read([group])).get(batchKey(group.campaignId, group.seq));
    }
  });

  if (ported.length) await deps.ported.upsert(ported);
  for (const [status, count] of byStatus) deps.observe('DeliveryReports', partnerId, count, status);
  if (ignored) deps.observe('DeliveryReportsIgnored', partnerId, ignored);
  return { processed, ignored };
};

/** The latest campaign that sent to `phone` (a partner accepted its message) in the reply window. */
const campaignAnswered = async (
  deps: Pick<WebhookDeps, 'recipients' | 'batch'>,
  phone: string,
  now: Date,
): Promise<string | undefined> => {
  const seen = new Set<string>();
  for (const ref of await deps.recipients.batchesOf(phone, new Date(now.getTime() - REPLY_WINDOW_MS))) {
    if (seen.has(ref.campaignId)) continue;
    const batch = await deps.batch(ref);
    if (batch?.messages.find((m) => m.to === phone)?.sa) return ref.campaignId;
    seen.add(ref.campaignId);
  }
  return undefined;
};

/** Inbound messages handled at once (each reads the recipient index and a batch). */
const INBOUND_PARALLELISM = 8;

/**
 * Subscribers' replies (contract §8): an opt-out keyword opts the phone out at once; every message counts
 * as a reply of the latest campaign that sent to the phone in the last 7 days; a repeated id is recorded
 * once. The opt-out is written before the record, so a crash between them cannot lose it.
 */
export const ingestInbound = async (
  deps: Pick<WebhookDeps, 'recipients' | 'batch' | 'inbound' | 'optOuts' | 'observe' | 'now'>,
  partnerId: string,
  messages: readonly InboundMessage[],
): Promise<{ processed: number; duplicates: number; optOuts: number }> => {
  let processed = 0;
  let duplicates = 0;
  let optOuts = 0;
  await inParallel(messages, INBOUND_PARALLELISM, async (message) => {
    const now = deps.now();
    const normalized = normalizeVietnameseMobile(message.from);
    const phone = normalized.ok ? normalized.phone : undefined;
    const optOut = phone !== undefined && isOptOutReply(message.text);
    const campaignId = phone ? await campaignAnswered(deps, phone, now) : undefined;
    if (optOut && phone)
      await deps.optOuts.add({
        phone,
        source: 'sms',
        reason: `Replied "${message.text.slice(0, 100)}" through ${partnerId}`,
        createdAt: now.toISOString(),
        createdBy: `partner:${partnerId}`,
      });
    const recorded = await deps.inbound.record({
      partnerId,
      id: message.id,
      from: phone ?? message.from,
      text: message.text,
      at: new Date(message.at).toISOString(),
      receivedAt: now.toISOString(),
      ...(campaignId ? { campaignId } : {}),
      optOut,
    });
    if (!recorded) {
      duplicates++;
      return;
    }
    processed++;
    if (optOut) optOuts++;
  });
  deps.observe('InboundMessages', partnerId, processed);
  if (optOuts) deps.observe('OptOutReplies', partnerId, optOuts);
  return { processed, duplicates, optOuts };
};
