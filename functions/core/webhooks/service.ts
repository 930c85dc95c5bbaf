import type { Carrier } from '#core/carriers.js';
import { inParallel } from '#core/concurrency.js';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import type { BatchRef } from '#core/dispatch/ports.js';
import type { OptOutStore } from '#core/opt-out-service.js';
import type { Page, PageRequest } from '#core/page.js';
import { normalizeVietnameseMobile } from '#core/phone.js';
import {
  applyBatchReports,
  batchKey,
  groupReports,
  latestPerPhone,
  wasHandedTo,
  type DeliveryReport,
  type PortedNumber,
} from './delivery-reports.js';
import {
  isOptOutReply,
  optOutRefusal,
  type Inbound,
  type InboundMessage,
  type OptOutRefused,
} from './inbound.js';
import { batchesHolding, bucketOf } from './recipients.js';
import type { Clock } from '../clock.js';

/** Use cases of contract §8 "Partners send"; the ports below are implemented over DynamoDB in adapters/. */

export interface ReportBatchStore {
  /** Consistent reads of these batches; a batch that does not exist is absent from the map (`batchKey`). */
  read(refs: readonly BatchRef[]): Promise<Map<string, Batch>>;
  /** Writes `messages` and bumps `ver` if the batch's `ver` is still `batch.ver`; false if another write won. */
  writeMessages(batch: Batch, messages: BatchMessage[], now: Date): Promise<boolean>;
}

export interface PortedNumbers {
  /** Records each number's carrier unless a report at least as recent is already recorded for it. */
  upsert(numbers: readonly PortedNumber[]): Promise<void>;
  /** Every number whose carrier a delivery report corrected: phone → carrier now. */
  all(): Promise<Map<string, Carrier>>;
  /** The corrected carrier of each of these phones that has one. */
  carriersOf(phones: readonly string[]): Promise<Map<string, Carrier>>;
}

export interface PartnerCarriers {
  /** The carriers a partner serves (`*`: every carrier); undefined for an unknown partner. */
  carriersOf(partnerId: string): Promise<readonly (Carrier | '*')[] | undefined>;
}

/** One item of the recipient index: the `phone:seq` entries of one bucket in a slice of a campaign's batches. */
export interface RecipientIndexItem {
  campaignId: string;
  /** When the campaign was materialised (ISO). */
  materializedAt: string;
  entries: readonly string[];
}

export interface RecipientLookup {
  /** The index items of one bucket (`bucketOf`) of campaigns materialised since `since`. */
  itemsOf(bucket: string, since: Date): Promise<RecipientIndexItem[]>;
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

export interface WebhookDeps extends Clock {
  batches: ReportBatchStore;
  ported: PortedNumbers;
  recipients: RecipientLookup;
  inbound: InboundStore;
  optOuts: Pick<OptOutStore, 'add'>;
  partners: PartnerCarriers;
  receipts: WebhookReceipts;
  /** `status`: the reported status, a dimension of `DeliveryReports` (delivery rate per partner). */
  observe: (metric: WebhookMetric, partnerId: string, count: number, status?: string) => void;
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

