import { Webhook } from 'standardwebhooks';
import type { Carrier } from '#core/carriers.js';
import type { Inbound } from '#core/webhooks/inbound.js';
import { describe, expect, it } from 'vitest';
import type { BatchMessage } from '#core/dispatch/batch.js';
import {
  applyBatchReports,
  applyReport,
  groupReports,
  latestPerPhone,
  mergeSettle,
  wasHandedTo,
  type DeliveryReport,
} from '#core/webhooks/delivery-reports.js';
import { isOptOutReply, keywordForm } from '#core/webhooks/inbound.js';
import { batchesHolding, recipientBuckets } from '#core/webhooks/recipients.js';
import { inParallel } from '#core/concurrency.js';
import type { Batch } from '#core/dispatch/batch.js';
import type { BatchRef } from '#core/dispatch/ports.js';
import {
  campaignsAnswered,
  ingestInbound,
  oncePerWebhookId,
  type RecipientIndexItem,
  type StoredAnswer,
  type WebhookDelivery,
} from '#core/webhooks/service.js';
import { verifyPartnerSignature } from '#core/webhooks/signature.js';

const T0 = '2027-07-30T01:00:00.000Z';
const T1 = '2027-07-30T01:00:05.000Z';
const T2 = '2027-07-30T01:00:09.000Z';

const message = (overrides: Partial<BatchMessage> = {}): BatchMessage => ({
  index: 0,
  to: '+84981234567',
  carrier: 'viettel',
  state: 'pending',
  at: T0,
  sentAt: T0,
  ...overrides,
});

const report = (status: DeliveryReport['status'], at: string, extra: Partial<DeliveryReport> = {}) => ({
  messageId: 'c1.0.0',
  status,
  at,
  ...extra,
});

describe('a delivery report applied to a message', () => {
  it('moves a pending message to delivered at the report’s time, keeping when it was sent', () => {
    expect(applyReport(message(), report('delivered', '2027-07-30T08:00:05+07:00'))).toEqual(
      message({ state: 'delivered', at: T1 }),
    );
  });

  it.each([
    ['failed', undefined, 'other'],
    ['failed', 'ABSENT_SUBSCRIBER', 'unreachable: ABSENT_SUBSCRIBER'],
    ['failed', 'SMSC_42', 'other: SMSC_42'],
    ['expired', undefined, 'expired'],
    ['rejected', 'SPAM', 'blocked: SPAM'],
  ] as const)('fails a message reported %s (code %s) with reason %s', (status, errorCode, reason) => {
    const next = applyReport(message(), report(status, T1, errorCode ? { errorCode } : {}));
    expect(next).toEqual(message({ state: 'failed', reason, at: T1 }));
  });

  it('keeps the first final report: delivered then failed stays delivered, and the reverse', () => {
    const delivered = applyReport(message(), report('delivered', T1));
    expect(applyReport(delivered, report('failed', T2))).toBe(delivered);
    const failed = applyReport(message(), report('expired', T1));
    expect(applyReport(failed, report('delivered', T2))).toBe(failed);
  });

  it('lets a partner’s final report replace our own give-up (partner_unavailable: the partner took it after all)', () => {
    const givenUp = message({
      state: 'failed',
      reason: 'partner_unavailable: timeout after 1000 ms',
      at: T1,
    });
    expect(applyReport(givenUp, report('delivered', T2))).toEqual(message({ state: 'delivered', at: T2 }));
    expect(applyReport(givenUp, report('failed', T2, { errorCode: 'ABSENT_SUBSCRIBER' }))).toEqual(
      message({ state: 'failed', reason: 'unreachable: ABSENT_SUBSCRIBER', at: T2 }),
    );
    // A non-final report never overrides a final state (contract §8): it only tells when it was sent.
    const unsent = message({ ...givenUp, sentAt: undefined });
    expect(applyReport(unsent, report('accepted', T2))).toEqual({ ...unsent, sentAt: T2 });
    // Once the partner has spoken, its first final report wins as always.
    const delivered = applyReport(givenUp, report('delivered', T2));
    expect(applyReport(delivered, report('failed', T2))).toBe(delivered);
  });

  it('never lets a late accepted override a final state (out of order)', () => {
    const delivered = applyReport(message(), report('delivered', T2));
    expect(applyReport(delivered, report('accepted', T1))).toBe(delivered);
  });

  it('changes nothing on a repeated report (same object back, so nothing is written)', () => {
    const delivered = applyReport(message(), report('delivered', T1));
    expect(applyReport(delivered, report('delivered', T1))).toBe(delivered);
    const pending = message();
    expect(applyReport(pending, report('accepted', T1))).toBe(pending);
  });

  it('moves a queued message to pending on accepted and records when it was sent', () => {
    const queued = message({ state: 'queued', at: undefined, sentAt: undefined });
    expect(applyReport(queued, report('accepted', T1))).toMatchObject({
      state: 'pending',
      at: T1,
      sentAt: T1,
    });
  });

  it('gives a message without `sentAt` its sent time from any report: the partner obviously took it', () => {
    const queued = message({ state: 'queued', sentAt: undefined });
    expect(applyReport(queued, report('delivered', T1))).toMatchObject({ state: 'delivered', sentAt: T1 });
    const failedUnsent = message({ state: 'failed', reason: 'rejected', sentAt: undefined });
    expect(applyReport(failedUnsent, report('delivered', T2))).toEqual({ ...failedUnsent, sentAt: T2 });
  });

  it('drops an earlier failure reason when a message is delivered', () => {
    const next = applyReport(message({ state: 'queued', reason: 'x' }), report('delivered', T1));
    expect(next).not.toHaveProperty('reason');
  });
});

