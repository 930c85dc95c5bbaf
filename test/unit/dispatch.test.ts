import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookTransport, type Resolver } from '#adapters/webhook-transport.js';
import type { Campaign } from '#core/campaign.js';
import {
  batchSizeFor,
  parseMessageId,
  planBatches,
  messageId,
  type Batch,
  type BatchMessage,
} from '#core/dispatch/batch.js';
import { dispatchBatch, type DispatchDeps } from '#core/dispatch/dispatcher.js';
import { backoffMs, classifyAnswer, parseRetryAfter } from '#core/dispatch/outcome.js';
import {
  crowdedBy,
  LATE_TOLERANCE_MS,
  PACING_WINDOW_MS,
  RESERVE_HORIZON_MS,
  recordLateSend,
  RECENT_ANSWERS,
  STEADY_ANSWERS,
  withAnswer,
  reserve,
  shareOf,
  type Reservation,
} from '#core/dispatch/pacing.js';
import {
  OutcomeTooLargeError,
  type BatchRef,
  type BatchStore,
  type HandOverRequest,
  type PartnerTransport,
} from '#core/dispatch/ports.js';
import {
  sharedRateLimiter,
  YIELD_TO_LARGER_MS,
  type RateLogStore,
  type StoredRateLog,
} from '#core/dispatch/rate-limiter.js';
import type { Partner } from '#core/partner.js';
import { busiestWindow } from '#local/simulators/carrier-rules.js';
import { queuedBatch, sendingCampaign, storedPartner as partner } from './fixtures.js';

describe('batch planning', () => {
  it.each([
    [200, 100, 100],
    [150, 100, 75],
    [50, 100, 50],
    [1000, 100, 100],
    [7, 100, 7],
    [1, 100, 1],
    // Rounded down so whole batches fill the second: 3 + 3 of 7, not 4 and then a window with no room.
    [7, 5, 3],
    [20, 9, 6],
  ])('sizes batches for tps %i and max %i as %i', (tps, max, size) => {
    expect(batchSizeFor(tps, max)).toBe(size);
  });

  it('groups by failover route, keeps batch size, lists the routes and leaves unroutable phones out', () => {
    const recipients = [
      ...Array.from({ length: 5 }, (_, i) => ({ phone: `+8498100000${i}`, carrier: 'viettel' as const })),
      { phone: '+84911000001', carrier: 'vinaphone' as const },
      { phone: '+84551000001', carrier: 'reddi' as const },
    ];
    const viettel = [
      { id: 'v', maxBatchSize: 2, tps: 10 },
      { id: 'any', maxBatchSize: 100, tps: 50 },
    ];
    const routes = { viettel, vinaphone: [{ id: 'n', maxBatchSize: 100, tps: 10 }] };
    const { batches, unroutable } = planBatches(
      recipients,
      (carrier) => routes[carrier as keyof typeof routes] ?? [],
    );
    expect(batches.map((b) => [b.partnerId, b.routes, b.recipients.length])).toEqual([
      ['n', ['n'], 1],
      ['v', ['v', 'any'], 2],
      ['v', ['v', 'any'], 2],
      ['v', ['v', 'any'], 1],
    ]);
    expect(unroutable.map((r) => r.phone)).toEqual(['+84551000001']);
  });

  it('fills batches across carriers that share a route, so a "*" partner gets full batches', () => {
    const carriers = ['viettel', 'vinaphone', 'mobifone', 'itel'] as const;
    const recipients = Array.from({ length: 10 }, (_, i) => ({
      phone: `+8498100001${i}`,
      carrier: carriers[i % 4] ?? 'viettel',
    }));
    const { batches } = planBatches(recipients, () => [{ id: 'any', maxBatchSize: 100, tps: 5 }]);
    expect(batches.map((b) => b.recipients.length)).toEqual([5, 5]);
    expect(new Set(batches[0]?.recipients.map((r) => r.carrier)).size).toBeGreaterThan(1);
  });

  it('round-trips message ids and refuses foreign ones', () => {
    expect(parseMessageId(messageId('01JCAMPAIGN', 12, 99))).toEqual({
      campaignId: '01JCAMPAIGN',
      seq: 12,
      index: 99,
    });
    expect(parseMessageId('nope')).toBeUndefined();
    expect(parseMessageId('a.b.c')).toBeUndefined();
  });
});