  // Groups finish in any order: the latest report per phone is picked by its time, not by arrival.
  if (ported.length) await deps.ported.upsert(latestPerPhone(ported));
  for (const [status, count] of byStatus) deps.observe('DeliveryReports', partnerId, count, status);
  if (ignored) deps.observe('DeliveryReportsIgnored', partnerId, ignored);
  return { processed, ignored };
};

/** Index buckets queried, and inbound messages recorded, at once. */
const INBOUND_PARALLELISM = 8;

/** A phone's candidate batches in the reply window: one list per campaign, newest campaign first. */
export type Candidates = Map<string, BatchRef[][]>;

/** The recipient index's batches holding each phone, from campaigns of the reply window; each bucket queried once. */
export const candidateBatches = async (
  deps: Pick<WebhookDeps, 'recipients'>,
  phones: readonly string[],
  now: Date,
): Promise<Candidates> => {
  const since = new Date(now.getTime() - REPLY_WINDOW_MS);
  const sinceIso = since.toISOString();
  const unique = [...new Set(phones)];
  const indexed = new Map<string, RecipientIndexItem[]>();
  await inParallel([...new Set(unique.map(bucketOf))], INBOUND_PARALLELISM, async (bucket) => {
    indexed.set(bucket, await deps.recipients.itemsOf(bucket, since));
  });
  const candidates: Candidates = new Map();
  for (const phone of unique) {
    const items = (indexed.get(bucketOf(phone)) ?? [])
      .filter((item) => item.materializedAt >= sinceIso)
      .sort((a, b) => b.materializedAt.localeCompare(a.materializedAt));
    // Two runs of one materialisation may each have indexed the phone in the same batch: once each.
    const byCampaign = new Map<string, Map<number, BatchRef>>();
    for (const item of items) {
      const refs = byCampaign.get(item.campaignId) ?? new Map<number, BatchRef>();
      for (const ref of batchesHolding(item.campaignId, item.entries, phone)) refs.set(ref.seq, ref);
      if (refs.size) byCampaign.set(item.campaignId, refs);
    }
    candidates.set(
      phone,
      [...byCampaign.values()].map((refs) => [...refs.values()]),
    );
  }
  return candidates;
};

const readUnique = (batches: ReportBatchStore, refs: readonly BatchRef[]) =>
  batches.read([...new Map(refs.map((r) => [batchKey(r.campaignId, r.seq), r])).values()]);

/** The campaign message a reply answers: its campaign, and its variant and treatment for the metrics. */
export interface AnsweredMessage {
  campaignId: string;
  lang?: string;
  treatment?: string;
}

/**
 * The campaign message each phone answers (contract §8): in the latest campaign materialised in the reply
 * window whose message to the phone a partner accepted (`sentAt`). The candidate batches are read together:
 * first every phone's newest campaign, then, for the phones whose message there was never accepted, their
 * next one, and so on (usually a single read).
 */
export const answeredMessages = async (
  batches: ReportBatchStore,
  candidates: Candidates,
): Promise<Map<string, AnsweredMessage>> => {
  const answered = new Map<string, AnsweredMessage>();
  let open = [...candidates].filter(([, campaigns]) => campaigns.length);
  for (let round = 0; open.length; round++) {
    const read = await readUnique(
      batches,
      open.flatMap(([, campaigns]) => campaigns[round] ?? []),
    );
    for (const [phone, campaigns] of open) {
      for (const ref of campaigns[round] ?? []) {
        const batch = read.get(batchKey(ref.campaignId, ref.seq));
        const message = batch?.messages.find((m) => m.to === phone && m.sentAt);
        if (!batch || !message) continue;
        answered.set(phone, {
          campaignId: ref.campaignId,
          ...(message.lang ? { lang: message.lang } : {}),
          ...(batch.treatment ? { treatment: batch.treatment } : {}),
        });
        break;
      }
    }
    open = open.filter(([phone, campaigns]) => !answered.has(phone) && campaigns.length > round + 1);
  }
  return answered;
};

/** The campaign each phone answers (see `answeredMessages`). */
export const answeredCampaigns = async (
  batches: ReportBatchStore,
  candidates: Candidates,
): Promise<Map<string, string>> =>
  new Map([...(await answeredMessages(batches, candidates))].map(([phone, m]) => [phone, m.campaignId]));

/** `answeredCampaigns` of these phones, each bucket of the recipient index queried once. */
export const campaignsAnswered = async (
  deps: Pick<WebhookDeps, 'recipients' | 'batches'>,
  phones: readonly string[],
  now: Date,
): Promise<Map<string, string>> => answeredCampaigns(deps.batches, await candidateBatches(deps, phones, now));

/** The phones (of `phones`) whose message in a campaign of the reply window was handed to this partner. */
export const phonesHandedTo = async (
  batches: ReportBatchStore,
  candidates: Candidates,
  partnerId: string,
  phones: readonly string[],
): Promise<Set<string>> => {
  const wanted = [...new Set(phones)];
  const refs = wanted.flatMap((phone) => (candidates.get(phone) ?? []).flat());
  if (!refs.length) return new Set();
  const read = await readUnique(batches, refs);
  return new Set(
    wanted.filter((phone) =>
      (candidates.get(phone) ?? []).flat().some((ref) => {
        const batch = read.get(batchKey(ref.campaignId, ref.seq));
        return batch && wasHandedTo(batch, partnerId) && batch.messages.some((m) => m.to === phone);
      }),
    ),
  );
};

/**
 * Subscribers' replies (contract §8): every message counts as a reply of the latest campaign that sent to
 * the phone in the last 7 days; a repeated id is recorded once. An opt-out keyword opts the phone out at
 * once, but only when the phone is this partner's to speak for: on one of its carriers (after number
 * portability), or handed to it in the reply window; otherwise the reply is recorded without the opt-out,
 * and the answer says why. The opt-out is written before the record, so a crash between them cannot lose it.
 */
export const ingestInbound = async (
  deps: Pick<
    WebhookDeps,
    'recipients' | 'batches' | 'inbound' | 'optOuts' | 'partners' | 'ported' | 'observe' | 'now'
  >,
  partnerId: string,
  messages: readonly InboundMessage[],
): Promise<{ processed: number; duplicates: number; optOuts: number; optOutsRefused: OptOutRefused[] }> => {
  let processed = 0;
  let duplicates = 0;
  let optOuts = 0;
  const refusals: { n: number; refused: OptOutRefused }[] = [];
  const senders = messages.map((message) => {
    const normalized = normalizeVietnameseMobile(message.from);
    return normalized.ok ? { phone: normalized.phone, carrier: normalized.carrier } : undefined;
  });
  const phones = senders.flatMap((sender) => (sender ? [sender.phone] : []));
  const keywordPhones = [
    ...new Set(messages.flatMap((m, n) => (isOptOutReply(m.text) && senders[n] ? [senders[n].phone] : []))),
  ];
  const [candidates, served, ported] = await Promise.all([
    candidateBatches(deps, phones, deps.now()),
    deps.partners.carriersOf(partnerId),
    keywordPhones.length ? deps.ported.carriersOf(keywordPhones) : new Map<string, Carrier>(),
  ]);
  const carrierOf = (phone: string, carrier: Carrier) => ported.get(phone) ?? carrier;
  // Only phones off this partner's carriers need their hand-overs checked (rare).
  const offCarrier = keywordPhones.filter((phone) => {
    const sender = senders.find((s) => s?.phone === phone);
    return !optOutRefusal(served ?? [], sender && carrierOf(phone, sender.carrier), false).allowed;
  });
  const [answered, handed] = await Promise.all([
    answeredMessages(deps.batches, candidates),
    phonesHandedTo(deps.batches, candidates, partnerId, offCarrier),
  ]);

  await inParallel(
    messages.map((message, n) => ({ message, n, sender: senders[n] })),
    INBOUND_PARALLELISM,
    async ({ message, n, sender }) => {
      const now = deps.now();
      const phone = sender?.phone;
      const keyword = isOptOutReply(message.text);
      const decision = keyword
        ? optOutRefusal(
            served ?? [],
            sender && carrierOf(sender.phone, sender.carrier),
            phone !== undefined && handed.has(phone),
          )
        : undefined;
      const optOut = decision?.allowed === true;
      const answers = phone ? answered.get(phone) : undefined;
      if (optOut && phone)
        await deps.optOuts.add({
          phone,
          source: 'sms',
          reason: `Replied "${message.text.slice(0, 100)}" through ${partnerId}`,
          createdAt: now.toISOString(),
          createdBy: `partner:${partnerId}`,
        });
      const refused = decision && !decision.allowed ? decision.reason : undefined;
      const recorded = await deps.inbound.record({
        partnerId,
        id: message.id,
        from: phone ?? message.from,
        text: message.text,
        at: new Date(message.at).toISOString(),
        receivedAt: now.toISOString(),
        ...(answers ?? {}),
        optOut,
        ...(refused ? { optOutRefused: refused } : {}),
      });
      if (!recorded) {
        duplicates++;
        return;
      }
      processed++;
      if (optOut) optOuts++;
      if (refused) refusals.push({ n, refused: { id: message.id, reason: refused } });
    },
  );
  deps.observe('InboundMessages', partnerId, processed);
  if (optOuts) deps.observe('OptOutReplies', partnerId, optOuts);
  const optOutsRefused = refusals.sort((a, b) => a.n - b.n).map(({ refused }) => refused);
  return { processed, duplicates, optOuts, optOutsRefused };
};