describe('reports grouped by batch', () => {
  it('groups by campaign and sequence in arrival order and counts malformed ids apart', () => {
    const { batches, malformed } = groupReports([
      report('delivered', T1, { messageId: 'c1.3.0' }),
      report('delivered', T1, { messageId: 'c2.3.1' }),
      report('failed', T1, { messageId: 'c1.3.4' }),
      report('failed', T1, { messageId: 'not an id' }),
      report('failed', T1, { messageId: 'c1.3' }),
    ]);
    expect(malformed).toBe(2);
    expect(batches.map((b) => [b.campaignId, b.seq, b.reports.map((r) => r.index)])).toEqual([
      ['c1', 3, [0, 4]],
      ['c2', 3, [1]],
    ]);
  });
});

describe('a batch’s reports', () => {
  // Handed to p1, which timed out, then failed over to p2, which took it; `star` (`*`) is next on the route.
  const batch = {
    partnerId: 'p2',
    routes: ['p1', 'p2', 'star'],
    status: 'pending' as const,
    handedTo: ['p1', 'p2'],
    messages: [message(), message({ index: 1, to: '+84981234568' })],
  };

  it('ignores every report about a batch that does not exist or was never routed to the partner', () => {
    const reports = [{ index: 0, report: report('delivered', T1) }];
    const none = { processed: 0, byStatus: {}, ignored: 1, ported: [] };
    expect(applyBatchReports(undefined, 'p1', reports)).toEqual(none);
    expect(applyBatchReports(batch, 'p3', reports)).toEqual(none);
  });

  it('ignores the reports, and the carrier, of a partner on the route that was never handed the batch', () => {
    const reports = [{ index: 0, report: report('failed', T1, { carrier: 'mobifone' }) }];
    expect(applyBatchReports(batch, 'star', reports)).toEqual({
      processed: 0,
      byStatus: {},
      ignored: 1,
      ported: [],
    });
    // Still queued for p2 after p1 failed: p2 has not been handed it yet.
    const queuedForP2 = { ...batch, status: 'queued' as const, handedTo: ['p1'] };
    expect(applyBatchReports(queuedForP2, 'p2', reports).ignored).toBe(1);
    expect(applyBatchReports(queuedForP2, 'p1', reports).processed).toBe(1);
  });

  it('accepts the partner the batch is being handed to now (its report may beat our settle)', () => {
    const handing = { ...batch, partnerId: 'star', status: 'handing' as const };
    const reports = [{ index: 0, report: report('delivered', T1) }];
    expect(applyBatchReports(handing, 'star', reports).processed).toBe(1);
    expect(wasHandedTo({ ...handing, status: 'queued' }, 'star')).toBe(false);
  });

  it('treats a batch settled before hand-overs were recorded as handed to its partner only', () => {
    const legacy = { partnerId: 'p1', status: 'pending' as const };
    expect(wasHandedTo(legacy, 'p1')).toBe(true);
    expect(wasHandedTo(legacy, 'p2')).toBe(false);
    expect(wasHandedTo({ ...legacy, status: 'queued' }, 'p1')).toBe(false);
  });

  it('ignores a report about an index the batch does not have, and applies the others in order', () => {
    const applied = applyBatchReports(batch, 'p2', [
      { index: 1, report: report('delivered', T1) },
      { index: 1, report: report('failed', T2) },
      { index: 7, report: report('delivered', T1) },
    ]);
    expect(applied.processed).toBe(2);
    expect(applied.byStatus).toEqual({ delivered: 1, failed: 1 });
    expect(applied.ignored).toBe(1);
    expect(applied.messages?.[1]).toMatchObject({ state: 'delivered', at: T1 });
    expect(applied.messages?.[0]).toBe(batch.messages[0]);
  });

  it('answers no messages to write when no report changed anything', () => {
    const applied = applyBatchReports(batch, 'p1', [{ index: 0, report: report('accepted', T1) }]);
    expect(applied).toEqual({ processed: 1, byStatus: { accepted: 1 }, ignored: 0, ported: [] });
  });

  it('notes the carrier a report corrects (number portability), once per phone', () => {
    const applied = applyBatchReports(batch, 'p1', [
      { index: 0, report: report('accepted', T1, { carrier: 'mobifone' }) },
      { index: 0, report: report('delivered', T2, { carrier: 'mobifone' }) },
      { index: 1, report: report('delivered', T2, { carrier: 'viettel' }) },
    ]);
    expect(applied.ported).toEqual([{ phone: '+84981234567', carrier: 'mobifone', at: T2 }]);
  });

  it('keeps per ported phone the report with the latest time, whatever order they came in', () => {
    expect(
      latestPerPhone([
        { phone: '+84981234567', carrier: 'vinaphone', at: T2 },
        { phone: '+84981234567', carrier: 'mobifone', at: T1 },
        { phone: '+84900000067', carrier: 'viettel', at: T0 },
      ]),
    ).toEqual([
      { phone: '+84981234567', carrier: 'vinaphone', at: T2 },
      { phone: '+84900000067', carrier: 'viettel', at: T0 },
    ]);
  });
});

