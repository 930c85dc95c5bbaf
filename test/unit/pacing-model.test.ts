import { describe, expect, it } from 'vitest';
import { keys } from '#adapters/table.js';
import type { Campaign } from '#core/campaign.js';
import { batchSizeFor, type Batch, type BatchMessage } from '#core/dispatch/batch.js';
import { dispatchBatch, type DispatchDeps } from '#core/dispatch/dispatcher.js';
import type { BatchRef, BatchStore } from '#core/dispatch/ports.js';
import { sharedRateLimiter, type RateLogStore, type StoredRateLog } from '#core/dispatch/rate-limiter.js';
import type { Partner } from '#core/partner.js';
import { busiestWindow, meanInRollingWindow } from '#local/simulators/carrier-rules.js';

/**
 * A model of pacing one partner, on a fake clock: the real dispatcher (acquire loop, late sends) and the
 * real shared limiter (pacing core, lead, turns, conditional writes) over an in-memory log store whose reads
 * and writes take a round trip, consumers like the local dispatcher's (polling every 100 ms, two batches in
 * flight per batch a second admits), timers that fire late, and a partner reached over a network whose
 * delay varies. Nothing depends on this machine's speed: every delay is drawn from a seeded generator.
 */

/** mulberry32: a small seeded generator, so that every run of the model is the same. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** A run's figure, for `toEqual`: at most, at least, or below a limit (the failure shows the figure). */
const atMost = (limit: number) => expect.toSatisfy((n: number) => n <= limit) as number;
const atLeast = (floor: number) => expect.toSatisfy((n: number) => n >= floor) as number;
const below = (limit: number) => expect.toSatisfy((n: number) => n < limit) as number;

interface Conditions {
  /** The store's round trip, ms (DynamoDB Local on a loaded machine: 5 to 150). */
  storeMs: [number, number];
  /** How late a timer fires, ms; `stallEvery` timers in a row one fires `stallMs` late (a busy process). */
  timerLateMs: [number, number];
  stallEvery: number;
  stallMs: [number, number];
  /** From the send call to the request on the wire (signing, socket), and then to the partner, ms. */
  toWireMs: [number, number];
  networkMs: [number, number];
  /** A share of the requests reach the partner later still, by `delayedMs` (a lost packet sent again). */
  delayedShare: number;
  delayedMs: [number, number];
  /** From its arrival to its answer back (the partner's work and the way back), ms. */
  returnMs: [number, number];
  /** Every `pauseEveryMs` (±50 %) the whole process stalls `pauseMs` (a GC, a starved CPU): nothing runs. */
  pauseEveryMs?: number;
  pauseMs?: [number, number];
  /**
   * A cold partner: its first `coldRequests` requests reach it later by `coldMs` (its process warming up, new
   * connections on its side), each answered as much later. Our side sends them on time.
   */
  coldRequests?: number;
  coldMs?: [number, number];
}

/**
 * `messages`: how many the run sends (tps × seconds unless told): not a multiple of the batch size, the plan's
 * last batch is short. Batches are taken in the order of the partner's queue (its sort keys), as the
 * dispatcher's consumers take them.
 */
