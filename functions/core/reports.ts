import { z } from 'zod';
import { MESSAGE_STATES, messageId, type Batch, type BatchMessage } from './dispatch/batch.js';

/** Contract §7: one recipient's message, as `GET /v1/campaigns/{id}/messages` and report.csv show it. */
export const MessageRowView = z
  .object({
    messageId: z.string(),
    phone: z.string().meta({ description: 'E.164; masked (+8498****321) for planners' }),
    carrier: z.string(),
    province: z.string().nullable(),
    partnerId: z.string().nullable().meta({ description: 'The partner it is queued for or went to' }),
    status: z.enum(MESSAGE_STATES),
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
  })
  .meta({ id: 'MessageRow' });
export type MessageRow = z.output<typeof MessageRowView>;

export const MessagesQuery = z.strictObject({
  status: z.enum(MESSAGE_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

export const toMessageRow = (
  batch: Pick<Batch, 'campaignId' | 'seq' | 'partnerId' | 'createdAt'>,
  message: BatchMessage,
  showPhone: (phone: string) => string,
  clicks?: number,
): MessageRow => ({
  messageId: messageId(batch.campaignId, batch.seq, message.i),
  phone: showPhone(message.to),
  carrier: message.carrier,
  province: message.province ?? null,
  // An unroutable message never had a partner.
  partnerId: message.reason === 'unroutable' || !batch.partnerId ? null : batch.partnerId,
  status: message.st,
  reason: message.reason ?? null,
  sentAt: message.sa ?? null,
  updatedAt: message.at ?? batch.createdAt,
  ...(message.code ? { clicks: clicks ?? 0 } : {}),
});

/** Where a page of messages starts: the batch and the index in it (inclusive). */
export interface MessagePosition {
  seq: number;
  i: number;
}

/** Reads a decoded cursor; undefined when it is not a position this API made. */
export const toPosition = (value: Record<string, unknown>): MessagePosition | undefined => {
  const { seq, i } = value;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > 999_999_999) return undefined;
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > 9_999) return undefined;
  return { seq, i };
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
  options: { from?: MessagePosition; status?: BatchMessage['st']; limit: number; maxBatches: number },
): Promise<MessagesPage> => {
  const rows: MessagesPage['rows'] = [];
  let read = 0;
  for await (const list of batches) {
    for (const batch of list) {
      if (batch.test) continue;
      const startAt = options.from && batch.seq === options.from.seq ? options.from.i : 0;
      for (const message of batch.messages) {
        if (message.i < startAt || (options.status && message.st !== options.status)) continue;
        if (rows.length === options.limit) return { rows, next: { seq: batch.seq, i: message.i } };
        rows.push({ batch, message });
      }
      read += 1;
      if (read >= options.maxBatches && rows.length < options.limit)
        return { rows, next: { seq: batch.seq + 1, i: 0 } };
    }
  }
  return { rows, next: null };
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
 * batches left out), so it can be written out while the batches are still being read.
 */
export async function* reportCsv(
  pages: AsyncIterable<Batch[]>,
  toRows: (batches: Batch[]) => Promise<MessageRow[]>,
): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(REPORT_COLUMNS);
  for await (const list of pages) {
    const rows = await toRows(list.filter((batch) => !batch.test));
    if (rows.length) yield rows.map(csvRow).join('');
  }
}