describe('a settle that a delivery report got ahead of', () => {
  const claimed = [
    message({ index: 0, state: 'queued', sentAt: undefined, at: undefined }),
    message({ index: 1, state: 'queued', sentAt: undefined, at: undefined }),
    message({ index: 2, state: 'queued', sentAt: undefined, at: undefined }),
  ];
  const settled = [
    message({ index: 0, state: 'pending', at: T0, sentAt: T0 }),
    message({ index: 1, state: 'pending', at: T0, sentAt: T0 }),
    message({ index: 2, state: 'failed', reason: 'rejected: blocked_recipient', at: T0, sentAt: undefined }),
  ];

  it('keeps what the report said for the messages it moved and takes the settle for the rest', () => {
    const current = [
      message({ index: 0, state: 'delivered', at: T1, sentAt: T1 }),
      claimed[1] as BatchMessage,
      claimed[2] as BatchMessage,
    ];
    expect(mergeSettle(claimed, current, settled)).toEqual([current[0], settled[1], settled[2]]);
  });

  it('gives a moved message the settle’s `sentAt` when the report left it without one', () => {
    const current = [
      { ...(claimed[0] as BatchMessage), state: 'failed' as const, reason: 'expired', at: T1 },
    ];
    expect(mergeSettle(claimed.slice(0, 1), current, settled.slice(0, 1))).toEqual([
      { ...current[0], sentAt: T0 },
    ]);
  });

  it('keeps a report’s state even where the settle says the partner refused the message', () => {
    const current = [claimed[0], claimed[1], message({ index: 2, state: 'delivered', at: T1, sentAt: T1 })];
    expect(mergeSettle(claimed, current as BatchMessage[], settled)[2]).toEqual(current[2]);
  });
});