const simulate = async (
  tps: number,
  seconds: number,
  conditions: Conditions,
  seed = 30_07,
  messages = tps * seconds,
) => {
  const random = seeded(seed);
  const between = ([low, high]: [number, number]) => low + random() * (high - low);
  const start = Date.parse('2027-07-30T03:00:00Z');
  let clock = start;
  let order = 0;
  const timers: { at: number; order: number; fire: () => void }[] = [];
  let timersSet = 0;
  /** Fires after `ms`, late as timers are on a busy machine. */
  const sleep = (ms: number) =>
    new Promise<void>((fire) => {
      timersSet++;
      const late =
        timersSet % conditions.stallEvery === 0
          ? between(conditions.stallMs)
          : between(conditions.timerLateMs);
      timers.push({ at: clock + Math.max(0, ms) + late, order: order++, fire });
    });
  /** Takes `ms` exactly (a round trip, not a timer). */
  const takes = (ms: number) =>
    new Promise<void>((fire) => timers.push({ at: clock + ms, order: order++, fire }));

  const logs = new Map<string, StoredRateLog>();
  const store: RateLogStore = {
    async read(partnerId) {
      await takes(between(conditions.storeMs));
      const stored = logs.get(partnerId) ?? { log: [], ver: 0 };
      return { ...stored, log: [...stored.log] };
    },
    async write(partnerId, pace, ver) {
      await takes(between(conditions.storeMs) / 2);
      const ok = (logs.get(partnerId)?.ver ?? 0) === ver;
      if (ok) logs.set(partnerId, { ...pace, log: [...pace.log], ver: ver + 1 });
      await takes(between(conditions.storeMs) / 2);
      return ok;
    },
  };
  let writes = 0;
  const countingStore: RateLogStore = {
    read: (id) => store.read(id),
    write: (...args) => {
      writes++;
      return store.write(...args);
    },
  };

  const size = batchSizeFor(tps, 100);
  const count = Math.ceil(messages / size);
  // DynamoDB orders sort keys by their bytes.
  const queueKey = (seq: number) => keys.batchQueueSk('2027-07-30T03:00:00.000Z', 'c1', seq);
  const queued = Array.from({ length: count }, (_, seq) => seq).sort((a, b) =>
    queueKey(a) < queueKey(b) ? -1 : 1,
  );
  const partner: Partner = {
    id: 'p',
    name: 'p',
    kind: 'webhook',
    webhookUrl: 'https://p.example/sms',
    carriers: ['*'],
    tps,
    maxBatchSize: 100,
    senderId: 'BOCONGAN',
    pricePerSegment: 0,
    currency: 'VND',
    enabled: true,
    createdAt: '',
    updatedAt: '',
    secretRotatedAt: '',
    secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
  };
  const campaign = {
    id: 'c1',
    message: 'Gọi 111.',
    status: 'sending',
    sendingWindow: null,
    timeZone: 'Asia/Ho_Chi_Minh',
    estimate: { encoding: 'GSM-7', segmentsPerMessage: 1 },
  } as Campaign;
  const messagesOf = (n: number): BatchMessage[] =>
    Array.from({ length: n }, (_, i) => ({
      index: i,
      to: `+849810${String(i).padStart(5, '0')}`,
      carrier: 'viettel',
      state: 'queued',
    }));
  const batchOf = (seq: number): Batch => ({
    campaignId: 'c1',
    seq,
    partnerId: 'p',
    routes: ['p'],
    status: 'handing',
    attempt: 0,
    availableAt: '',
    messages: messagesOf(Math.min(size, messages - seq * size)),
    createdAt: '',
    updatedAt: '',
  });
  const batches: BatchStore = {
    putBatches: async () => {},
    putNewBatches: async (list) => list.length,
    get: async (ref) => batchOf(ref.seq),
    claim: async (ref) => {
      await takes(between(conditions.storeMs));
      return batchOf(ref.seq);
    },
    settle: async () => {
      await takes(between(conditions.storeMs));
      return true;
    },
    release: async () => true,
    due: async () => [],
    listBatches: async function* () {},
  };
  const arrivals: [number, number][] = [];
  let requests = 0;
  const deps: DispatchDeps = {
    batches,
    queue: { enqueue: async () => {} },
    limiter: sharedRateLimiter({ store: countingStore, now: () => clock, sleep, random }),
    transportFor: () => ({
      send: async (request) => {
        await takes(between(conditions.toWireMs));
        request.onSent?.(new Date(clock));
        const sent = JSON.parse(request.body) as { data: { messages: unknown[] } };
        const delayed = random() < conditions.delayedShare ? between(conditions.delayedMs) : 0;
        const cold = requests++ < (conditions.coldRequests ?? 0) ? between(conditions.coldMs ?? [0, 0]) : 0;
        const oneWay = between(conditions.networkMs) + delayed + cold;
        arrivals.push([clock + oneWay, sent.data.messages.length]);
        // The answer follows the arrival: a request that arrived late is answered late.
        await takes(oneWay + between(conditions.returnMs));
        return { status: 200, body: '{}' };
      },
    }),
    partner: async () => partner,
    campaign: async () => {
      await takes(between(conditions.storeMs));
      return campaign;
    },
    onSettled: async () => {},
    shortLink: (code) => `https://sms.gov.vn/l/${code}`,
    observe: () => {},
    now: () => new Date(clock),
    sleep,
    random,
    leaseMs: 60_000,
    webhookTimeoutMs: 10_000,
  };

  // The local dispatcher: consumers take the next due batch on a poll every 100 ms.
  const consumers = Math.min(32, Math.max(4, 2 * Math.ceil(tps / size)));
  let next = 0;
  let done = 0;
  let longestDispatchMs = 0;
  const consume = async () => {
    for (;;) {
      const seq = queued[next++];
      if (seq === undefined) return;
      const ref: BatchRef = { campaignId: 'c1', seq };
      const started = clock;
      expect(await dispatchBatch(deps, ref)).toBe('accepted');
      longestDispatchMs = Math.max(longestDispatchMs, clock - started);
      done++;
      await sleep(100 - ((clock - start) % 100));
    }
  };
  for (let i = 0; i < consumers; i++) void consume();

  let nextPause = start + (conditions.pauseEveryMs ?? 0) * (0.5 + random());
  // Runs the clock: every promise that can move moves, then the earliest timer fires.
  const settle = () => new Promise<void>((done) => setImmediate(done));
  for (;;) {
    await settle();
    if (done === count) break;
    timers.sort((a, b) => a.at - b.at || a.order - b.order);
    const timer = timers.shift();
    if (!timer) throw new Error(`model stuck with ${count - done} batches left`);
    clock = Math.max(clock, timer.at);
    // A stalled process runs nothing until the stall ends: every timer and answer due meanwhile comes late.
    if (conditions.pauseEveryMs && conditions.pauseMs && clock >= nextPause) {
      clock = nextPause + between(conditions.pauseMs);
      nextPause = clock + conditions.pauseEveryMs * (0.5 + random());
    }
    timer.fire();
  }

  // As the bench measures: the mean of the rolling seconds in the steady part of the run, over tps.
  const first = Math.min(...arrivals.map(([at]) => at));
  if (process.env.PACING_MODEL_TRACE)
    console.log(tps, arrivals.map(([at, n]) => `${Math.round(at - first)}:${n}`).join(' '));
  return {
    achieved: (meanInRollingWindow(arrivals) ?? 0) / tps,
    busiest: busiestWindow(arrivals),
    busiestTenth: busiestWindow(arrivals, 100),
    writesPerBatch: writes / count,
    longestDispatchMs,
  };
};