describe('partner answers', () => {
  const now = new Date('2027-07-30T01:00:00Z');
  it.each([
    [{ status: 200, body: {} }, 'accepted'],
    [{ status: 202 }, 'accepted'],
    [{ status: 429, retryAfter: '2' }, 'retry'],
    [{ status: 500 }, 'retry'],
    [{ status: 503 }, 'retry'],
    [{ status: 408 }, 'retry'],
    [{ error: 'timeout after 10000 ms' }, 'retry'],
    [{ status: 400 }, 'refused'],
    [{ status: 401 }, 'refused'],
    [{ status: 404 }, 'refused'],
  ])('classifies %o as %s', (answer, kind) => {
    expect(classifyAnswer(answer, now).kind).toBe(kind);
  });

  it('honours Retry-After in seconds and as a date, and keeps per-message rejections', () => {
    expect(classifyAnswer({ status: 429, retryAfter: '3' }, now)).toEqual({
      kind: 'retry',
      reason: 'throttled (429)',
      retryAfterMs: 3000,
    });
    expect(parseRetryAfter(new Date(now.getTime() + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(
      classifyAnswer(
        { status: 200, body: { rejected: [{ messageId: 'c.0.1', reason: 'blacklisted' }, { bogus: 1 }] } },
        now,
      ),
    ).toEqual({
      kind: 'accepted',
      rejected: [{ messageId: 'c.0.1', reason: 'blacklisted' }],
    });
  });

  it('backs off exponentially with jitter, capped, and lets Retry-After win', () => {
    expect(backoffMs(1, () => 0)).toBe(250);
    expect(backoffMs(1, () => 1)).toBe(500);
    expect(backoffMs(4, () => 1)).toBe(4000);
    expect(backoffMs(20, () => 1)).toBe(30_000);
    expect(backoffMs(3, () => 0, 2000)).toBe(2000);
  });
});

/** An in-memory batch store with the same conditional rules as the DynamoDB one. */
const memoryStore = (initial: Batch[]) => {
  const batches = new Map(initial.map((b) => [`${b.campaignId}.${b.seq}`, structuredClone(b)]));
  const key = (ref: BatchRef) => `${ref.campaignId}.${ref.seq}`;
  const store: BatchStore = {
    putBatches: async (list) => list.forEach((b) => batches.set(key(b), structuredClone(b))),
    putNewBatches: async (list) => {
      const added = list.findIndex((b) => batches.has(key(b)));
      const fresh = added < 0 ? list : list.slice(0, added);
      fresh.forEach((b) => batches.set(key(b), structuredClone(b)));
      return fresh.length;
    },
    get: async (ref) => structuredClone(batches.get(key(ref))),
    claim: async (ref, now, leaseMs) => {
      const b = batches.get(key(ref));
      if (!b) return undefined;
      const claimable =
        (b.status === 'queued' && b.availableAt <= now.toISOString()) ||
        (b.status === 'handing' && (b.leaseUntil ?? '') < now.toISOString());
      if (!claimable) return undefined;
      Object.assign(b, { status: 'handing', leaseUntil: new Date(now.getTime() + leaseMs).toISOString() });
      return structuredClone(b);
    },
    settle: async (batch, status, messages, _now, _charge, handedTo) => {
      const b = batches.get(key(batch));
      if (!b || b.status !== 'handing' || b.leaseUntil !== batch.leaseUntil) return false;
      Object.assign(b, { status, messages });
      if (handedTo) b.handedTo = [...new Set([...(b.handedTo ?? []), handedTo])].sort();
      delete b.leaseUntil;
      return true;
    },
    release: async (batch, next) => {
      const b = batches.get(key(batch));
      if (!b || b.status !== 'handing' || b.leaseUntil !== batch.leaseUntil) return false;
      Object.assign(b, {
        status: 'queued',
        partnerId: next.partnerId,
        attempt: next.attempt,
        availableAt: next.availableAt.toISOString(),
      });
      if (next.handedTo) b.handedTo = [...new Set([...(b.handedTo ?? []), next.handedTo])].sort();
      delete b.leaseUntil;
      return true;
    },
    due: async () => [],
    listBatches: async function* () {
      yield [...batches.values()];
    },
  };
  return { store, batches };
};

const campaign = (extra: Partial<Campaign> = {}): Campaign =>
  sendingCampaign({ message: 'Gọi 111. {{link:https://bocongan.gov.vn/111}}', ...extra });

const messages = (n: number): BatchMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    index: i,
    to: `+8498100000${i}`,
    carrier: 'viettel',
    state: 'queued',
    code: `code${i}`,
  }));

const batch = (extra: Partial<Batch> = {}): Batch =>
  queuedBatch(messages(3), {
    routes: ['p1', 'p2'],
    availableAt: '2027-07-30T00:00:00.000Z',
    createdAt: '',
    updatedAt: '',
    ...extra,
  });

const setup = (
  answers: Awaited<ReturnType<PartnerTransport['send']>>[],
  options: { campaign?: Campaign; partners?: Partner[]; batch?: Batch; batches?: Batch[] } = {},
) => {
  const { store, batches } = memoryStore(options.batches ?? [options.batch ?? batch()]);
  const sent: HandOverRequest[] = [];
  const settled: string[] = [];
  const enqueued: string[] = [];
  const observed: string[] = [];
  const partners = new Map((options.partners ?? [partner('p1'), partner('p2')]).map((p) => [p.id, p]));
  let clock = Date.parse('2027-07-30T03:00:00Z');
  const deps: DispatchDeps = {
    batches: store,
    queue: { enqueue: async (refs) => void enqueued.push(...refs.map((r) => `${r.seq}:${r.partnerId}`)) },
    limiter: {
      reserve: async (_id, _size, _tps, now) => ({ at: now, reserved: true, leadMs: 0 }),
      sentLate: async () => {},
      lateToleranceMs: LATE_TOLERANCE_MS,
      windowMs: PACING_WINDOW_MS,
    },
    transportFor: () => ({
      send: async (request) => {
        sent.push(request);
        return answers.shift() ?? { status: 200 };
      },
    }),
    partner: async (id) => partners.get(id),
    campaign: async () => options.campaign ?? campaign(),
    onSettled: async (b, status) => void settled.push(`${b.seq}:${status}`),
    shortLink: (code) => `https://sms.gov.vn/l/${code}`,
    observe: (metric, partnerId, count) => void observed.push(`${metric}:${partnerId}:${count}`),
    now: () => new Date(clock),
    sleep: async (ms) => void (clock += ms),
    random: () => 0.5,
    leaseMs: 60_000,
    webhookTimeoutMs: 1000,
  };
  const current = () => batches.get('c1.0') as Batch;
  const advance = (ms: number) => (clock += ms);
  return { deps, sent, settled, enqueued, observed, current, advance };
};

