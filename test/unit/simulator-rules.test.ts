import { describe, expect, it } from 'vitest';
import { InboundInput, isOptOutReply } from '#core/webhooks/inbound.js';
import {
  CarrierBook,
  FAILURE_CODES,
  OVERSIZED_ANSWER_BYTES,
  answerText,
  OPT_OUT_REPLY_TEXTS,
  OTHER_REPLY_TEXTS,
  REJECT_REASONS,
  TpsLedger,
  decideMessages,
  decideReplies,
  seededRandom,
  unixSecond,
  type CarrierSettings,
} from '#local/simulators/carrier-rules.js';
import { inboundBody } from '#local/simulators/delivery-reports.js';
import { MAX_ANSWER_BYTES } from '#adapters/webhook-transport.js';

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
const settings: CarrierSettings = { tps: 10, maxBatchSize: 10, rejectRate: 0, successRate: 1, seed: 7 };
const T0 = Date.parse('2027-07-30T01:00:00.000Z');

describe('TpsLedger', () => {
  it('counts over rolling seconds, not wall-clock ones: a full second late in one and early in the next is refused', () => {
    const ledger = new TpsLedger(20);
    expect(ledger.admit(100_900, 10)).toBe(true);
    expect(ledger.admit(100_950, 10)).toBe(true);
    expect(ledger.admit(101_000, 10)).toBe(false);
    expect(ledger.admit(101_899, 10)).toBe(false);
    expect(ledger.admit(101_900, 10)).toBe(true);
    expect(ledger.arrivals).toEqual([
      [100_900, 10],
      [100_950, 10],
      [101_900, 10],
    ]);
    expect(ledger.maxInAnySecond).toBe(20);
  });

  it.each([
    {
      test: 'admits batches up to tps messages in a second and refuses the one that would go over',
      batches: [6, 4, 1],
      admitted: [true, true, false],
    },
    {
      test: 'refuses a batch that does not fit whole, leaving the room for a smaller one',
      batches: [7, 4, 3],
      admitted: [true, false, true],
    },
  ])('$test', ({ batches, admitted }) => {
    const ledger = new TpsLedger(10);
    expect(batches.map((size) => ledger.admit(100000, size))).toEqual(admitted);
    expect(ledger.perSecond).toEqual({ 100: 10 });
  });

  it('starts every second afresh and records each second exactly', () => {
    const ledger = new TpsLedger(10);
    ledger.admit(100000, 10);
    ledger.admit(101000, 3);
    ledger.admit(101000, 8);
    ledger.admit(103000, 5);
    expect(ledger.perSecond).toEqual({ 100: 10, 101: 3, 103: 5 });
    expect(ledger.maxPerSecond).toBe(10);
  });

  it('never has a second over tps however the batches come', () => {
    const ledger = new TpsLedger(25);
    const random = seededRandom(3);
    for (let i = 0; i < 5000; i++) ledger.admit(1_000_000 + i * 25, 1 + Math.floor(random() * 12));
    expect(ledger.secondsOverTps).toBe(0);
    expect(ledger.maxPerSecond).toBeLessThanOrEqual(25);
    expect(ledger.maxInAnySecond).toBeLessThanOrEqual(25);
    expect(Object.values(ledger.perSecond).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('reports nothing before the first batch', () => {
    const ledger = new TpsLedger(5);
    expect(ledger).toMatchObject({ perSecond: {}, maxPerSecond: 0, secondsOverTps: 0 });
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('decideMessages', () => {
  it('delivers about successRate of the messages and fails the rest with a known error code', () => {
    const { rejected, reports } = decideMessages(
      ids('m', 10_000),
      { rejectRate: 0, successRate: 0.9 },
      seededRandom(1),
    );
    expect(rejected).toEqual([]);
    expect(reports).toHaveLength(10_000);
    const failed = reports.filter((r) => r.status !== 'delivered');
    expect(failed.length / 10_000).toBeCloseTo(0.1, 1);
    expect(failed.every((r) => (FAILURE_CODES as readonly unknown[]).includes(r.errorCode))).toBe(true);
    // Realistic variety: expired and filtered (rejected) reports besides failed ones, several codes.
    expect(new Set(failed.map((r) => r.status))).toEqual(new Set(['failed', 'expired', 'rejected']));
    expect(new Set(failed.map((r) => r.errorCode)).size).toBe(FAILURE_CODES.length);
    expect(reports.filter((r) => r.status === 'delivered').every((r) => r.errorCode === undefined)).toBe(
      true,
    );
  });

  it('rejects about rejectRate of the messages with a reason and reports only the others', () => {
    const { rejected, reports } = decideMessages(
      ids('m', 10_000),
      { rejectRate: 0.2, successRate: 1 },
      seededRandom(2),
    );
    expect(rejected.length / 10_000).toBeCloseTo(0.2, 1);
    expect(rejected.every((r) => (REJECT_REASONS as readonly string[]).includes(r.reason))).toBe(true);
    expect(rejected.length + reports.length).toBe(10_000);
    const rejectedIds = new Set(rejected.map((r) => r.messageId));
    expect(reports.some((r) => rejectedIds.has(r.messageId))).toBe(false);
  });

  it('decides the same way for the same seed', () => {
    const rates = { rejectRate: 0.1, successRate: 0.7 };
    expect(decideMessages(ids('m', 200), rates, seededRandom(9))).toEqual(
      decideMessages(ids('m', 200), rates, seededRandom(9)),
    );
  });
});

describe('answerText', () => {
  const body = { rejected: [{ messageId: 'a-0', reason: 'blocked_recipient' }] };

  it('answers the JSON as it is in ok, and for refusals in every mode', () => {
    expect(answerText('ok', 200, body)).toBe(JSON.stringify(body));
    expect(answerText('oversized', 429, { error: { code: 'rate_limited' } })).toBe(
      '{"error":{"code":"rate_limited"}}',
    );
    expect(answerText('malformed', 500, { error: { code: 'x' } })).toBe('{"error":{"code":"x"}}');
  });

  it('oversized pads a 2xx past the 64 KiB our API reads, still JSON with the same rejected list', () => {
    const text = answerText('oversized', 200, body);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_ANSWER_BYTES);
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(OVERSIZED_ANSWER_BYTES);
    expect((JSON.parse(text) as typeof body).rejected).toEqual(body.rejected);
  });

  it('malformed cuts a 2xx short so that it is not JSON', () => {
    const text = answerText('malformed', 200, body);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text.endsWith('<html>')).toBe(true);
  });
});

describe('CarrierBook', () => {
  it('accepts a batch that fits and counts it', () => {
    const book = new CarrierBook(settings);
    const answer = book.take('wh-1', ids('a', 4), T0, 'ok');
    expect(answer).toMatchObject({ status: 200, body: { rejected: [] } });
    expect(answer.reports.map((r) => r.messageId)).toEqual(ids('a', 4));
    expect(book.counters).toMatchObject({ received: 4, accepted: 4, throttled: 0 });
    expect(book.ledger.perSecond).toEqual({ [unixSecond(T0)]: 4 });
  });

  it('answers 429 to a batch that would push this second over tps and takes none of it', () => {
    const book = new CarrierBook(settings);
    book.take('wh-1', ids('a', 8), T0, 'ok');
    const answer = book.take('wh-2', ids('b', 3), T0 + 900, 'ok');
    expect(answer).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } }, reports: [] });
    expect(book.counters).toMatchObject({ received: 11, accepted: 8, throttled: 3 });
    expect(book.ledger.perSecond).toEqual({ [unixSecond(T0)]: 8 });
  });

  it('throttle429 answers 429 to every batch, however empty the second, taking nothing; back in ok it is accepted', () => {
    const book = new CarrierBook(settings);
    const answer = book.take('wh-1', ids('a', 2), T0, 'throttle429');
    expect(answer).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } }, reports: [] });
    expect(book.counters).toMatchObject({ received: 2, accepted: 0, throttled: 2 });
    expect(book.ledger.arrivals).toEqual([]);
    expect(book.take('wh-1', ids('a', 2), T0 + 10, 'ok').status).toBe(200);
    expect(book.counters).toMatchObject({ accepted: 2, replays: 0, duplicates: 0 });
  });

  it.each(['oversized', 'malformed'] as const)('%s takes the batch as ok does', (mode) => {
    const book = new CarrierBook(settings);
    const answer = book.take('wh-1', ids('a', 3), T0, mode);
    expect(answer).toMatchObject({ status: 200, body: { rejected: [] } });
    expect(answer.reports).toHaveLength(3);
    expect(book.counters).toMatchObject({ accepted: 3 });
  });

  it('accepts the throttled batch again in the next second, under the same webhook-id', () => {
    const book = new CarrierBook(settings);
    book.take('wh-1', ids('a', 8), T0, 'ok');
    book.take('wh-2', ids('b', 3), T0, 'ok');
    expect(book.take('wh-2', ids('b', 3), T0 + 1000, 'ok').status).toBe(200);
    expect(book.counters).toMatchObject({ accepted: 11, throttled: 3, replays: 0, duplicates: 0 });
    expect(book.ledger.perSecond).toEqual({ [unixSecond(T0)]: 8, [unixSecond(T0) + 1]: 3 });
    expect(book.ledger.secondsOverTps).toBe(0);
  });

  it('answers a repeated webhook-id of an accepted batch with the same 200, as a replay, not duplicates', () => {
    const book = new CarrierBook({ ...settings, rejectRate: 0.5 });
    const first = book.take('wh-1', ids('a', 6), T0, 'ok');
    const again = book.take('wh-1', ids('a', 6), T0 + 10, 'ok');
    expect(again).toEqual({ status: 200, body: first.body, reports: [] });
    expect(book.counters).toMatchObject({ received: 12, replays: 1, duplicates: 0 });
    expect(book.counters.accepted + book.counters.rejected).toBe(6);
    expect(book.ledger.perSecond).toEqual({ [unixSecond(T0)]: 6 });
  });

  it('replays even when this second is full: a replay hands nothing over', () => {
    const book = new CarrierBook(settings);
    book.take('wh-1', ids('a', 5), T0, 'ok');
    book.take('wh-2', ids('b', 5), T0, 'ok');
    expect(book.take('wh-1', ids('a', 5), T0, 'ok').status).toBe(200);
    expect(book.counters.replays).toBe(1);
  });

  it('counts a messageId accepted before, under a new webhook-id, as a duplicate', () => {
    const book = new CarrierBook(settings);
    book.take('wh-1', ['m-1', 'm-2'], T0, 'ok');
    const answer = book.take('wh-2', ['m-2', 'm-3'], T0 + 1000, 'ok');
    expect(answer.status).toBe(200);
    expect(book.counters).toMatchObject({ accepted: 4, duplicates: 1, replays: 0 });
  });

  it('refuses a batch larger than maxBatchSize with 400, whole', () => {
    const book = new CarrierBook({ ...settings, tps: 100 });
    expect(book.take('wh-1', ids('a', 11), T0, 'ok')).toMatchObject({
      status: 400,
      body: { error: { code: 'batch_too_large' } },
    });
    expect(book.counters).toMatchObject({ received: 11, rejected: 11, accepted: 0 });
  });

  it('in mode fail500 answers 500 and takes nothing, so a retry later is a first acceptance', () => {
    const book = new CarrierBook(settings);
    expect(book.take('wh-1', ids('a', 3), T0, 'fail500').status).toBe(500);
    expect(book.take('wh-1', ids('a', 3), T0, 'ok').status).toBe(200);
    expect(book.counters).toMatchObject({ received: 6, accepted: 3, replays: 0 });
  });

  it('in mode reject400 refuses the whole batch', () => {
    const book = new CarrierBook(settings);
    expect(book.take('wh-1', ids('a', 3), T0, 'reject400')).toMatchObject({
      status: 400,
      body: { error: { code: 'batch_rejected' } },
    });
    expect(book.counters).toMatchObject({ rejected: 3, accepted: 0 });
    expect(book.ledger.perSecond).toEqual({});
  });

  it('gives the same answers and reports for the same seed, also after reset', () => {
    const run = (book: CarrierBook) =>
      [0, 1, 2].map((i) => book.take(`wh-${i}`, ids(`b${i}`, 10), T0 + i * 1000, 'ok'));
    const seeded = { ...settings, rejectRate: 0.1, successRate: 0.6 };
    const book = new CarrierBook(seeded);
    const first = run(book);
    expect(run(new CarrierBook(seeded))).toEqual(first);
    book.reset();
    expect(book.counters.accepted).toBe(0);
    expect(run(book)).toEqual(first);
  });
});