/**
 * A quiet machine: a store answering in 5–20 ms, timers at most 5 ms late, one in 20 late by 10–40 ms; one
 * request in 20 reaching the partner 20–40 ms later than the others (as the bench traced: sent on time,
 * arrived 32 ms late, and the batch a window later on time).
 */
const quiet: Conditions = {
  storeMs: [5, 20],
  timerLateMs: [0, 5],
  stallEvery: 20,
  stallMs: [10, 40],
  toWireMs: [0, 3],
  networkMs: [1, 8],
  delayedShare: 0.05,
  delayedMs: [20, 40],
  returnMs: [5, 15],
};
/** A loaded one: the store's round trip 40–120 ms (DynamoDB Local under load), timers up to 8 ms late. */
const loaded: Conditions = { ...quiet, storeMs: [40, 120], timerLateMs: [0, 8] };

/**
 * A slow store: its round trip 300–600 ms (DynamoDB Local file-backed on a loaded machine, issue #17: the
 * scale bench's trace read the campaign's item in 200 ms to 2.8 s), longer than the stop check is started
 * before a batch's moment.
 */
const slowStore: Conditions = { ...loaded, storeMs: [300, 600] };

/**
 * A stalling one: as loaded, and every 3 s or so the process stops for 0.3 to 1.5 s. No request arrives
 * late here: one that did and whose answer a stall held back is the limit left (docs/reliability.md), its
 * answer comes after the batches a window later may have reserved (1,100 of 1,000 TPS once in 5 seeds).
 */
const stalling: Conditions = {
  ...loaded,
  delayedShare: 0,
  pauseEveryMs: 3000,
  pauseMs: [300, 1500],
};

/**
 * A cold partner (the bench's simulators, each a fresh process): its first requests reach it 50–300 ms late
 * while our side sends them on time, and the first answers are as slow. The bench saw 1.4–1.5 × tps then.
 */
const coldPartner: Conditions = { ...loaded, coldRequests: 12, coldMs: [50, 300] };
/**
 * A partner that always answers slowly (450–470 ms after a request arrives) on a loaded store: a late
 * arrival's answer comes after the batches a window later may have reserved.
 */