describe('opt-out keywords', () => {
  it.each([
    'TU CHOI',
    'TUCHOI',
    'TC',
    'HUY',
    'DUNG',
    'STOP',
    'Từ chối',
    'tu  choi',
    'Dừng',
    'HỦY',
    'stop!',
    ' t.c ',
    'Từ Chối.',
    'dung',
  ])('%j opts out', (text) => expect(isOptOutReply(text)).toBe(true));

  it.each(['', 'Cảm ơn', 'TU CHOI NHAN TIN KHAC', 'STOPP', 'tôi không từ chối', 'DUNGX', '111'])(
    '%j does not',
    (text) => expect(isOptOutReply(text)).toBe(false),
  );

  it('drops accents (including đ), case, spaces and punctuation', () => {
    expect(keywordForm('Đừng, gửi nữa!')).toBe('DUNGGUINUA');
    expect(keywordForm('Từ\u0301 chối')).toBe('TUCHOI');
  });
});

describe('the recipient index', () => {
  it('buckets phones by their last two digits with the batch that holds them', () => {
    const buckets = recipientBuckets([
      { seq: 4, messages: [message({ to: '+84981234567' }), message({ to: '+84981234512' })] },
      { seq: 5, messages: [message({ to: '+84900000067' })] },
    ]);
    expect(Object.fromEntries(buckets)).toEqual({
      '67': ['+84981234567:4', '+84900000067:5'],
      '12': ['+84981234512:4'],
    });
  });

  it('finds the batches of one phone, not of phones it is a prefix of', () => {
    expect(
      batchesHolding('c1', ['+8498123456:1', '+84981234567:2', '+849812345670:3'], '+84981234567'),
    ).toEqual([{ campaignId: 'c1', seq: 2 }]);
  });
});