describe('dispatching a batch', () => {
  it('hands the batch over signed with a stable webhook id, each recipient with their own short link', async () => {
    const { deps, sent, settled, current } = setup([{ status: 200, body: {} }]);
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.webhookId).toBe('msg_c1_0_p1');
    const body = JSON.parse(sent[0]?.body ?? '{}');
    expect(body.type).toBe('sms.send');
    expect(body.data.messages[1]).toEqual({
      messageId: 'c1.0.1',
      to: '+84981000001',
      senderId: 'BOCONGAN',
      text: 'Gọi 111. https://sms.gov.vn/l/code1',
      encoding: 'UCS-2',
      segments: 1,
    });
    expect(current().status).toBe('pending');
    expect(current().messages.every((m) => m.state === 'pending')).toBe(true);
    expect(settled).toEqual(['0:pending']);
  });

  it('fails single messages the partner rejects and keeps the others pending', async () => {
    const { deps, current } = setup([
      { status: 200, body: { rejected: [{ messageId: 'c1.0.2', reason: 'invalid number' }] } },
    ]);
    await dispatchBatch(deps, { campaignId: 'c1', seq: 0 });
    expect(current().messages.map((m) => [m.state, m.reason ?? null])).toEqual([
      ['pending', null],
      ['pending', null],
      ['failed', 'rejected: invalid number'],
    ]);
  });

  it('records which partners were handed the batch: not one that only throttled it, nor a disabled one', async () => {
    const { deps, current, advance } = setup([{ status: 429 }, { status: 503 }, { status: 200 }], {
      partners: [partner('p0', { enabled: false }), partner('p1'), partner('p2')],
      batch: batch({ partnerId: 'p0', routes: ['p0', 'p1', 'p2'] }),
    });
    const dispatchUntil = async (outcome: string) => {
      for (let n = 0; n < 10; n++) {
        if ((await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })) === outcome) return;
        advance(60_000);
      }
      throw new Error(`never ${outcome}`);
    };
    await dispatchUntil('failed-over');
    expect(current()).toMatchObject({ partnerId: 'p1' });
    expect(current().handedTo).toBeUndefined();
    await dispatchUntil('retry-later');
    expect(current().handedTo).toBeUndefined();
    await dispatchUntil('accepted');
    expect(current()).toMatchObject({ status: 'pending', handedTo: ['p1'] });
  });

  it('keeps at most 200 characters of a partner’s reason', async () => {
    const { deps, current } = setup([
      { status: 200, body: { rejected: [{ messageId: 'c1.0.1', reason: 'z'.repeat(100_000) }] } },
    ]);
    await dispatchBatch(deps, { campaignId: 'c1', seq: 0 });
    expect(current().messages[1]).toMatchObject({ state: 'failed', reason: `rejected: ${'z'.repeat(200)}` });
  });

  it('saves an outcome too large for its item without the partner’s reasons, and never hands it over again', async () => {
    const { deps, sent, settled, current, advance } = setup([
      { status: 200, body: { rejected: [{ messageId: 'c1.0.1', reason: 'z'.repeat(150) }] } },
    ]);
    const settle = deps.batches.settle;
    // As DynamoDB would for an item over 400 KB: here, any reason longer than 100 characters.
    deps.batches.settle = async (batch, status, messages, now, charge, handedTo) => {
      if (messages.some((m) => (m.reason?.length ?? 0) > 100)) throw new OutcomeTooLargeError(batch);
      return settle(batch, status, messages, now, charge, handedTo);
    };
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    expect(current().status).toBe('pending');
    expect(current().messages.map((m) => [m.state, m.reason ?? null])).toEqual([
      ['pending', null],
      ['failed', 'rejected'],
      ['pending', null],
    ]);
    expect(settled).toEqual(['0:pending']);
    advance(120_000);
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('not-claimed');
    expect(sent).toHaveLength(1);
  });

  it('retries a 429 after Retry-After with the same webhook id, then hands it over', async () => {
    const { deps, sent, current, advance } = setup([{ status: 429, retryAfter: '2' }, { status: 200 }]);
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('retry-later');
    expect(current()).toMatchObject({ status: 'queued', attempt: 1, partnerId: 'p1' });
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('not-claimed');
    advance(2100);
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    expect(sent.map((s) => s.webhookId)).toEqual(['msg_c1_0_p1', 'msg_c1_0_p1']);
  });

  it('fails over to the next partner after repeated 5xx and timeouts', async () => {
    const failures = [
      { status: 500 },
      { error: 'timeout after 1000 ms' },
      { status: 503 },
      { status: 502 },
      { status: 500 },
    ];
    const { deps, sent, enqueued, observed, current, advance } = setup([...failures, { status: 200 }]);
    for (let i = 0; i < failures.length; i++) {
      await dispatchBatch(deps, { campaignId: 'c1', seq: 0 });
      advance(60_000);
    }
    expect(current()).toMatchObject({ status: 'queued', partnerId: 'p2', attempt: 0 });
    expect(enqueued).toEqual(['0:p2']);
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    expect(sent.at(-1)?.webhookId).toBe('msg_c1_0_p2');
    expect(observed).toEqual([
      ...Array(4).fill('BatchRetries:p1:1'),
      'BatchRetries:p1:1',
      'Failovers:p1:1',
      'MessagesHandedOver:p2:3',
    ]);
  });

  it('fails the messages with a reason when no partner is left', async () => {
    const { deps, current, advance } = setup(Array(10).fill({ status: 500 }), {
      batch: batch({ routes: ['p1'] }),
    });
    for (let i = 0; i < 5; i++) {
      await dispatchBatch(deps, { campaignId: 'c1', seq: 0 });
      advance(60_000);
    }
    expect(current().status).toBe('failed');
    expect(
      current().messages.every((m) => m.state === 'failed' && m.reason?.startsWith('partner_unavailable')),
    ).toBe(true);
  });

  it('settles a batch the partner has reported on in full since an attempt it took, without sending an empty batch', async () => {
    // A timeout the partner had taken: its reports moved every message before the retry.
    const reported = messages(3).map((m, i): BatchMessage => ({
      ...m,
      state: i === 2 ? 'failed' : 'delivered',
      ...(i === 2 ? { reason: 'unreachable: ABSENT_SUBSCRIBER' } : {}),
      sentAt: '2027-07-30T02:59:59.000Z',
    }));
    const { deps, sent, settled, current } = setup([{ status: 400 }], {
      batch: batch({ messages: reported, attempt: 1, handedTo: ['p1'] }),
    });
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    expect(sent).toEqual([]);
    expect(current().status).toBe('pending');
    expect(current().messages).toEqual(reported);
    expect(settled).toEqual(['0:pending']);
  });

  it('fails the batch as rejected on another 4xx', async () => {
    const { deps, current } = setup([{ status: 400 }]);
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('failed');
    expect(current().messages.every((m) => m.reason === 'rejected')).toBe(true);
  });

  it('holds batches of a paused campaign without sending', async () => {
    const { deps, sent, current } = setup([], { campaign: campaign({ status: 'paused' }) });
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('held');
    expect(sent).toHaveLength(0);
    expect(current()).toMatchObject({ status: 'queued', attempt: 0 });
  });

  it('cancels batches of a cancelled campaign', async () => {
    const { deps, sent, current } = setup([], { campaign: campaign({ status: 'cancelled' }) });
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('cancelled');
    expect(sent).toHaveLength(0);
    expect(current().messages.every((m) => m.state === 'failed' && m.reason === 'cancelled')).toBe(true);
  });

  it('waits for the sending window to open (Asia/Ho_Chi_Minh)', async () => {
    // 03:00Z is 10:00 in Hà Nội; a window of 20:00–22:00 reopens at 13:00Z.
    const { deps, sent, current } = setup([], {
      campaign: campaign({ sendingWindow: { start: '20:00', end: '22:00' } }),
    });
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('held');
    expect(sent).toHaveLength(0);
    expect(current().availableAt).toBe('2027-07-30T13:00:00.000Z');
  });

  it('does not hand a batch over twice when two consumers race for it', async () => {
    const { deps, sent } = setup([{ status: 200 }, { status: 200 }]);
    const outcomes = await Promise.all([
      dispatchBatch(deps, { campaignId: 'c1', seq: 0 }),
      dispatchBatch(deps, { campaignId: 'c1', seq: 0 }),
    ]);
    expect(outcomes.sort()).toEqual(['accepted', 'not-claimed']);
    expect(sent).toHaveLength(1);
  });

  it('waits for its reserved moment, and when it woke too late goes at once, counted from when it went', async () => {
    const { deps, sent, advance } = setup([{ status: 200 }]);
    const reservations: number[] = [];
    const late: [number, number][] = [];
    deps.limiter = {
      lateToleranceMs: LATE_TOLERANCE_MS,
      windowMs: PACING_WINDOW_MS,
      reserve: async (_id, size, tps, now) => {
        reservations.push(now.getTime());
        expect([size, tps]).toEqual([3, 100]);
        return { at: new Date(now.getTime() + 400), reserved: true, leadMs: 0 };
      },
      sentLate: async (_id, _size, reservedAt, sentAt) =>
        void late.push([reservedAt.getTime(), sentAt.getTime()]),
    };
    let overrun = true;
    const sleep = deps.sleep;
    deps.sleep = async (ms) => {
      await sleep(ms);
      // The wait to the moment overruns it by more than the tolerance (a busy process).
      if (overrun && deps.now().getTime() >= (reservations[0] ?? 0) + 400) {
        advance(LATE_TOLERANCE_MS + 1);
        overrun = false;
      }
    };
    const start = deps.now().getTime();
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    // Reserving again cost the lateness and the limiter's lead: a gap at the partner each time.
    expect(reservations).toEqual([start]);
    expect(late).toEqual([[start + 400, start + 400 + LATE_TOLERANCE_MS + 1]]);
    expect(Date.parse(JSON.parse(sent[0]?.body ?? '{}').timestamp)).toBe(start + 400 + LATE_TOLERANCE_MS + 1);
  });

  it('woken so late that the batches a window later may be placed (a stalled process), gives its moment back and reserves again', async () => {
    const { deps, sent, advance } = setup([{ status: 200 }]);
    const reservations: [number, number | undefined][] = [];
    const lead = 60;
    deps.limiter = {
      lateToleranceMs: LATE_TOLERANCE_MS,
      windowMs: PACING_WINDOW_MS,
      reserve: async (_id, _size, _tps, now, options) => {
        reservations.push([now.getTime(), options?.replacing?.getTime()]);
        return { at: new Date(now.getTime() + 400), reserved: true, leadMs: lead };
      },
      sentLate: async () => {},
    };
    // Past this, a batch a window after its moment may be reserved before its late send is recorded.
    const stall = PACING_WINDOW_MS - RESERVE_HORIZON_MS - 2 * lead + 1;
    let stalled = false;
    const sleep = deps.sleep;
    deps.sleep = async (ms) => {
      await sleep(ms);
      if (!stalled && deps.now().getTime() >= (reservations[0]?.[0] ?? 0) + 400) {
        advance(stall);
        stalled = true;
      }
    };
    const start = deps.now().getTime();
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    expect(reservations).toEqual([
      [start, undefined],
      [start + 400 + stall, start + 400],
    ]);
    expect(Date.parse(JSON.parse(sent[0]?.body ?? '{}').timestamp)).toBe(start + 800 + stall);
  });
});