const slowAnswers: Conditions = { ...loaded, returnMs: [450, 470] };

describe('the achieved rate, as the model and the bench measure it', () => {
  /** `groups` moments `pitchMs` apart, each with `batches` batches of `size` at once. */
  const grouped = (groups: number, pitchMs: number, batches: number, size: number) =>
    Array.from({ length: groups * batches }, (_, i): [number, number] => [
      Math.floor(i / batches) * pitchMs,
      size,
    ]);

  it('reads a steady stream at its rate whether its batches come spread out or several at once', () => {
    // 200 TPS in batches of 100: one every 510 ms, or both of a window at once every 1,020 ms.
    const spread = grouped(24, 510, 1, 100);
    const bunched = grouped(12, 1020, 2, 100);
    expect((meanInRollingWindow(spread) ?? 0) / 200).toBeCloseTo(1000 / 1020, 2);
    expect((meanInRollingWindow(bunched) ?? 0) / 200).toBeCloseTo(1000 / 1020, 2);
  });

  it('never reads above the busiest rolling second, so never above 1 when pacing held', () => {
    // Pairs every 1,020 ms and the last one split: 19 ms apart at the end of the run. "Messages before
    // the last moment ÷ (last − first)" read 1.023 of tps here, every rolling second ≤ 200.
    const arrivals = grouped(12, 1020, 2, 100).map(([at, n], i, all): [number, number] =>
      i === all.length - 1 ? [at + 19, n] : [at, n],
    );
    const last = Math.max(...arrivals.map(([at]) => at));
    const before = arrivals.filter(([at]) => at < last).reduce((sum, [, n]) => sum + n, 0);
    expect(before / (last / 1000) / 200).toBeGreaterThan(1.02); // the first arrival is at 0
    expect(busiestWindow(arrivals)).toBe(200);
    expect((meanInRollingWindow(arrivals) ?? 0) / 200).toBeLessThanOrEqual(1000 / 1020 + 0.001);
  });

  it('leaves the start and the end of a run out: a first batch a lead early does not count as a gap', () => {
    const late = grouped(12, 1020, 2, 100).map(([at, n], i): [number, number] => [i === 0 ? -140 : at, n]);
    expect((meanInRollingWindow(late) ?? 0) / 200).toBeCloseTo(1000 / 1020, 2);
    expect(meanInRollingWindow([[0, 100]])).toBeUndefined();
  });
});