describe('the campaign a reply answers', () => {
  const NOW = new Date('2027-08-05T00:00:00.000Z');
  const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3600_000).toISOString();
  const PHONE = '+84981234567';
  const OTHER = '+84900000067';
  // Every batch here was handed to p1.
  const batch = (campaignId: string, seq: number, messages: BatchMessage[]) =>
    ({ campaignId, seq, messages, partnerId: 'p1', status: 'pending', handedTo: ['p1'] }) as unknown as Batch;
  /** Index items of bucket 67, oldest first (the lookup must not rely on their order). */
  const items: RecipientIndexItem[] = [
    { campaignId: 'old', materializedAt: daysAgo(8), entries: [`${PHONE}:0`, `${OTHER}:0`] },
    { campaignId: 'c1', materializedAt: daysAgo(3), entries: [`${PHONE}:0`, `${OTHER}:0`] },
    { campaignId: 'c2', materializedAt: daysAgo(1), entries: [`${PHONE}:1`, `${OTHER}:1`] },
  ];
  const batches = [
    batch('old', 0, [message({ to: PHONE }), message({ index: 1, to: OTHER })]),
    batch('c1', 0, [message({ to: PHONE }), message({ index: 1, to: OTHER })]),
    // c2's message to OTHER was never taken by a partner.
    batch('c2', 1, [
      message({ to: PHONE }),
      message({ index: 1, to: OTHER, state: 'queued', sentAt: undefined }),
    ]),
  ];
  const noPorted = {
    upsert: () => Promise.resolve(),
    all: () => Promise.resolve(new Map<string, Carrier>()),
  };
  const fakes = () => {
    const queried: string[] = [];
    const reads: BatchRef[][] = [];
    return {
      queried,
      reads,
      deps: {
        recipients: {
          itemsOf: (bucket: string) => {
            queried.push(bucket);
            return Promise.resolve(bucket === '67' ? items : []);
          },
        },
        batches: {
          read: (refs: readonly BatchRef[]) => {
            reads.push([...refs]);
            const found = batches.filter((b) =>
              refs.some((r) => r.campaignId === b.campaignId && r.seq === b.seq),
            );
            return Promise.resolve(new Map(found.map((b) => [`${b.campaignId}.${b.seq}`, b])));
          },
          writeMessages: () => Promise.resolve(true),
        },
      },
    };
  };

  it('is the latest campaign in the window whose message to the phone a partner accepted', async () => {
    const { deps, queried, reads } = fakes();
    const answered = await campaignsAnswered(deps, [PHONE, OTHER, PHONE, '+84900000011'], NOW);
    // PHONE: c2 is the latest. OTHER: c2's message has no `sentAt`, so c1 (never `old`, 8 days ago).
    expect(Object.fromEntries(answered)).toEqual({ [PHONE]: 'c2', [OTHER]: 'c1' });
    // One query per bucket; the newest candidates read together, then OTHER's next campaign.
    expect(queried.sort()).toEqual(['11', '67']);
    expect(reads).toEqual([[{ campaignId: 'c2', seq: 1 }], [{ campaignId: 'c1', seq: 0 }]]);
  });

  it('opts a phone out only for a partner of its carrier, or one it was handed to in the last 7 days', async () => {
    const { deps } = fakes();
    const run = async (
      partnerId: string,
      carriers: (Carrier | '*')[],
      ported = new Map<string, Carrier>(),
    ) => {
      const optedOut: string[] = [];
      const recorded: Inbound[] = [];
      const answer = await ingestInbound(
        {
          ...deps,
          inbound: {
            record: (inbound) => Promise.resolve(recorded.push(inbound) > 0),
            replies: () => Promise.resolve({ items: [], nextCursor: null }),
          },
          optOuts: {
            add: (o) =>
              Promise.resolve({ created: optedOut.push(o.phone) > 0, optOut: { ...o, reason: '' } }),
          },
          partners: { carriersOf: () => Promise.resolve(carriers) },
          ported: { ...noPorted, carriersOf: () => Promise.resolve(ported) },
          observe: () => undefined,
          now: () => NOW,
        },
        partnerId,
        [
          // PHONE is Viettel (098); OTHER is MobiFone (090), and its message in c1/c2 went to p1.
          { id: 'v', from: PHONE, text: 'Từ chối', at: NOW.toISOString() },
          { id: 'm', from: OTHER, text: 'STOP', at: NOW.toISOString() },
          { id: 'x', from: '12345', text: 'HUY', at: NOW.toISOString() },
        ],
      );
      return { answer, optedOut: optedOut.sort(), recorded };
    };

    // p2 serves Viettel only and was never handed OTHER: the reply is kept, the opt-out refused.
    const viettelOnly = await run('p2', ['viettel']);
    expect(viettelOnly.optedOut).toEqual([PHONE]);
    expect(viettelOnly.answer).toMatchObject({ processed: 3, optOuts: 1 });
    expect(viettelOnly.answer.optOutsRefused).toEqual([
      {
        id: 'm',
        reason: expect.stringMatching(/^a mobifone number: not on this partner's carriers \(viettel\)/),
      },
      { id: 'x', reason: 'from is not a Vietnamese mobile number' },
    ]);
    expect(viettelOnly.recorded.find((r) => r.id === 'm')).toMatchObject({
      optOut: false,
      campaignId: 'c1',
      optOutRefused: expect.stringContaining('mobifone'),
    });
    // p1 was handed OTHER's message; a `*` partner serves every carrier; a ported number counts by its new carrier.
    expect((await run('p1', ['viettel'])).optedOut).toEqual([OTHER, PHONE].sort());
    expect((await run('p3', ['*'])).optedOut).toEqual([OTHER, PHONE].sort());
    expect((await run('p2', ['viettel'], new Map([[OTHER, 'viettel']]))).optedOut).toEqual(
      [OTHER, PHONE].sort(),
    );
    expect((await run('p2', ['mobifone'])).optedOut).toEqual([OTHER]);
  });

  it('ignores index items outside the 7-day window', async () => {
    const { deps } = fakes();
    // Two days later c1 is 5 days old (still in), `old` 10 (out, though its message was accepted).
    const in2Days = new Date(NOW.getTime() + 2 * 24 * 3600_000);
    expect((await campaignsAnswered(deps, [OTHER], in2Days)).get(OTHER)).toBe('c1');
    // Five days later c1 is 8 days old too: OTHER answers nothing (c2 never sent to it).
    const in5Days = new Date(NOW.getTime() + 5 * 24 * 3600_000);
    expect(Object.fromEntries(await campaignsAnswered(deps, [PHONE, OTHER], in5Days))).toEqual({
      [PHONE]: 'c2',
    });
  });

  it('records each inbound message as a reply of its campaign, querying each bucket once', async () => {
    const { deps, queried } = fakes();
    const recorded: { id: string; campaignId?: string }[] = [];
    const seen = new Set<string>();
    const result = await ingestInbound(
      {
        ...deps,
        inbound: {
          record: (inbound) => {
            if (seen.has(inbound.id)) return Promise.resolve(false);
            seen.add(inbound.id);
            recorded.push({ id: inbound.id, campaignId: inbound.campaignId });
            return Promise.resolve(true);
          },
          replies: () => Promise.resolve({ items: [], nextCursor: null }),
        },
        optOuts: { add: () => Promise.reject(new Error('no opt-out expected')) },
        partners: { carriersOf: () => Promise.resolve(['viettel' as const]) },
        ported: { ...noPorted, carriersOf: () => Promise.resolve(new Map()) },
        observe: () => undefined,
        now: () => NOW,
      },
      'p1',
      [
        { id: 'a', from: PHONE, text: 'ok', at: NOW.toISOString() },
        { id: 'b', from: OTHER, text: 'ok', at: NOW.toISOString() },
        { id: 'a', from: PHONE, text: 'ok', at: NOW.toISOString() },
      ],
    );
    expect(result).toEqual({ processed: 2, duplicates: 1, optOuts: 0, optOutsRefused: [] });
    expect(recorded.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', campaignId: 'c2' },
      { id: 'b', campaignId: 'c1' },
    ]);
    expect(queried).toEqual(['67']);
  });
});