describe('pacing a batch that went out late', () => {
  /** A limiter on one in-memory log, as the shared one behaves (without its round trip). */
  const memoryLimiter = () => {
    let log: Reservation[] = [];
    const limiter: DispatchDeps['limiter'] = {
      lateToleranceMs: LATE_TOLERANCE_MS,
      windowMs: PACING_WINDOW_MS,
      reserve: async (_id, size, tps, now, options) => {
        const next = reserve(log, now.getTime(), size, tps, {
          ...(options?.horizonMs === undefined ? {} : { horizonMs: options.horizonMs }),
          ...(options?.replacing ? { replacing: options.replacing.getTime() } : {}),
        });
        if (next.reserved) log = next.log;
        return { at: new Date(next.at), reserved: next.reserved, leadMs: 0 };
      },
      sentLate: async (_id, size, reservedAt, sentAt) => {
        log = recordLateSend(log, reservedAt.getTime(), sentAt.getTime(), size);
      },
      answeredIn: (_id, answerMs) => {
        const answer = withAnswer(answers, answerMs);
        answers = answer.recent;
        return answer.slowerByMs;
      },
    };
    let answers: number[] = [];
    return limiter;
  };

  it('counts it from when it went (a new connection), so the batch a window later does not crowd it at the partner', async () => {
    // Batches of 3 at tps 3: each fills the window. The first request opens a connection and goes out
    // 40 ms after its moment; the next one, on that connection, goes at its moment.
    const { deps, advance } = setup([], {
      batches: [batch(), batch({ seq: 1 })],
      partners: [partner('p1', { tps: 3, maxBatchSize: 3 })],
    });
    deps.limiter = memoryLimiter();
    const arrivals: [number, number][] = [];
    const connectMs = [40, 0];
    deps.transportFor = () => ({
      send: async (request) => {
        advance(connectMs.shift() ?? 0);
        request.onSent?.(deps.now());
        arrivals.push([deps.now().getTime() + 1, JSON.parse(request.body).data.messages.length]);
        return { status: 200 };
      },
    });
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 0 })).toBe('accepted');
    expect(await dispatchBatch(deps, { campaignId: 'c1', seq: 1 })).toBe('accepted');
    expect(arrivals).toHaveLength(2);
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(3);
    // Not later than it must: a window after the first one went.
    expect((arrivals[1]?.[0] ?? 0) - (arrivals[0]?.[0] ?? 0)).toBe(PACING_WINDOW_MS);
  });

  it('counts a batch sent on time but answered 60 ms slower than usual from its likely arrival, so the next one does not crowd it', async () => {
    // Batches of 3 at tps 3: each fills the window. The third one reaches the partner 60 ms later than the
    // others (a packet sent again), and its answer comes as much later; the fourth is reserved after it.
    const { deps, advance } = setup([], {
      batches: [0, 1, 2, 3].map((seq) => batch({ seq })),
      partners: [partner('p1', { tps: 3, maxBatchSize: 3 })],
    });
    deps.limiter = memoryLimiter();
    const arrivals: [number, number][] = [];
    const went: number[] = [];
    const answered: number[] = [];
    const delayMs = [0, 0, 60, 0];
    deps.transportFor = () => ({
      send: async (request) => {
        went.push(deps.now().getTime());
        request.onSent?.(deps.now());
        const oneWay = 2 + (delayMs.shift() ?? 0);
        arrivals.push([deps.now().getTime() + oneWay, JSON.parse(request.body).data.messages.length]);
        advance(oneWay + 3);
        answered.push(deps.now().getTime());
        return { status: 200 };
      },
    });
    for (const seq of [0, 1, 2, 3])
      expect(await dispatchBatch(deps, { campaignId: 'c1', seq })).toBe('accepted');
    expect(arrivals).toHaveLength(4);
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(3);
    expect((arrivals[3]?.[0] ?? 0) - (arrivals[2]?.[0] ?? 0)).toBeGreaterThanOrEqual(1000);
    // Its answer was known in time: the next one's moment is a second or more after it.
    expect((went[3] ?? 0) - (answered[2] ?? 0)).toBeGreaterThanOrEqual(1000);
    // The others, answered as usual, are counted from their moments: a window apart.
    expect((arrivals[1]?.[0] ?? 0) - (arrivals[0]?.[0] ?? 0)).toBe(PACING_WINDOW_MS);
  });
});