describe('pacing model (fake clock, real dispatcher and limiter)', () => {
  // The loaded 1,000 TPS case read 0.969–0.971 over its seeds before batches were spread over the window
  // (a window's ten went at once, and each one that came late moved its own a window on); 0.975–0.978 now.
  // Before a consumer that waited read its campaign alongside its reservation rather than before it, 0.961
  // (and 0.960 at 200 TPS). Spread out, no tenth of a second at the partner holds more than three batches
  // of 100 at 1,000 TPS (the network bunches a few; it held all ten before), nor two at 200 TPS.
  it.each([
    ['quiet', 50, quiet],
    ['quiet', 200, quiet],
    ['quiet', 1000, quiet],
    ['loaded', 50, loaded],
    ['loaded', 200, loaded],
    ['loaded', 1000, loaded],
  ] as const)(
    'on a %s machine reaches ≥ 0.97 of %i TPS, never more than tps in a rolling second at the partner',
    async (_machine, tps, conditions) => {
      for (const seed of [1, 2, 3]) {
        const { achieved, busiest, busiestTenth, writesPerBatch } = await simulate(tps, 12, conditions, seed);
        expect({ seed, achieved, busiest, writesPerBatch, busiestTenth }).toEqual({
          seed,
          achieved: atLeast(0.97),
          busiest: atMost(tps),
          busiestTenth: atMost(Math.max(0.3 * tps, batchSizeFor(tps, 100))),
          // One write a batch, and one more for a batch woken, sent or answered late (1 timer in 20
          // stalls, 1 request in 20 arrives late).
          writesPerBatch: atMost(1.25),
        });
      }
    },
  );

  // The bench's 50 TPS run: 592 recipients of 600 rows (bad and duplicate numbers dropped), 11 batches of
  // 50 and one of 42. Handed over fourth (the queue sorted seq 11 after 1), that one left a rolling second
  // 8 short in the middle of the run: 0.966.
  it.each([
    ['quiet', 50, 592, quiet],
    ['quiet', 200, 2_369, quiet],
    ['loaded', 50, 592, loaded],
  ] as const)(
    'on a %s machine reaches ≥ 0.97 of %i TPS when the last of %i messages fill a short batch',
    async (_machine, tps, messages, conditions) => {
      for (const seed of [1, 2, 3]) {
        const { achieved, busiest, writesPerBatch } = await simulate(tps, 12, conditions, seed, messages);
        expect({ seed, achieved, busiest, writesPerBatch }).toEqual({
          seed,
          achieved: atLeast(0.97),
          busiest: atMost(tps),
          writesPerBatch: atMost(1.25),
        });
      }
    },
  );

  it("hands a partner its batches in the plan's order (the short last one last)", () => {
    const at = '2027-07-30T03:00:00.000Z';
    const order = [0, 1, 2, 10, 11].map((seq) => keys.batchQueueSk(at, 'c1', seq));
    expect([...order].sort()).toEqual(order);
  });

  // Before a slow check could no longer hold a batch past its moment, every batch that waited for one woke
  // ~200 ms late, gave it back and reserved again, on and on: at 200 TPS 263 pacing writes a batch and one
  // dispatch of 2,958 simulated seconds (the 1,000,000 scale run: 90 consumers a minute ran to their deadline).
  it.each([200, 1000])(
    'on a slow store (300–600 ms) hands each batch over well within its deadline at %i TPS, never over tps',
    async (tps) => {
      for (const seed of [1, 2]) {
        const { busiest, writesPerBatch, longestDispatchMs } = await simulate(tps, 6, slowStore, seed);
        expect({ seed, busiest, writesPerBatch, longestDispatchMs }).toEqual({
          seed,
          busiest: atMost(tps),
          writesPerBatch: atMost(1.25),
          // Half the consumer's 60 s deadline (measured 6.5 s at 200 TPS, 12.8 s at 1,000; 2,958 s before).
          longestDispatchMs: below(30_000),
        });
      }
    },
  );

  // Before a process's first answers from a partner had a usual to compare with, and before an answer
  // that came after the batches a window later had reserved moved them: the cold partner got 100 of 50,
  // 300 of 200 and 1,200–1,500 of 1,000 TPS in a rolling second (the bench: 1.4–1.5 × tps), the slowly
  // answering one 100 of 50, 300 of 200 and 1,100 of 1,000 TPS. Until its answers are steady each batch is
  // counted from its answer: at 50 TPS that is most of the run (the cold partner's 12 requests are all of
  // them), so the rate is lower there; the floor only guards that cost. How soon 8 answers in a row come
  // within the margin is chance: the slowly answering partner's at 200 TPS never did in one seed's run
  // (0.685, each window 1.47 s), in the others within 3 to 10 s (0.82–0.87).
  const unsteadyPartners = [
    { partner: 'cold', conditions: coldPartner, floors: { 50: 0.75, 200: 0.85, 1000: 0.95 } },
    { partner: 'slowly answering', conditions: slowAnswers, floors: { 50: 0.65, 200: 0.65, 1000: 0.85 } },
  ];
  it.each(
    unsteadyPartners.flatMap(({ partner, conditions, floors }) =>
      Object.entries(floors).map(([tps, floor]) => [partner, Number(tps), floor, conditions] as const),
    ),
  )(
    'never gives a %s partner more than tps (%i) in a rolling second, at ≥ %s of it',
    async (_partner, tps, floor, conditions) => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const { achieved, busiest, writesPerBatch } = await simulate(tps, 12, conditions, seed);
        expect({ seed, busiest, achieved, writesPerBatch }).toEqual({
          seed,
          busiest: atMost(tps),
          achieved: atLeast(floor),
          // A batch counted from its answer is one more write.
          writesPerBatch: atMost(2.25),
        });
      }
    },
  );

  it.each([50, 200, 1000])(
    'never gives a partner more than tps (%i) in a rolling second when the process stalls for up to 1.5 s',
    async (tps) => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const run = await simulate(tps, 12, stalling, seed);
        expect({ seed, busiest: run.busiest }).toEqual({
          seed,
          busiest: atMost(tps),
        });
      }
    },
  );
});