describe('webhook-id replays', () => {
  const memory = () => {
    const stored = new Map<string, StoredAnswer>();
    const key = (d: WebhookDelivery) => `${d.partnerId} ${d.endpoint} ${d.webhookId}`;
    return {
      stored,
      get: async (d: WebhookDelivery) => stored.get(key(d)),
      put: async (d: WebhookDelivery, answer: StoredAnswer) => {
        const first = stored.get(key(d));
        if (!first) stored.set(key(d), answer);
        return first;
      },
    };
  };
  const delivery = { partnerId: 'p1', endpoint: 'receiveDeliveryReports', webhookId: 'w1' };

  it('answers the first answer again and does no work the second time', async () => {
    const receipts = memory();
    let runs = 0;
    const work = async () => ({ status: 200, body: { processed: ++runs } });
    const first = await oncePerWebhookId(receipts, delivery, () => new Date(), work);
    const again = await oncePerWebhookId(receipts, delivery, () => new Date(), work);
    expect(first).toEqual({ status: 200, body: { processed: 1 }, replayed: false });
    expect(again).toEqual({ status: 200, body: { processed: 1 }, replayed: true });
    expect(runs).toBe(1);
  });

  it('records nothing when the work fails, so the partner’s retry does it', async () => {
    const receipts = memory();
    await expect(
      oncePerWebhookId(
        receipts,
        delivery,
        () => new Date(),
        () => Promise.reject(new Error('crash')),
      ),
    ).rejects.toThrow('crash');
    expect(receipts.stored.size).toBe(0);
  });

  it('keeps the same webhook-id on another endpoint apart', async () => {
    const receipts = memory();
    let runs = 0;
    const work = async () => ({ status: 200, body: { processed: ++runs } });
    await oncePerWebhookId(receipts, delivery, () => new Date(), work);
    const inbound = await oncePerWebhookId(
      receipts,
      { ...delivery, endpoint: 'receiveInbound' },
      () => new Date(),
      work,
    );
    expect(inbound).toEqual({ status: 200, body: { processed: 2 }, replayed: false });
  });

  it('answers the first answer to a retry that raced it, whose work was done twice', async () => {
    const receipts = memory();
    let runs = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((done) => (release = done));
    const slow = async () => {
      const run = ++runs;
      if (run === 1) await gate;
      return { status: 200, body: { processed: run } };
    };
    const first = oncePerWebhookId(receipts, delivery, () => new Date(), slow);
    const retry = await oncePerWebhookId(receipts, delivery, () => new Date(), slow);
    release();
    // The retry finished first, so its answer stands; the first run learns it was the replay.
    expect(retry).toEqual({ status: 200, body: { processed: 2 }, replayed: false });
    expect(await first).toEqual({ status: 200, body: { processed: 2 }, replayed: true });
  });
});

