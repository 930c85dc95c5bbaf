import * as z from 'zod';
import { MESSAGE_STATES, messageId, type Batch, type BatchMessage } from './dispatch/batch.js';
import type { SuppressedRecipient } from './dispatch/materialize.js';
import { canonicalProvinceName } from './provinces.js';

/**
 * What a row of the reports may say: a message's state, `suppressed` (never sent: opted out, capped), or
 * `holdout` (the A/B control group: chosen, deliberately sent nothing).
 */
export const ROW_STATUSES = [...MESSAGE_STATES, 'suppressed', 'holdout'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

/** A batch message's row status: `holdout` in a held batch (its messages stay `queued`, never sent). */
export const rowStatusOf = (batch: Pick<Batch, 'status'>, message: Pick<BatchMessage, 'state'>) =>
  batch.status === 'held' ? 'holdout' : message.state;

/** Contract §7: one recipient's message, as `GET /v1/campaigns/{id}/messages` and report.csv show it. */
export const MessageRowView = z
  .object({
    messageId: z.string().nullable().meta({ description: 'null for a suppressed recipient (never sent)' }),
    phone: z.string().meta({ description: 'E.164; masked (+8498****321) for planners' }),
    carrier: z.string(),
    province: z.string().nullable(),
    partnerId: z.string().nullable().meta({ description: 'The partner it is queued for or went to' }),
    status: z.enum(ROW_STATUSES).meta({
      description:
        'Each targeted recipient once: suppressed (reason opted_out or frequency_cap), queued, pending, ' +
        'delivered, failed; and each recipient of an A/B holdout as holdout (sent nothing)',
    }),
    reason: z
      .string()
      .nullable()
      .meta({
        description:
          'Why it failed: a key of the metrics’ failureReasons, then the partner’s code if any (`unreachable: ' +
          'ABSENT_SUBSCRIBER`, `other: SMSC_42`)',
      }),
    sentAt: z.string().nullable().meta({ description: 'When a partner accepted it' }),
    updatedAt: z.string().meta({ description: 'When it last changed state' }),
    clicks: z.number().int().optional().meta({ description: 'Clicks on its short link, if it has one' }),
    treatment: z
      .string()
      .optional()
      .meta({ description: 'A/B treatment (A..D) or holdout; only for campaigns with a split' }),
    language: z
      .string()
      .optional()
      .meta({ description: 'The language variant it carried; only for campaigns with variants' }),
  })
  .meta({ id: 'MessageRow' });
export type MessageRow = z.output<typeof MessageRowView>;

export const MessagesQuery = z.strictObject({
  status: z.enum(ROW_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

/** Rows show the current province, also for recipients of campaigns sent before the registry. */
export const toMessageRow = (
  batch: Pick<Batch, 'campaignId' | 'seq' | 'partnerId' | 'createdAt'> &
    Partial<Pick<Batch, 'status' | 'treatment'>>,
  message: BatchMessage,
  showPhone: (phone: string) => string,
  clicks?: number,
): MessageRow => ({
  messageId: messageId(batch.campaignId, batch.seq, message.index),
  phone: showPhone(message.to),
  carrier: message.carrier,
  province: message.province ? canonicalProvinceName(message.province) : null,
  // An unroutable or held-out message never had a partner.
  partnerId:
    message.reason === 'unroutable' || batch.status === 'held' || !batch.partnerId || batch.partnerId === '-'
      ? null
      : batch.partnerId,
  status: batch.status ? rowStatusOf({ status: batch.status }, message) : message.state,
  reason: message.reason ?? null,
  sentAt: message.sentAt ?? null,
  updatedAt: message.at ?? batch.createdAt,
  ...(message.code ? { clicks: clicks ?? 0 } : {}),
  ...(batch.treatment ? { treatment: batch.treatment } : {}),
  ...(message.lang ? { language: message.lang } : {}),
});

/** A suppressed recipient's row: no message id, no partner, the reason it was left out. */
export const toSuppressedRow = (
  recipient: SuppressedRecipient,
  at: string,
  showPhone: (phone: string) => string,
): MessageRow => ({
  messageId: null,
  phone: showPhone(recipient.to),
  carrier: recipient.carrier,
  province: recipient.province ? canonicalProvinceName(recipient.province) : null,
  partnerId: null,
  status: 'suppressed',
  reason: recipient.reason,
  sentAt: null,
  updatedAt: at,
});

/** Suppressed recipients per stored item (about 80 bytes each: far below DynamoDB's 400 KB an item). */
export const SUPPRESSED_PER_CHUNK = 1000;

/** One stored item of a campaign's suppressed recipients: chunk `chunk` of `chunks`. */
export interface SuppressedChunk {
  chunk: number;
  chunks: number;
  at: string;
  recipients: SuppressedRecipient[];
}

/** Where a page of messages starts: the batch and the index in it (inclusive). */
export interface MessagePosition {
  seq: number;
  i: number;
}

/** Where a page of suppressed recipients starts (they come after every batch): chunk and index. */
export interface SuppressedPosition {
  sup: number;
  i: number;
}

const isIndex = (n: unknown, max: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;

/** Reads a decoded cursor; undefined when it is not a position this API made. */
export const toPosition = (
  value: Record<string, unknown>,
): MessagePosition | SuppressedPosition | undefined => {
  const { seq, sup, i } = value;
  if (isIndex(sup, 999_999) && isIndex(i, SUPPRESSED_PER_CHUNK - 1) && seq === undefined) return { sup, i };
  if (!isIndex(seq, 999_999_999) || !isIndex(i, 9_999) || sup !== undefined) return undefined;
  return { seq, i };
};

/**
 * Takes up to `limit` suppressed recipients from `from` on. `next` is the first one left out, or null when
 * the last chunk was read.
 */
export const pageOfSuppressed = async (
  chunks: AsyncIterable<SuppressedChunk[]>,
  options: { from?: SuppressedPosition; limit: number },
): Promise<{ rows: { recipient: SuppressedRecipient; at: string }[]; next: SuppressedPosition | null }> => {
  const rows: { recipient: SuppressedRecipient; at: string }[] = [];
  for await (const list of chunks) {
    for (const { chunk, chunks: total, at, recipients } of list) {
      const startAt = options.from && chunk === options.from.sup ? options.from.i : 0;
      for (let i = startAt; i < recipients.length; i++) {
        const recipient = recipients[i];
        if (!recipient) continue;
        if (rows.length === options.limit) return { rows, next: { sup: chunk, i } };
        rows.push({ recipient, at });
      }
      if (chunk + 1 >= total) return { rows, next: null };
    }
  }
  return { rows, next: null };
};

export interface MessagesPage {
  rows: { batch: Batch; message: BatchMessage }[];
  next: MessagePosition | null;
}

/**
 * Takes up to `limit` messages (of `status`, if given) from batches in ascending order, starting at `from`.
 * `next` is the position of the first matching message left out, or where reading stopped (after
 * `maxBatches`), or null when the batches ran out: a page can end inside a batch.
 */
export const pageOfMessages = async (
  batches: AsyncIterable<Batch[]>,
  options: {
    from?: MessagePosition;
    status?: Exclude<RowStatus, 'suppressed'>;
    limit: number;
    maxBatches: number;
  },
): Promise<MessagesPage> => {
  const rows: MessagesPage['rows'] = [];
  let read = 0;
  for await (const list of batches) {
    for (const batch of list) {
      if (batch.test) continue;
      const startAt = options.from && batch.seq === options.from.seq ? options.from.i : 0;
      for (const message of batch.messages) {
        if (message.index < startAt || (options.status && rowStatusOf(batch, message) !== options.status))
          continue;
        if (rows.length === options.limit) return { rows, next: { seq: batch.seq, i: message.index } };
        rows.push({ batch, message });
      }
      read += 1;
      if (read >= options.maxBatches && rows.length < options.limit)
        return { rows, next: { seq: batch.seq + 1, i: 0 } };
    }
  }
  return { rows, next: null };
};

export type ReportPosition = MessagePosition | SuppressedPosition;

export interface ReportSources {
  batchesFrom(fromSeq: number): AsyncIterable<Batch[]>;
  suppressedFrom(fromChunk: number): AsyncIterable<SuppressedChunk[]>;
}

export interface ReportPage {
  messages: MessagesPage['rows'];
  suppressed: { recipient: SuppressedRecipient; at: string }[];
  next: ReportPosition | null;
}

/**
 * A page of `GET /v1/campaigns/{id}/messages`: every targeted recipient once, the batches' messages in
 * sending order, then the suppressed recipients (status `suppressed`), so the list adds up to the metrics'
 * `targeted`. A page that ends exactly with the last batch points at the suppressed ones (maybe none).
 */
export const pageOfReport = async (
  sources: ReportSources,
  options: { from?: ReportPosition; status?: RowStatus; limit: number; maxBatches: number },
): Promise<ReportPage> => {
  const { from, status, limit } = options;
  const suppressedFrom = from && 'sup' in from ? from : undefined;
  let messages: MessagesPage['rows'] = [];
  if (!suppressedFrom && status !== 'suppressed') {
    const batchFrom = from && 'seq' in from ? from : undefined;
    const page = await pageOfMessages(sources.batchesFrom(batchFrom?.seq ?? 0), {
      ...(batchFrom ? { from: batchFrom } : {}),
      ...(status ? { status } : {}),
      limit,
      maxBatches: options.maxBatches,
    });
    if (page.next || status) return { messages: page.rows, suppressed: [], next: page.next };
    messages = page.rows;
    if (messages.length === limit) return { messages, suppressed: [], next: { sup: 0, i: 0 } };
  }
  const page = await pageOfSuppressed(sources.suppressedFrom(suppressedFrom?.sup ?? 0), {
    ...(suppressedFrom ? { from: suppressedFrom } : {}),
    limit: limit - messages.length,
  });
  return { messages, suppressed: page.rows, next: page.next };
};

/** report.csv columns, in order. */
export const REPORT_COLUMNS = [
  'messageId',
  'phone',
  'carrier',
  'province',
  'partnerId',
  'status',
  'reason',
  'sentAt',
  'updatedAt',
  'clicks',
  'treatment',
  'language',
] as const;

/** Makes spreadsheets show UTF-8 (Vietnamese) correctly. */
export const UTF8_BOM = '\uFEFF';

/** A phone, plain or masked (`+84981234567`, `+8498****321`): starts with `+` but cannot run anything. */
const PHONE_LIKE = /^\+\d[\d*]*$/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. A text that a
 * spreadsheet would run as a formula (`= + - @`, also after a tab or carriage return) gets a leading `'`;
 * phones are left as they are.
 */
export const csvCell = (value: string | number | null | undefined): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !PHONE_LIKE.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvLine = (cells: readonly (string | number | null | undefined)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;

export const csvRow = (row: MessageRow): string => csvLine(REPORT_COLUMNS.map((column) => row[column]));

/**
 * report.csv as chunks, one per page of batches: the BOM and header first, then a line per recipient (test
 * batches left out), then a line per suppressed recipient, so every targeted recipient has exactly one row
 * and it can be written out while the batches are still being read.
 */
export async function* reportCsv(
  pages: AsyncIterable<Batch[]>,
  toRows: (batches: Batch[]) => Promise<MessageRow[]>,
  suppressed: AsyncIterable<SuppressedChunk[]>,
  showPhone: (phone: string) => string,
  /** Told the number of rows of each chunk as it is yielded (an export counts its rows). */
  onRows: (rows: number) => void = () => undefined,
): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(REPORT_COLUMNS);
  for await (const list of pages) {
    const rows = await toRows(list.filter((batch) => !batch.test));
    onRows(rows.length);
    if (rows.length) yield rows.map(csvRow).join('');
  }
  for await (const list of suppressed) {
    const lines = list.flatMap(({ at, recipients }) =>
      recipients.map((recipient) => csvRow(toSuppressedRow(recipient, at, showPhone))),
    );
    onRows(lines.length);
    if (lines.length) yield lines.join('');
  }
}
