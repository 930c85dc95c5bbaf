import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '#adapters/cursor.js';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import {
  REPORT_COLUMNS,
  UTF8_BOM,
  csvCell,
  csvLine,
  pageOfMessages,
  pageOfReport,
  reportCsv,
  type ReportPosition,
  type SuppressedChunk,
  toMessageRow,
  toPosition,
} from '#core/reports.js';
import { phoneFor } from '#core/roles.js';
import { apiGatewayGet, queuedBatch, testRoute } from './fixtures.js';
import { itMaps } from './cases.js';

const message = (
  i: number,
  state: BatchMessage['state'] = 'queued',
  extra: Partial<BatchMessage> = {},
): BatchMessage => ({
  index: i,
  to: `+849810000${String(i).padStart(2, '0')}`,
  carrier: 'viettel',
  state,
  ...extra,
});

const batch = (seq: number, messages: BatchMessage[], extra: Partial<Batch> = {}): Batch =>
  queuedBatch(messages, { seq, ...extra });

async function* pages<T>(...lists: T[][]): AsyncGenerator<T[]> {
  for (const list of lists) yield list;
}

const SUPPRESSED_AT = '2027-07-30T00:59:00.000Z';
/** Two stored chunks of suppressed recipients (chunks of 2 here), and a stale third from an earlier run. */
const suppressedChunks: SuppressedChunk[] = [
  {
    chunk: 0,
    chunks: 2,
    at: SUPPRESSED_AT,
    recipients: [
      { to: '+84981000090', carrier: 'viettel', province: 'Bắc Kạn', reason: 'opted_out' },
      { to: '+84981000091', carrier: 'viettel', reason: 'frequency_cap' },
    ],
  },
  {
    chunk: 1,
    chunks: 2,
    at: SUPPRESSED_AT,
    recipients: [{ to: '+84911000092', carrier: 'vinaphone', reason: 'opted_out' }],
  },
  {
    chunk: 2,
    chunks: 3,
    at: SUPPRESSED_AT,
    recipients: [{ to: '+84911000093', carrier: 'vinaphone', reason: 'opted_out' }],
  },
];