describe('bounded parallelism', () => {
  it('never runs more than the limit at once and runs every item', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel([...Array(20).keys()], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });
});

describe('partner signatures', () => {
  const secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
  const older = `whsec_${Buffer.from('o'.repeat(32)).toString('base64')}`;
  const now = new Date();
  const signed = (key: string, body: string, at = now) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign('msg_1', at, body),
  });

  it('accepts the current secret and one retired less than 24 h ago', () => {
    const partner = {
      secrets: [{ secret }, { secret: older, validUntil: new Date(now.getTime() + 3600_000).toISOString() }],
    };
    expect(() => verifyPartnerSignature(partner, '{}', signed(secret, '{}'), now)).not.toThrow();
    expect(() => verifyPartnerSignature(partner, '{}', signed(older, '{}'), now)).not.toThrow();
  });

  it.each([
    [
      'a retired secret past its 24 h',
      { secrets: [{ secret }, { secret: older, validUntil: '2000-01-01T00:00:00Z' }] },
      older,
      '{}',
    ],
    ['another body', { secrets: [{ secret }] }, secret, '{"x":1}'],
    ['an unknown partner', undefined, secret, '{}'],
  ])('refuses %s with invalid_signature', (_what, partner, key, body) => {
    expect(() => verifyPartnerSignature(partner, '{}', signed(key, body), now)).toThrow(
      expect.objectContaining({ code: 'invalid_signature', status: 401 }),
    );
  });

  it('refuses a timestamp more than 5 minutes off, and missing headers', () => {
    const partner = { secrets: [{ secret }] };
    const stale = new Date(now.getTime() - 6 * 60_000);
    expect(() => verifyPartnerSignature(partner, '{}', signed(secret, '{}', stale), now)).toThrow(
      expect.objectContaining({ code: 'invalid_signature' }),
    );
    expect(() => verifyPartnerSignature(partner, '{}', {}, now)).toThrow(
      expect.objectContaining({ code: 'invalid_signature' }),
    );
  });
});