describe('pacing a batch answered slower than usual', () => {
  it('counts it from its latest likely arrival however late the answer comes', async () => {
    const steady = Array.from({ length: STEADY_ANSWERS }, () => 5);
    const { deps, advance } = setup([], {
      batches: [...steady, 0, 0].map((_, seq) => batch({ seq })),
    });
    const late: [number, number][] = [];
    let answers: number[] = [];
    deps.limiter = {
      ...deps.limiter,
      sentLate: async (_id, _size, reservedAt, sentAt) =>
        void late.push([reservedAt.getTime(), sentAt.getTime()]),
      answeredIn: (_id, answerMs) => {
        const answer = withAnswer(answers, answerMs);
        answers = answer.recent;
        return answer.slowerByMs;
      },
    };
    // Steadily 5 ms; then 900 ms slower, past the window − the horizon: the batches a window later may have
    // reserved, and are moved before they go (the limiter's `crowded`); then 300 ms slower.
    const answerMs = [...steady, 905, 305];
    const went: number[] = [];
    deps.transportFor = () => ({
      send: async (request) => {
        went.push(deps.now().getTime());
        request.onSent?.(deps.now());
        advance(answerMs.shift() ?? 0);
        return { status: 200 };
      },
    });
    for (let seq = 0; seq < STEADY_ANSWERS + 2; seq++)
      expect(await dispatchBatch(deps, { campaignId: 'c1', seq })).toBe('accepted');
    const margin = PACING_WINDOW_MS - 1000;
    const [slow, slower] = went.slice(STEADY_ANSWERS);
    expect(late).toEqual([
      [slow, (slow ?? 0) + 900 - margin + LATE_TOLERANCE_MS],
      [slower, (slower ?? 0) + 300 - margin + LATE_TOLERANCE_MS],
    ]);
  });
});

describe('the shared limiter', () => {
  /** A limiter over an instant in-memory store, its clock set by the test; the log starts as `log`. */
  const limiterAt = (log: Reservation[]) => {
    let clock = 0;
    let stored: StoredRateLog = { log, ver: 0 };
    const store: RateLogStore = {
      read: async () => stored,
      write: async (_id, next, ver) => {
        if (ver !== stored.ver) return false;
        stored = { ...next, ver: ver + 1 };
        return true;
      },
    };
    const limiter = sharedRateLimiter({ store, now: () => clock, sleep: async () => {}, random: () => 0 });
    const ask = async (size: number, waitingSince: number) => {
      const { at, reserved } = await limiter.reserve('p', size, 50, new Date(clock), {
        horizonMs: RESERVE_HORIZON_MS,
        waitingSince: new Date(waitingSince),
      });
      return { at: at.getTime(), reserved };
    };
    return { ask, limiter, setClock: (ms: number) => (clock = ms) };
  };

  // A late answer's record comes after the batches a window later reserved: the one it crowds reserves
  // again (the model's slowly answering partner: 100 of 50 TPS in a rolling second before).
  it("finds a batch's window crowded by a record asked after it reserved, not by one asked before", async () => {
    const { ask, limiter, setClock } = limiterAt([]);
    const first = await ask(50, 0);
    expect(first.reserved).toBe(true);
    // The first is recorded 30 ms later (asked before the second reserves): the second is placed after it.
    await limiter.sentLate('p', 50, new Date(first.at), new Date(first.at + 30));
    setClock(first.at + 900);
    const second = await ask(50, first.at + 900);
    expect(second).toEqual({ at: first.at + 30 + PACING_WINDOW_MS, reserved: true });
    expect(limiter.crowded?.('p', new Date(second.at))).toBe(false);
    // Recorded later still, after the second reserved: its window now holds the first again.
    await limiter.sentLate('p', 50, new Date(first.at + 30), new Date(first.at + 60));
    expect(limiter.crowded?.('p', new Date(second.at))).toBe(true);
  });

  // The bench's 50 TPS run: its short batch (42 of 50) reserved mid-run left a window 8 short (0.966).
  it('lets a full batch waiting in this process go before a short one, so the short one goes last', async () => {
    const { ask, setClock } = limiterAt([[1000, 50]]);
    expect(await ask(50, 0)).toEqual({ at: 1000 + PACING_WINDOW_MS, reserved: false });
    setClock(1900);
    // Told to ask again after the full one's turn, the moment free and its share of the window later.
    expect(await ask(42, 1900)).toEqual({ at: 2020 + PACING_WINDOW_MS, reserved: false });
    expect(await ask(50, 0)).toEqual({ at: 2020, reserved: true });
    expect(await ask(42, 1900)).toEqual({ at: 2020 + PACING_WINDOW_MS, reserved: false });
  });

  it('lets a short batch yield for a bounded time only', async () => {
    const { ask, setClock } = limiterAt([[5500, 50]]);
    expect(await ask(50, 0)).toMatchObject({ reserved: false });
    setClock(6400);
    expect(6400).toBeGreaterThanOrEqual(YIELD_TO_LARGER_MS);
    expect(await ask(42, 0)).toEqual({ at: 5500 + PACING_WINDOW_MS, reserved: true });
  });
});