describe('csvCell', () => {
  itMaps('%j → %j', csvCell, [
    ['plain', 'plain'],
    ['Bắc Kạn', 'Bắc Kạn'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['+1+2', "'+1+2"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['+84981234567', '+84981234567'],
    ['+8498****567', '+8498****567'],
  ]);

  it('writes numbers as they are and nothing for null', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('ends each line with CRLF', () => {
    expect(csvLine(['a', null, 2])).toBe('a,,2\r\n');
  });
});

describe('message rows', () => {
  it('show every field (the province by its current name), the phone masked for a planner and in full for an officer', () => {
    const b = batch(7, []);
    const m = message(3, 'failed', {
      province: 'Hà Giang',
      reason: 'expired',
      at: '2027-07-30T02:00:00.000Z',
      sentAt: '2027-07-30T01:30:00.000Z',
      code: 'x',
    });
    const planner = toMessageRow(b, m, phoneFor({ userId: 'u', roles: ['planner'] }), 2);
    expect(planner).toEqual({
      messageId: 'c1.7.3',
      phone: '+8498****003',
      carrier: 'viettel',
      province: 'Tuyên Quang',
      partnerId: 'p1',
      status: 'failed',
      reason: 'expired',
      sentAt: '2027-07-30T01:30:00.000Z',
      updatedAt: '2027-07-30T02:00:00.000Z',
      clicks: 2,
    });
    expect(toMessageRow(b, m, phoneFor({ userId: 'u', roles: ['planner', 'officer'] })).phone).toBe(
      '+84981000003',
    );
  });

  it('give an unroutable message no partner, a queued one its batch time, and no clicks without a link', () => {
    const row = toMessageRow(batch(1, []), message(0, 'failed', { reason: 'unroutable' }), (p) => p);
    expect(row).toMatchObject({
      partnerId: null,
      province: null,
      sentAt: null,
      updatedAt: '2027-07-30T01:00:00.000Z',
    });
    expect(row).not.toHaveProperty('clicks');
    expect(toMessageRow(batch(1, []), message(0, 'queued', { code: 'x' }), (p) => p).clicks).toBe(0);
  });
});

describe('cursor positions', () => {
  it('round-trip through the opaque cursor', () => {
    const cursor = encodeCursor({ seq: 12, i: 40 });
    expect(toPosition(decodeCursor(cursor ?? undefined) ?? {})).toEqual({ seq: 12, i: 40 });
  });

  it.each([
    {},
    { seq: -1, i: 0 },
    { seq: 1.5, i: 0 },
    { seq: '1', i: 0 },
    { seq: 1, i: 10_000 },
    { pk: 'x' },
  ])('refuses %j', (value) => {
    expect(toPosition(value)).toBeUndefined();
  });
});

describe('pageOfMessages', () => {
  const batches = [
    batch(0, [message(0), message(1, 'delivered'), message(2)]),
    batch(1, [message(0, 'delivered'), message(1)]),
    batch(2, [message(0), message(1, 'delivered')]),
  ];

  const all = async (options: { status?: BatchMessage['state']; limit: number }) => {
    const ids: string[] = [];
    let from: { seq: number; i: number } | undefined;
    let guard = 0;
    do {
      const page = await pageOfMessages(pages(batches.filter((b) => b.seq >= (from?.seq ?? 0))), {
        ...options,
        ...(from ? { from } : {}),
        maxBatches: 100,
      });
      expect(page.rows.length).toBeLessThanOrEqual(options.limit);
      ids.push(...page.rows.map(({ batch: b, message: m }) => `${b.seq}.${m.index}`));
      from = page.next ?? undefined;
    } while (from && ++guard < 100);
    return ids;
  };

  it('pages across batch boundaries, stopping inside a batch, each message once', async () => {
    expect(await all({ limit: 2 })).toEqual(['0.0', '0.1', '0.2', '1.0', '1.1', '2.0', '2.1']);
  });

  it('filters by status', async () => {
    expect(await all({ limit: 1, status: 'delivered' })).toEqual(['0.1', '1.0', '2.1']);
  });

  it('ends with no next position when the last page is full exactly', async () => {
    const page = await pageOfMessages(pages(batches), { limit: 7, maxBatches: 100 });
    expect(page.rows).toHaveLength(7);
    expect(page.next).toBeNull();
  });

  it('stops after maxBatches and says where to go on', async () => {
    const page = await pageOfMessages(pages(batches), { limit: 5, status: 'failed', maxBatches: 2 });
    expect(page).toEqual({ rows: [], next: { seq: 2, i: 0 } });
  });

  it('leaves test batches out', async () => {
    const page = await pageOfMessages(pages([batch(900_000_001, [message(0)], { test: true })]), {
      limit: 5,
      maxBatches: 100,
    });
    expect(page.rows).toEqual([]);
  });
});

describe('pageOfReport', () => {
  const batches = [batch(0, [message(0), message(1, 'delivered')]), batch(1, [message(0, 'failed')])];
  const sources = {
    batchesFrom: (seq: number) => pages(batches.filter((b) => b.seq >= seq)),
    suppressedFrom: (chunk: number) =>
      pages(...suppressedChunks.filter((c) => c.chunk >= chunk).map((c) => [c])),
  };
  const all = async (options: { status?: Parameters<typeof pageOfReport>[1]['status']; limit: number }) => {
    const ids: string[] = [];
    let from: ReportPosition | undefined;
    let guard = 0;
    do {
      const page = await pageOfReport(sources, { ...options, ...(from ? { from } : {}), maxBatches: 100 });
      expect(page.messages.length + page.suppressed.length).toBeLessThanOrEqual(options.limit);
      ids.push(...page.messages.map(({ batch: b, message: m }) => `${b.seq}.${m.index}`));
      ids.push(...page.suppressed.map(({ recipient }) => `${recipient.to}:${recipient.reason}`));
      from = page.next ?? undefined;
    } while (from && ++guard < 100);
    return ids;
  };
  const everyone = [
    '0.0',
    '0.1',
    '1.0',
    '+84981000090:opted_out',
    '+84981000091:frequency_cap',
    '+84911000092:opted_out',
  ];

  it.each([1, 2, 3, 4, 10])(
    'lists every targeted recipient once, suppressed ones last (pages of %i)',
    async (limit) => {
      expect(await all({ limit })).toEqual(everyone);
    },
  );

  it('filters suppressed recipients, and leaves them out of the other statuses', async () => {
    expect(await all({ limit: 1, status: 'suppressed' })).toEqual(everyone.slice(3));
    expect(await all({ limit: 5, status: 'failed' })).toEqual(['1.0']);
  });

  it('reads suppressed cursors back, and refuses ones out of range', () => {
    expect(toPosition(decodeCursor(encodeCursor({ sup: 3, i: 7 }) ?? undefined) ?? {})).toEqual({
      sup: 3,
      i: 7,
    });
    expect(toPosition({ sup: 1, i: 1000 })).toBeUndefined();
    expect(toPosition({ sup: 1, seq: 1, i: 0 })).toBeUndefined();
  });
});

describe('reportCsv', () => {
  it('starts with the BOM and the header, then one line per recipient with Vietnamese kept (provinces by current name)', async () => {
    const chunks: string[] = [];
    for await (const chunk of reportCsv(
      pages(
        [batch(0, [message(0, 'queued', { province: 'Bắc Kạn' })])],
        [batch(900_000_000, [message(0)], { test: true })],
        [batch(1, [message(0, 'delivered', { province: 'Thừa Thiên Huế, VN' })])],
      ),
      (list) => Promise.resolve(list.flatMap((b) => b.messages.map((m) => toMessageRow(b, m, (p) => p)))),
      pages(suppressedChunks.slice(0, 1), suppressedChunks.slice(1, 2)),
      (p) => p,
    ))
      chunks.push(chunk);
    const text = chunks.join('');
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(REPORT_COLUMNS.join(','));
    expect(lines.slice(1)).toEqual([
      'c1.0.0,+84981000000,viettel,Thái Nguyên,p1,queued,,,2027-07-30T01:00:00.000Z,,,',
      'c1.1.0,+84981000000,viettel,"Thừa Thiên Huế, VN",p1,delivered,,,2027-07-30T01:00:00.000Z,,,',
      // Every targeted recipient has a row: the suppressed ones too, with why.
      `,+84981000090,viettel,Thái Nguyên,,suppressed,opted_out,,${SUPPRESSED_AT},,,`,
      `,+84981000091,viettel,,,suppressed,frequency_cap,,${SUPPRESSED_AT},,,`,
      `,+84911000092,vinaphone,,,suppressed,opted_out,,${SUPPRESSED_AT},,,`,
      '',
    ]);
    expect(Buffer.from(text, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('streamed answers', () => {
  it('reach the local server as chunks and Lambda as one body', async () => {
    const { collectStream, isStreamed, toResult } = await import('#http/api.js');
    const response = { status: 200, contentType: 'text/csv; charset=utf-8', stream: pages([]) };
    const chunks = async function* () {
      yield 'a,';
      yield 'b\r\n';
    };
    const result = toResult({ ...response, stream: chunks() });
    expect(isStreamed(result)).toBe(true);
    expect(result.headers['content-type']).toBe('text/csv; charset=utf-8');
    const joined = toResult(await collectStream({ ...response, stream: chunks() }));
    expect(isStreamed(joined)).toBe(false);
    expect(joined.body).toBe('a,b\r\n');
  });

  it('stop with a 413 that says what to do when joining would pass the Lambda answer limit', async () => {
    const { collectStream } = await import('#http/api.js');
    let pulled = 0;
    const endless = async function* () {
      for (;;) {
        pulled++;
        yield 'x'.repeat(1000);
      }
    };
    const joining = collectStream(
      { status: 200, contentType: 'text/csv; charset=utf-8', stream: endless() },
      { maxBytes: 10_000, hint: 'page through the messages list' },
    );
    await expect(joining).rejects.toMatchObject({
      code: 'payload_too_large',
      status: 413,
      message: expect.stringContaining('page through the messages list'),
    });
    // It stopped reading at the limit rather than building the whole answer first.
    expect(pulled).toBe(11);
  });
});

describe('who decides about streaming', () => {
  it('is the invoker: Lambda gets one body, an invoker that streams (the local server) gets chunks', async () => {
    const { api, isStreamed, streamsAnswers } = await import('#http/api.js');
    const { lambdaContext } = await import('#local/invoke.js');
    const route = testRoute('testStreamed', '/v1/test/streamed');
    const chunks = async function* () {
      yield 'a,';
      yield 'b\r\n';
    };
    const handler = api(route, () =>
      Promise.resolve({
        status: 200,
        contentType: 'text/csv; charset=utf-8',
        stream: chunks(),
        tooLargeHint: 'ask less',
      }),
    );
    const event = apiGatewayGet('/v1/test/streamed');
    const joined = await handler(event, lambdaContext('testStreamed'));
    expect(isStreamed(joined)).toBe(false);
    expect(joined.body).toBe('a,b\r\n');
    const streamed = await handler(event, streamsAnswers(lambdaContext('testStreamed')));
    expect(isStreamed(streamed)).toBe(true);
  });
});