describe('reply texts', () => {
  it.each(OPT_OUT_REPLY_TEXTS)('%j is an opt-out keyword for our API', (text) => {
    expect(isOptOutReply(text)).toBe(true);
  });

  it.each(OTHER_REPLY_TEXTS)('%j is not an opt-out keyword', (text) => {
    expect(isOptOutReply(text)).toBe(false);
  });
});

describe('decideReplies', () => {
  const delivered = (count: number) =>
    ids('m', count).map((messageId, n) => ({ messageId, to: `+8498${String(n).padStart(7, '0')}` }));

  it('has about replyRate of the recipients reply, about optOutShare of them with an opt-out keyword', () => {
    const replies = decideReplies(delivered(20_000), { replyRate: 0.1, optOutShare: 0.3 }, seededRandom(4));
    expect(replies.length / 20_000).toBeCloseTo(0.1, 1);
    const optOuts = replies.filter((r) => r.optOut);
    expect(optOuts.length / replies.length).toBeGreaterThan(0.25);
    expect(optOuts.length / replies.length).toBeLessThan(0.35);
    expect(replies.every((r) => r.optOut === isOptOutReply(r.text))).toBe(true);
    expect(new Set(optOuts.map((r) => r.text)).size).toBe(OPT_OUT_REPLY_TEXTS.length);
    expect(new Set(replies.filter((r) => !r.optOut).map((r) => r.text)).size).toBe(OTHER_REPLY_TEXTS.length);
  });

  it('answers each message from its recipient’s phone, in the order given', () => {
    const messages = delivered(50);
    const replies = decideReplies(messages, { replyRate: 1, optOutShare: 0 }, seededRandom(1));
    expect(replies.map(({ messageId, from }) => ({ messageId, to: from }))).toEqual(messages);
    expect(replies.every((r) => !r.optOut && (OTHER_REPLY_TEXTS as readonly string[]).includes(r.text))).toBe(
      true,
    );
    const optingOut = decideReplies(messages, { replyRate: 1, optOutShare: 1 }, seededRandom(1));
    expect(optingOut.every((r) => r.optOut && isOptOutReply(r.text))).toBe(true);
  });

  it('replies nothing, and draws no random number, at replyRate 0', () => {
    const random = () => {
      throw new Error('drawn');
    };
    expect(decideReplies(delivered(10), { replyRate: 0, optOutShare: 0.3 }, random)).toEqual([]);
  });

  it('decides the same way for the same seed', () => {
    const rates = { replyRate: 0.2, optOutShare: 0.5 };
    const first = decideReplies(delivered(500), rates, seededRandom(11));
    expect(first.length).toBeGreaterThan(0);
    expect(decideReplies(delivered(500), rates, seededRandom(11))).toEqual(first);
  });
});

describe('inboundBody', () => {
  it('posts only id, from, text and at: a body our inbound webhook accepts', () => {
    const at = new Date(T0).toISOString();
    const body = inboundBody([
      { id: 'in_1', messageId: 'm-1', from: '+84981234567', text: 'Từ chối', optOut: true, at },
    ]);
    expect(body).toEqual({ messages: [{ id: 'in_1', from: '+84981234567', text: 'Từ chối', at }] });
    expect(InboundInput.safeParse(body).success).toBe(true);
  });
});