describe('the webhook transport', () => {
  const servers: { close(): void; closeAllConnections(): void }[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** A partner on 127.0.0.1 answering with `answer`; `hits` counts the requests it got. */
  const listen = async (answer: (response: ServerResponse) => void) => {
    const hits: string[] = [];
    const server = createServer((request, response) => {
      hits.push(String(request.url));
      request.resume().on('end', () => answer(response));
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return { port: (server.address() as AddressInfo).port, hits };
  };
  const request = (url: string) => ({
    url,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    webhookId: 'msg_c1_0_p1',
    body: '{}',
    timeoutMs: 2000,
  });
  const local = { allowLoopback: true };
  const aws = { allowLoopback: false };

  it('tells when the request went out, after connecting and before the answer', async () => {
    const sent: number[] = [];
    const partner = await listen((response) => {
      sent.push(-1);
      response.writeHead(200).end('{}');
    });
    const before = Date.now();
    const answer = await webhookTransport(local).send({
      ...request(`http://127.0.0.1:${partner.port}/sms`),
      onSent: (at) => void sent.push(at.getTime()),
    });
    expect(answer.status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBeGreaterThanOrEqual(before);
    expect(sent[1]).toBe(-1);
  });

  it('never follows a redirect: the 307 is the answer, and a failed attempt', async () => {
    const elsewhere = await listen((response) => response.writeHead(200).end('{}'));
    const partner = await listen((response) =>
      response.writeHead(307, { location: `http://127.0.0.1:${elsewhere.port}/steal` }).end(),
    );
    const answer = await webhookTransport(local).send(request(`http://127.0.0.1:${partner.port}/sms`));
    expect(answer.status).toBe(307);
    expect(elsewhere.hits).toEqual([]);
    expect(classifyAnswer(answer, new Date())).toEqual({
      kind: 'retry',
      reason: 'redirect (307) not followed',
    });
  });

  it('refuses loopback and link-local addresses as written, without connecting', async () => {
    const partner = await listen((response) => response.writeHead(200).end('{}'));
    for (const url of [
      `https://127.0.0.1:${partner.port}/sms`,
      `https://0x7f000001:${partner.port}/sms`,
      `https://localhost:${partner.port}/sms`,
      `http://127.0.0.1:${partner.port}/sms`,
    ])
      expect((await webhookTransport(aws).send(request(url))).error, url).toMatch(/^webhook address refused/);
    expect((await webhookTransport(local).send(request('http://169.254.169.254/latest'))).error).toMatch(
      /^webhook address refused: .*link-local/,
    );
    expect(partner.hits).toEqual([]);
  });

  it('checks the resolved address and connects to the one it checked (no DNS rebinding)', async () => {
    const partner = await listen((response) => response.writeHead(200).end('{"rejected":[]}'));
    const answers: string[][] = [];
    // A name whose DNS answer is loopback: refused in AWS; where loopback is allowed the connection goes to
    // the address the check saw (sms.partner.example has no real DNS entry).
    const resolver =
      (address: string): Resolver =>
      (hostname, callback) => {
        answers.push([hostname, address]);
        callback(null, [{ address, family: 4 }]);
      };
    const refused = await webhookTransport(aws, resolver('127.0.0.1')).send(
      request(`https://sms.partner.example:${partner.port}/sms`),
    );
    expect(refused.error).toMatch(/^webhook address refused: sms.partner.example: 127.0.0.1 is a loopback/);
    const metadata = await webhookTransport(aws, resolver('169.254.169.254')).send(
      request(`https://sms.partner.example:${partner.port}/sms`),
    );
    expect(metadata.error).toMatch(/link-local/);
    expect(partner.hits).toEqual([]);

    const pinned = await webhookTransport(local, resolver('127.0.0.1')).send(
      request(`http://sms.partner.example:${partner.port}/sms`),
    );
    expect(pinned).toMatchObject({ status: 200, body: { rejected: [] } });
    expect(partner.hits).toEqual(['/sms']);
    expect(answers.map(([host]) => host)).toEqual(Array(3).fill('sms.partner.example'));
  });

  it('stops reading an answer after 64 KiB', async () => {
    const partner = await listen((response) =>
      response
        .writeHead(200)
        .end(JSON.stringify({ rejected: [{ messageId: 'c1.0.0', reason: 'x'.repeat(1_000_000) }] })),
    );
    const answer = await webhookTransport(local).send(request(`http://127.0.0.1:${partner.port}/sms`));
    expect(answer).toMatchObject({ status: 200, body: undefined });
  });
});

describe('pacing over rolling windows', () => {
  /** mulberry32, so a failing schedule can be replayed from its seed. */
  const seeded = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  /**
   * Consumers reserving at random moments batches of random sizes (at most the partner's batch size), each
   * sent at its moment plus a lateness within the tolerance and a network delay within the rest of the
   * margin: what the partner sees.
   */
  const run = (seed: number, tps: number, maxSize: number, batches: number) => {
    const random = seeded(seed);
    let log: Reservation[] = [];
    let clock = 1_000_000;
    const arrivals: [number, number][] = [];
    for (let i = 0; i < batches; i++) {
      clock += Math.floor(random() * 3 * (1000 / (tps / maxSize)));
      const size = random() < 0.7 ? maxSize : 1 + Math.floor(random() * maxSize);
      const reserved = reserve(log, clock, size, tps);
      log = reserved.log;
      const lateness = random() * LATE_TOLERANCE_MS;
      const network = random() * (PACING_WINDOW_MS - 1000 - LATE_TOLERANCE_MS);
      arrivals.push([reserved.at + lateness + network, size]);
    }
    return arrivals;
  };

  it('never lets a partner with tps 20 and batches of 10 get more than 20 messages in any second (the 40-in-950-ms case)', () => {
    let log: Reservation[] = [];
    const sends: [number, number][] = [];
    // Four consumers ask at once at 0.9 s, and again at 1.0 s: a per-second counter let all of them go.
    for (const now of [900, 900, 1000, 1000]) {
      const reserved = reserve(log, now, 10, 20);
      log = reserved.log;
      sends.push([reserved.at, 10]);
    }
    expect(busiestWindow(sends, 1000)).toBe(20);
    expect(sends.map(([at]) => at)).toEqual([900, 900, 1920, 1920]);
  });

  it.each([
    [20, 10],
    [20, 9],
    [50, 50],
    [150, 75],
    [7, 3],
    [1000, 100],
    [997, 99],
  ])(
    'keeps every rolling second at the partner ≤ tps %i with batches up to %i, for random schedules',
    (tps, maxSize) => {
      for (let seed = 1; seed <= 40; seed++) {
        const arrivals = run(seed, tps, maxSize, 300);
        expect(busiestWindow(arrivals, 1000), `seed ${seed}`).toBeLessThanOrEqual(tps);
      }
    },
  );

  it('lets a batch that woke too late give its moment back, so it is not a window late and nothing is wasted', () => {
    // Two batches of 10 at tps 20 share the moment 0; one of them wakes 30 ms late and sent nothing.
    const first = reserve([], 0, 10, 20);
    const second = reserve(first.log, 0, 10, 20);
    expect([first.at, second.at]).toEqual([0, 0]);
    const again = reserve(second.log, 80, 10, 20, { replacing: 0 });
    expect(again.at).toBe(80);
    expect(again.log).toEqual([
      [0, 10],
      [80, 10],
    ]);
    // Without giving it back it would wait for the whole window: its moment would be wasted.
    expect(reserve(second.log, 80, 10, 20).at).toBe(PACING_WINDOW_MS);
  });

  it('gives back only a moment still in the log: one a window old may have left it, and is left alone', () => {
    const log: Reservation[] = [
      [0, 10],
      [PACING_WINDOW_MS, 10],
    ];
    expect(reserve(log, PACING_WINDOW_MS + 50, 10, 20, { replacing: 0 }).log).toEqual([
      [PACING_WINDOW_MS, 10],
      [PACING_WINDOW_MS + 50, 10],
    ]);
    // Reserved at 10, merged into the entry at 12: given back from there.
    const merged: Reservation[] = [
      [0, 5],
      [12, 15],
    ];
    expect(reserve(merged, 40, 5, 20, { replacing: 10 }).log).toEqual([
      [0, 5],
      [12, 10],
      [40, 5],
    ]);
  });

  /**
   * Consumers (two a second's worth of batches, as the local dispatcher runs) each asking for full batches
   * `leadMs` ahead within the horizon (and asking again shortly before a moment beyond it), waking late
   * beyond the tolerance with probability `lateShare`, sent within the tolerance otherwise, answered
   * `roundTripMs` later; the network adds up to the rest of the margin.
   */
  const consumers = (
    seed: number,
    tps: number,
    size: number,
    lateShare: number,
    seconds: number,
    { lateSendShare = 0, recordLate = true } = {},
  ) => {
    const random = seeded(seed);
    const leadMs = 50;
    const roundTripMs = 20;
    let log: Reservation[] = [];
    const arrivals: [number, number][] = [];
    const free = Array.from({ length: 2 * Math.ceil(tps / size) }, () => ({
      next: 0,
      missed: undefined as number | undefined,
    }));
    for (;;) {
      const consumer = free.reduce((soonest, c) => (c.next < soonest.next ? c : soonest));
      if (consumer.next >= seconds * 1000) break;
      const asked = reserve(log, consumer.next + leadMs, size, tps, {
        horizonMs: RESERVE_HORIZON_MS,
        ...(consumer.missed === undefined ? {} : { replacing: consumer.missed }),
      });
      if (!asked.reserved) {
        consumer.next = Math.max(consumer.next, asked.at - RESERVE_HORIZON_MS) + random() * 100;
        continue;
      }
      log = asked.log;
      const late = random() < lateShare;
      const woke = asked.at + (late ? LATE_TOLERANCE_MS + 1 + random() * 60 : random() * LATE_TOLERANCE_MS);
      if (late) {
        Object.assign(consumer, { next: woke, missed: asked.at });
        continue;
      }
      // Some requests go out well after the wake-up (a new connection); the log is told as they go.
      const sent = lateSendShare && random() < lateSendShare ? woke + 20 + random() * 200 : woke;
      if (sent - asked.at > LATE_TOLERANCE_MS && recordLate) log = recordLateSend(log, asked.at, sent, size);
      arrivals.push([sent + random() * (PACING_WINDOW_MS - 1000 - LATE_TOLERANCE_MS), size]);
      Object.assign(consumer, { next: sent + roundTripMs, missed: undefined });
    }
    return arrivals;
  };

  /** A partner's tps with the batch size it takes: slow and small to fast and full. */
  const PARTNERS = [
    [20, 10],
    [50, 50],
    [200, 100],
    [1000, 100],
  ];

  /** Over seeds 1 to 5: never more than `tps` in any second at the partner, at least 97 percent of it sent. */
  const expectPaced = (tps: number, seconds: number, arrivalsOf: (seed: number) => [number, number][]) => {
    for (let seed = 1; seed <= 5; seed++) {
      const arrivals = arrivalsOf(seed);
      expect(busiestWindow(arrivals, 1000), `seed ${seed}`).toBeLessThanOrEqual(tps);
      const sent = arrivals.filter(([at]) => at < seconds * 1000).reduce((sum, [, n]) => sum + n, 0);
      expect(sent / (tps * seconds), `seed ${seed}`).toBeGreaterThanOrEqual(0.97);
    }
  };

  it.each(PARTNERS)(
    'reaches 97 percent of tps %i with batches of %i when one wake-up in twenty is late, within tps at the partner',
    (tps, size) => {
      expectPaced(tps, 30, (seed) => consumers(seed, tps, size, 0.05, 30));
    },
  );

  it.each(PARTNERS)(
    'stays within tps %i at the partner with batches of %i when one request in a hundred goes out up to 220 ms late, and reaches 97 percent',
    (tps, size) => {
      const seconds = 60;
      expectPaced(tps, seconds, (seed) => consumers(seed, tps, size, 0.05, seconds, { lateSendShare: 0.01 }));
      // Not told of them, the log lets the batch a window after a late one crowd it.
      const unrecorded = [1, 2, 3, 4, 5].map((seed) =>
        busiestWindow(
          consumers(seed, tps, size, 0.05, seconds, { lateSendShare: 0.01, recordLate: false }),
          1000,
        ),
      );
      expect(Math.max(...unrecorded)).toBeGreaterThan(tps);
    },
  );

  it('counts a late send from when it went, its reservation taken back', () => {
    // Reserved at 0 with another batch, went at 40: counted at 40, the other one stays at 0.
    expect(recordLateSend([[0, 20]], 0, 40, 10)).toEqual([
      [0, 10],
      [40, 10],
    ]);
    // A batch reserved at 100 is already in the log: counted at 40 before it (counted at 100, it kept
    // the rest of that window from the batches to come).
    expect(
      recordLateSend(
        [
          [0, 10],
          [100, 10],
        ],
        0,
        40,
        10,
      ),
    ).toEqual([
      [40, 10],
      [100, 10],
    ]);
    // Within the merge distance of the last entry: one entry, at the later moment.
    expect(
      recordLateSend(
        [
          [0, 10],
          [38, 10],
        ],
        0,
        40,
        10,
      ),
    ).toEqual([[40, 20]]);
    // A reservation a window old may have left the log: only counted again.
    expect(recordLateSend([[PACING_WINDOW_MS, 10]], 0, PACING_WINDOW_MS + 30, 10)).toEqual([
      [PACING_WINDOW_MS, 10],
      [PACING_WINDOW_MS + 30, 10],
    ]);
  });

  it("takes a partner's usual answer as the fastest of its last 20 once steady: a steady slow partner costs nothing", () => {
    let recent: number[] = [];
    const slower = (answerMs: number) => {
      const answer = withAnswer(recent, answerMs);
      recent = answer.recent;
      return answer.slowerByMs;
    };
    // No usual yet (a cold partner's first answers are slow because they arrived late): each counts whole,
    // less the tolerance (counted from its answer less the margin).
    const steady = Array.from({ length: STEADY_ANSWERS - 1 }, () => 500);
    expect([300, ...steady].map(slower)).toEqual([290, ...steady.map(() => 490)]);
    // The 8th answer within the margin of the 7 before it: from then on the fastest is the usual.
    expect([500, 530, 500].map(slower)).toEqual([200, 230, 200]);
    recent = [];
    expect([...steady, 500, 530, 500].map(slower).slice(-3)).toEqual([0, 30, 0]);
    // A fast answer 20 answers ago no longer counts as the partner's usual.
    recent = [];
    expect([5, ...Array.from({ length: 19 }, () => 40)].map(slower).at(-1)).toBe(35);
    expect(slower(40)).toBe(0);
    expect(recent).toHaveLength(RECENT_ANSWERS);
    // Answers never within the margin of each other for 8 in a row: never steady.
    recent = [];
    expect(
      Array.from({ length: 30 }, (_, i) => 100 + (i % 2) * 40)
        .map(slower)
        .at(-1),
    ).toBe(130);
  });

  it('counts a batch crowded only by a record that moved another into its window from before it', () => {
    const at = 5000;
    const edge = at - PACING_WINDOW_MS;
    expect(crowdedBy([[edge - 30, edge + 10]], at)).toBe(true);
    expect(crowdedBy([[edge, edge + 1]], at)).toBe(true);
    // Already in its window before (it was placed counting it), still before it, or moved past it.
    expect(crowdedBy([[edge + 5, edge + 40]], at)).toBe(false);
    expect(crowdedBy([[edge - 40, edge - 10]], at)).toBe(false);
    expect(crowdedBy([[edge - 10, at + 1]], at)).toBe(false);
  });

  it('keeps the log small whatever the batch size', () => {
    let log: Reservation[] = [];
    for (let i = 0; i < 20_000; i++) log = reserve(log, 1_000_000 + i, 1, 10_000).log;
    expect(log.length).toBeLessThanOrEqual(Math.ceil(PACING_WINDOW_MS / 5) + 1);
  });

  it.each([
    [20, 10],
    [200, 100],
    [1000, 100],
    [50, 50],
  ])('reaches 97 percent of tps %i with full batches of %i when consumers always wait', (tps, size) => {
    let log: Reservation[] = [];
    let at = 0;
    const seconds = 30;
    let sent = 0;
    while (at < seconds * 1000) {
      const reserved = reserve(log, at, size, tps);
      log = reserved.log;
      at = reserved.at;
      if (at < seconds * 1000) sent += size;
    }
    expect(sent / (tps * seconds)).toBeGreaterThanOrEqual(0.97);
  });
  describe('on the even schedule', () => {
    /** Batches of `size` asking in turn at the moments `asks`, each told when the schedule has the next due. */
    const schedule = (tps: number, size: number, asks: readonly number[], log: Reservation[] = []) => {
      let pace: { log: Reservation[]; dueAt: number | undefined } = { log, dueAt: undefined };
      return asks.map((earliest) => {
        const reserved = reserve(pace.log, earliest, size, tps, { dueAt: pace.dueAt });
        pace = reserved;
        return reserved.at;
      });
    };

    // Held to the window alone, the ten went at once and then none for a second: the partner took them in
    // one after another (the last 30–50 ms late at 1,000 TPS) and each late one moved the batch a window on.
    it("spreads a window's batches over it: ten of 100 at 1,000 TPS asking at once go 102 ms apart", () => {
      const moments = schedule(
        1000,
        100,
        Array.from({ length: 11 }, () => 0),
      );
      expect(moments).toEqual(Array.from({ length: 11 }, (_, i) => i * shareOf(100, 1000)));
      expect(shareOf(100, 1000)).toBe(102);
      expect(busiestWindow(moments.map((at) => [at, 100]))).toBeLessThanOrEqual(1000);
      // A batch of the size of tps or more takes the whole window.
      expect(shareOf(50, 50)).toBe(PACING_WINDOW_MS);
      expect(shareOf(80, 50)).toBe(PACING_WINDOW_MS);
    });

    it('keeps the window the limit: a record that moved a batch holds back the one a window after it, not the ones after that', () => {
      // 200 TPS in batches of 100: one every 510 ms. The first went 40 ms late.
      const first = reserve([], 0, 100, 200, {});
      const second = reserve(first.log, 0, 100, 200, { dueAt: first.dueAt });
      expect([first.at, second.at, second.dueAt]).toEqual([0, 510, 1020]);
      const moved = recordLateSend(second.log, 0, 40, 100);
      const third = reserve(moved, 1000, 100, 200, { dueAt: second.dueAt });
      expect(third.at).toBe(40 + PACING_WINDOW_MS);
      // Due from when it was due (1,020), not from when the window let it go (1,060).
      const fourth = reserve(third.log, 1000, 100, 200, { dueAt: third.dueAt });
      expect(fourth.at).toBe(1530);
      expect(busiestWindow([40, 510, third.at, fourth.at].map((at) => [at, 100]))).toBe(200);
    });

    it('keeps the schedule for a batch that asks up to one share late, and starts it again after a window idle', () => {
      // Due at 510, asked at 700: the next is still due at 1,020 and may go 320 ms after it.
      expect(schedule(200, 100, [0, 700, 700])).toEqual([0, 700, 1020]);
      // Asked 600 ms late, more than a share: the schedule moves by what is over the share (90 ms), and the
      // next may go at once to catch up, as far as the window lets it.
      expect(schedule(200, 100, [0, 1110, 1110, 1110])).toEqual([0, 1110, 1110, 1110 + PACING_WINDOW_MS]);
      // Idle for a window or more: no batches at once, the schedule starts from the first again.
      expect(schedule(200, 100, [0, 5000, 5000])).toEqual([0, 5000, 5510]);
    });

    it('does not hold a batch giving back its moment to the schedule: its share was counted when it reserved', () => {
      const first = reserve([], 0, 100, 200, {});
      const second = reserve(first.log, 0, 100, 200, { dueAt: first.dueAt });
      // The second woke at 560, too late for 510: it goes now, and the schedule is left as it was.
      const again = reserve(second.log, 560, 100, 200, { dueAt: second.dueAt, replacing: 510 });
      expect([again.at, again.dueAt]).toEqual([560, second.dueAt]);
    });
  });
});
