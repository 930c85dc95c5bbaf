import * as z from 'zod';
import { CARRIERS, type Carrier } from '#core/carriers.js';
import { ERASED_PHONE } from '#core/phone-mask.js';
import { parseMessageId, type Batch, type BatchMessage } from '#core/dispatch/batch.js';
import { failureReason, reasonKey } from '#core/metrics/failure-reasons.js';
import { eventsBody } from './envelope.js';

/** Contract §8 "Partners send": what a partner may say about one message it was handed. */
export const REPORT_STATUSES = ['accepted', 'delivered', 'failed', 'expired', 'rejected'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const MAX_REPORTS_PER_REQUEST = 1000;

export const DeliveryReport = z
  .strictObject({
    messageId: z.string().min(1).max(100).meta({ example: '01J8Z5YV3M0E3Q.12.7' }),
    status: z.enum(REPORT_STATUSES).meta({
      description: '`accepted` is not final; the others are, and the first final report of a message wins',
    }),
    at: z.iso.datetime({ offset: true }).meta({ example: '2027-07-30T08:00:05+07:00' }),
    errorCode: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({
        description:
          'Why it failed, in the partner’s words (GSM MAP, SMPP or its own code); known codes become a reason ' +
          '(`unreachable`, `invalid_number`, `blocked`, `expired`, `rejected`), others `other`, the code kept',
        example: 'ABSENT_SUBSCRIBER',
      }),
    carrier: z.enum(CARRIERS).optional().meta({
      description: 'The carrier the number belongs to now (number portability); later campaigns route by it',
    }),
  })
  .meta({ id: 'DeliveryReport' });
export type DeliveryReport = z.infer<typeof DeliveryReport>;

export const DeliveryReportsInput = eventsBody(
  'DeliveryReportsInput',
  'reports',
  DeliveryReport,
  MAX_REPORTS_PER_REQUEST,
);

export const DeliveryReportsAnswer = z
  .object({
    processed: z.int().meta({ description: 'Reports about messages this partner was handed' }),
    ignored: z.int().meta({
      description: 'Reports about unknown message ids, or about messages this partner was not handed',
    }),
  })
  .meta({ id: 'DeliveryReportsAnswer' });

const TERMINAL: ReadonlySet<BatchMessage['state']> = new Set(['delivered', 'failed']);

/**
 * Failed because we gave up on the partner (no answer, 5xx or 429 through every attempt, no route left):
 * our guess, not the partner's word. A partner that took the batch after all (a timeout it answered late)
 * reports on it, and its report replaces the guess.
 */
const gaveUp = (message: BatchMessage) =>
  message.state === 'failed' && reasonKey(message.reason) === 'partner_unavailable';

const toUtc = (at: string) => new Date(at).toISOString();

/**
 * One report applied to one message. A final state is never left (the first final report wins) except our
 * own give-up (`gaveUp`), which the partner's first final report replaces; `accepted` only moves a queued
 * message to pending, and any report gives a message its `sentAt` (the partner took it).
 * Answers the same object when nothing changes, so a repeated report writes nothing.
 */
export const applyReport = (message: BatchMessage, report: DeliveryReport): BatchMessage => {
  const at = toUtc(report.at);
  const sentAt = message.sentAt ?? at;
  // Contract §8: a non-final report never overrides a final state, our give-up included.
  const final = TERMINAL.has(message.state) && (report.status === 'accepted' || !gaveUp(message));
  if (final || (report.status === 'accepted' && message.state === 'pending')) {
    return message.sentAt ? message : { ...message, sentAt };
  }
  if (report.status === 'accepted') return { ...message, state: 'pending', at, sentAt };
  if (report.status === 'delivered') {
    const { reason: _reason, ...rest } = message;
    return { ...rest, state: 'delivered', at, sentAt };
  }
  return { ...message, state: 'failed', reason: failureReason(report.status, report.errorCode), at, sentAt };
};

export interface BatchReports {
  campaignId: string;
  seq: number;
  reports: { index: number; report: DeliveryReport }[];
}

export const batchKey = (campaignId: string, seq: number) => `${campaignId}.${seq}`;

/** Reports grouped by the batch their message id names, in the order they came; bad ids apart. */
export const groupReports = (
  reports: readonly DeliveryReport[],
): { batches: BatchReports[]; malformed: number } => {
  const batches = new Map<string, BatchReports>();
  let malformed = 0;
  for (const report of reports) {
    const id = parseMessageId(report.messageId);
    if (!id) {
      malformed++;
      continue;
    }
    const key = batchKey(id.campaignId, id.seq);
    const group = batches.get(key) ?? { campaignId: id.campaignId, seq: id.seq, reports: [] };
    group.reports.push({ index: id.index, report });
    batches.set(key, group);
  }
  return { batches: [...batches.values()], malformed };
};

export interface PortedNumber {
  phone: string;
  carrier: Carrier;
  at: string;
}

/** One entry per phone: the one a report made latest (greatest `at`), whatever order they came in. */
export const latestPerPhone = (numbers: readonly PortedNumber[]): PortedNumber[] => {
  const latest = new Map<string, PortedNumber>();
  for (const n of numbers) {
    const known = latest.get(n.phone);
    if (!known || known.at < n.at) latest.set(n.phone, n);
  }
  return [...latest.values()];
};

export interface AppliedReports {
  /** The batch's new messages, or undefined when no message changed (nothing to write). */
  messages?: BatchMessage[];
  processed: number;
  /** The processed reports by the status they reported (for the per-partner delivery-rate metrics). */
  byStatus: Partial<Record<ReportStatus, number>>;
  ignored: number;
  /** Numbers a report says now belong to another carrier. */
  ported: PortedNumber[];
}

/**
 * Whether a partner was handed this batch, so may report on its messages: it is in `handedTo` (a POST to it
 * was recorded), or the batch is being handed to it right now (its report may beat our settle). A batch
 * settled before `handedTo` was recorded counts as handed to the partner it settled with.
 */
export const wasHandedTo = (
  batch: Pick<Batch, 'partnerId' | 'status' | 'handedTo'>,
  partnerId: string,
): boolean => {
  if (batch.handedTo?.includes(partnerId)) return true;
  if (batch.partnerId !== partnerId) return false;
  return batch.status === 'handing' || (batch.handedTo === undefined && batch.status === 'pending');
};

/**
 * A batch's reports applied in the order they came. Reports about a batch that does not exist, was never
 * handed to this partner (`wasHandedTo`), or has no message at that index are ignored, and so is the
 * `carrier` they carry.
 */
export const applyBatchReports = (
  batch: Pick<Batch, 'partnerId' | 'status' | 'handedTo' | 'messages'> | undefined,
  partnerId: string,
  reports: BatchReports['reports'],
): AppliedReports => {
  if (!batch || !wasHandedTo(batch, partnerId))
    return { processed: 0, byStatus: {}, ignored: reports.length, ported: [] };
  const messages = [...batch.messages];
  const position = new Map(messages.map((m, p) => [m.index, p]));
  let changed = false;
  let processed = 0;
  const byStatus: AppliedReports['byStatus'] = {};
  const ported: PortedNumber[] = [];
  for (const { index, report } of reports) {
    const p = position.get(index);
    const message = p === undefined ? undefined : messages[p];
    if (p === undefined || !message) continue;
    processed++;
    byStatus[report.status] = (byStatus[report.status] ?? 0) + 1;
    const next = applyReport(message, report);
    if (next !== message) {
      messages[p] = next;
      changed = true;
    }
    // An erased recipient's number is gone: its late report moves the message, never the ported list.
    if (report.carrier && report.carrier !== message.carrier && message.to !== ERASED_PHONE)
      ported.push({ phone: message.to, carrier: report.carrier, at: toUtc(report.at) });
  }
  return {
    ...(changed ? { messages } : {}),
    processed,
    byStatus,
    ignored: reports.length - processed,
    ported: latestPerPhone(ported),
  };
};

/**
 * The messages a settle writes when a delivery report got to the batch first (the partner reported before
 * our dispatcher recorded its answer): messages a report moved since the claim keep the report's state,
 * and get `sentAt` if the settle says they were accepted; the others take the settle's state.
 */
export const mergeSettle = (
  claimed: readonly BatchMessage[],
  current: readonly BatchMessage[],
  settled: readonly BatchMessage[],
): BatchMessage[] => {
  const before = new Map(claimed.map((m) => [m.index, m]));
  const now = new Map(current.map((m) => [m.index, m]));
  return settled.map((mine) => {
    const theirs = now.get(mine.index);
    const was = before.get(mine.index);
    const movedByReport = theirs && was && (theirs.state !== was.state || theirs.sentAt !== was.sentAt);
    if (!theirs || !movedByReport) return mine;
    return !theirs.sentAt && mine.sentAt ? { ...theirs, sentAt: mine.sentAt } : theirs;
  });
};
