/**
 * What a simulated carrier decides about a batch, without any network: the rolling-second TPS ledger, the
 * seeded random numbers and the accept / replay / throttle / reject / fail answer with its counters.
 */

export type SimulatorMode =
  'ok' | 'fail500' | 'timeout' | 'slow' | 'reject400' | 'down' | 'throttle429' | 'oversized' | 'malformed';
export const SIMULATOR_MODES: readonly SimulatorMode[] = [
  'ok',
  'fail500',
  'timeout',
  'slow',
  'reject400',
  'down',
  'throttle429',
  'oversized',
  'malformed',
];
export const isSimulatorMode = (value: unknown): value is SimulatorMode =>
  (SIMULATOR_MODES as readonly unknown[]).includes(value);

/** mulberry32: a tiny seeded generator of numbers in [0, 1); the same seed gives the same sequence. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const unixSecond = (epochMs: number): number => Math.floor(epochMs / 1000);

/**
 * The most messages in any rolling window of `windowMs` (half-open: a window starting at a batch holds the
 * batches less than `windowMs` after it), whole batches counted, from arrival times in epoch ms. How a
 * carrier's gateway counts, and how the simulators, the tests and the bench measure our pacing.
 */
export const busiestWindow = (arrivals: readonly (readonly [number, number])[], windowMs = 1000): number => {
  const sorted = [...arrivals].sort(([a], [b]) => a - b);
  let busiest = 0;
  let inWindow = 0;
  let first = 0;
  for (const [at, count] of sorted) {
    inWindow += count;
    for (let entry = sorted[first]; entry && entry[0] <= at - windowMs; entry = sorted[++first])
      inWindow -= entry[1];
    busiest = Math.max(busiest, inWindow);
  }
  return busiest;
};

/**
 * The mean number of messages in a rolling window of `windowMs` over the steady part of a run, from arrival
 * times in epoch ms: every window that starts a window or more after the first arrival and ends a window or
 * more before the last one (the whole run when it is shorter than three windows; undefined when it is
 * shorter than one). Divided by tps it is the rate a pacer achieved, as the tests and the bench measure it:
 * - it can never exceed the busiest window (it is a mean of windows), so a pacer that keeps every rolling
 *   second ≤ tps reads ≤ 1, whatever the batch sizes or how batches bunch up;
 * - it does not depend on where in its period the run ends: a stream at a steady rate r reads r × 1 s
 *   whether its batches come evenly spread or several at one moment. "Messages after the first moment ÷
 *   (last − first)" reads high when batches bunch up just before the last arrival (up to a window's worth
 *   too many: 1.013 of 200 TPS, above the 0.980 ceiling, with nothing throttled), and "all messages ÷
 *   (last − first + a window)" reads low for evenly spread batches (12 of 13 over 12 s);
 * - the start (consumers claiming their first batches, each a round trip apart) and the end (the plan's
 *   last, short batch) are a one-off cost of a campaign, not its rate: in a 12 s run a start 140 ms
 *   staggered read 1.2 % low, in a 10-minute one nothing.
 * Each arrival counts for the span of window starts whose window holds it.
 */
export const meanInRollingWindow = (
  arrivals: readonly (readonly [number, number])[],
  windowMs = 1000,
): number | undefined => {
  if (!arrivals.length) return undefined;
  const first = Math.min(...arrivals.map(([at]) => at));
  const last = Math.max(...arrivals.map(([at]) => at));
  const steady = last - first > 3 * windowMs;
  const from = steady ? first + windowMs : first;
  const to = (steady ? last - windowMs : last) - windowMs;
  if (to <= from) return undefined;
  let weighted = 0;
  for (const [at, count] of arrivals)
    weighted += count * Math.max(0, Math.min(at, to) - Math.max(from, at - windowMs));
  return weighted / (to - from);
};

/**
 * Messages taken in, counted over every rolling second as carriers' gateways do (not per wall-clock
 * second): a batch that would make the last second hold more than `tps` is refused whole.
 */
export class TpsLedger {
  private readonly taken: [number, number][] = [];
  private readonly offered: [number, number][] = [];
  private readonly counts = new Map<number, number>();
  private inLastSecond = 0;
  private oldest = 0;

  constructor(readonly tps: number) {}

  /** Records the batch arriving at `atMs` and answers true, or answers false and records nothing. */
  admit(atMs: number, messages: number): boolean {
    this.offered.push([atMs, messages]);
    for (
      let entry = this.taken[this.oldest];
      entry && entry[0] <= atMs - 1000;
      entry = this.taken[++this.oldest]
    )
      this.inLastSecond -= entry[1];
    if (this.inLastSecond + messages > this.tps) return false;
    this.taken.push([atMs, messages]);
    this.inLastSecond += messages;
    const second = unixSecond(atMs);
    this.counts.set(second, (this.counts.get(second) ?? 0) + messages);
    return true;
  }

  /** Batches that reached the check, throttled ones included. */
  get offeredCount(): number {
    return this.offered.length;
  }

  /** Each batch taken: [arrival epoch ms, messages]. */
  get arrivals(): [number, number][] {
    return this.taken.map(([at, count]) => [at, count]);
  }

  /**
   * The most messages offered in any rolling second, throttled batches included: what the sender's pacing
   * put at the door (≤ tps exactly when nothing was throttled for TPS).
   */
  get maxOfferedInAnySecond(): number {
    return busiestWindow(this.offered);
  }

  /** The most messages taken in any rolling second; ≤ tps by construction. */
  get maxInAnySecond(): number {
    return busiestWindow(this.taken);
  }

  /** Messages per wall-clock second, for a timeline (pacing is judged over rolling seconds). */
  get perSecond(): Record<number, number> {
    return Object.fromEntries(this.counts);
  }

  get maxPerSecond(): number {
    return Math.max(0, ...this.counts.values());
  }

  get secondsOverTps(): number {
    return [...this.counts.values()].filter((count) => count > this.tps).length;
  }
}

export interface Rejection {
  messageId: string;
  reason: string;
}

export interface ReportDraft {
  messageId: string;
  status: 'delivered' | 'failed' | 'expired' | 'rejected';
  errorCode?: string;
}

export const REJECT_REASONS = ['invalid_destination', 'blocked_recipient'] as const;
/**
 * How undelivered messages are reported, as a real SMSC does: GSM MAP causes (the absent subscriber most
 * often, hence listed twice), expiry, the carrier's spam filter, and a code of the partner's own.
 */
export const FAILURES = [
  { status: 'failed', errorCode: 'ABSENT_SUBSCRIBER' },
  { status: 'failed', errorCode: 'ABSENT_SUBSCRIBER' },
  { status: 'failed', errorCode: 'UNKNOWN_SUBSCRIBER' },
  { status: 'failed', errorCode: 'MEMORY_CAPACITY_EXCEEDED' },
  { status: 'failed', errorCode: 'CALL_BARRED' },
  { status: 'expired', errorCode: 'VALIDITY_EXPIRED' },
  { status: 'rejected', errorCode: 'SPAM_FILTERED' },
  { status: 'failed', errorCode: 'SMSC_SYSTEM_FAILURE' },
] as const satisfies readonly [Omit<ReportDraft, 'messageId'>, ...Omit<ReportDraft, 'messageId'>[]];
export const FAILURE_CODES = [...new Set(FAILURES.map((f) => f.errorCode))];

const pick = <T>(list: readonly [T, ...T[]], random: () => number): T =>
  list[Math.floor(random() * list.length)] ?? list[0];

/** Per message: rejected at once (`rejectRate`), else delivered (`successRate`) or a failure with a code. */
export const decideMessages = (
  messageIds: readonly string[],
  rates: { rejectRate: number; successRate: number },
  random: () => number,
): { rejected: Rejection[]; reports: ReportDraft[] } => {
  const rejected: Rejection[] = [];
  const reports: ReportDraft[] = [];
  for (const messageId of messageIds) {
    if (random() < rates.rejectRate) rejected.push({ messageId, reason: pick(REJECT_REASONS, random) });
    else if (random() < rates.successRate) reports.push({ messageId, status: 'delivered' });
    else reports.push({ messageId, ...pick(FAILURES, random) });
  }
  return { rejected, reports };
};

export interface BatchCounters {
  /** Messages in every authenticated batch request, retries and replays included. */
  received: number;
  /** Messages taken on (2xx), less those rejected one by one. */
  accepted: number;
  /** Messages refused: one by one in a 2xx answer, or whole batches answered 400. */
  rejected: number;
  /** Messages answered 429. */
  throttled: number;
  /** Messages accepted although their messageId had been accepted before (handed over twice). */
  duplicates: number;
  /** Requests repeating the webhook-id of a batch already accepted: answered 200 again, nothing taken. */
  replays: number;
}

export type BatchAnswer =
  | { status: 200; body: { rejected: Rejection[] }; reports: ReportDraft[] }
  | { status: 400 | 429 | 500; body: { error: { code: string; message: string } }; reports: [] };

const refusal = (status: 400 | 429 | 500, code: string, message: string): BatchAnswer => ({
  status,
  body: { error: { code, message } },
  reports: [],
});

export interface CarrierSettings {
  tps: number;
  maxBatchSize: number;
  rejectRate: number;
  successRate: number;
  seed: number;
}

const zeroCounters = (): BatchCounters => ({
  received: 0,
  accepted: 0,
  rejected: 0,
  throttled: 0,
  duplicates: 0,
  replays: 0,
});

/** A carrier's memory of the batches it was handed: what it answered, which messages it holds. */
export class CarrierBook {
  counters = zeroCounters();
  ledger: TpsLedger;
  private random: () => number;
  private readonly acceptedMessageIds = new Set<string>();
  /** Each message taken on → the webhook-ids of the requests that handed it over (a replay adds none). */
  readonly deliveries = new Map<string, string[]>();
  private readonly answersByWebhookId = new Map<string, { rejected: Rejection[] }>();

  constructor(private readonly settings: CarrierSettings) {
    this.ledger = new TpsLedger(settings.tps);
    this.random = seededRandom(settings.seed);
  }

  reset(): void {
    this.counters = zeroCounters();
    this.ledger = new TpsLedger(this.settings.tps);
    this.random = seededRandom(this.settings.seed);
    this.acceptedMessageIds.clear();
    this.deliveries.clear();
    this.answersByWebhookId.clear();
  }

  /** The answer to an authenticated batch arriving at `nowMs`; synchronous, so the TPS count is exact. */
  take(webhookId: string, messageIds: readonly string[], nowMs: number, mode: SimulatorMode): BatchAnswer {
    const size = messageIds.length;
    this.counters.received += size;
    if (mode === 'fail500') return refusal(500, 'internal_error', 'Simulated carrier failure');
    // A 429 storm: whatever the rolling second holds, nothing is taken (a gateway shedding load).
    if (mode === 'throttle429') {
      this.counters.throttled += size;
      return refusal(429, 'rate_limited', 'Simulated throttling storm');
    }

    const earlier = this.answersByWebhookId.get(webhookId);
    if (earlier) {
      this.counters.replays += 1;
      return { status: 200, body: earlier, reports: [] };
    }
    if (mode === 'reject400') {
      this.counters.rejected += size;
      return refusal(400, 'batch_rejected', 'Simulated carrier refuses the batch');
    }
    if (size > this.settings.maxBatchSize) {
      this.counters.rejected += size;
      return refusal(400, 'batch_too_large', `At most ${this.settings.maxBatchSize} messages per batch`);
    }
    if (!this.ledger.admit(nowMs, size)) {
      this.counters.throttled += size;
      return refusal(429, 'rate_limited', `At most ${this.settings.tps} messages per second`);
    }

    const { rejected, reports } = decideMessages(messageIds, this.settings, this.random);
    for (const { messageId } of reports) {
      if (this.acceptedMessageIds.has(messageId)) this.counters.duplicates += 1;
      this.acceptedMessageIds.add(messageId);
      const under = this.deliveries.get(messageId);
      if (under) under.push(webhookId);
      else this.deliveries.set(messageId, [webhookId]);
    }
    this.counters.accepted += reports.length;
    this.counters.rejected += rejected.length;
    const body = { rejected };
    this.answersByWebhookId.set(webhookId, body);
    return { status: 200, body, reports };
  }
}

/** Opt-out replies as subscribers type them; each is an opt-out keyword of contract §8 once normalised. */
export const OPT_OUT_REPLY_TEXTS = [
  'Từ chối',
  'TU CHOI',
  'Tu choi',
  'Huỷ',
  'HUY',
  'DUNG',
  'stop',
  'TC',
] as const;
/** Other replies: thanks, acknowledgements, questions; none is an opt-out keyword. */
export const OTHER_REPLY_TEXTS = [
  'Cảm ơn',
  'Cảm ơn công an',
  'Tôi đã nhận được tin nhắn',
  '111 là số gì?',
  'Ok',
] as const;

export interface ReplyRates {
  /** Fraction of delivered messages whose recipient replies. */
  replyRate: number;
  /** Fraction of those replies that are an opt-out keyword. */
  optOutShare: number;
}

/** A subscriber's reply to a delivered message, before it is given an id and a time. */
export interface ReplyDraft {
  /** The message replied to. */
  messageId: string;
  /** The recipient's phone, as the batch gave it. */
  from: string;
  text: string;
  optOut: boolean;
}

/**
 * Which recipients of delivered messages reply (`replyRate`), and with what: an opt-out keyword
 * (`optOutShare` of the replies) or another text. Draws nothing for a message when `replyRate` is 0.
 */
export const decideReplies = (
  delivered: readonly { messageId: string; to: string }[],
  rates: ReplyRates,
  random: () => number,
): ReplyDraft[] => {
  if (rates.replyRate <= 0) return [];
  const replies: ReplyDraft[] = [];
  for (const { messageId, to } of delivered) {
    if (random() >= rates.replyRate) continue;
    const optOut = random() < rates.optOutShare;
    const text = pick<string>(optOut ? OPT_OUT_REPLY_TEXTS : OTHER_REPLY_TEXTS, random);
    replies.push({ messageId, from: to, text, optOut });
  }
  return replies;
};

/** How far past our API's 64 KiB read limit (webhook-transport `MAX_ANSWER_BYTES`) an `oversized` answer goes. */
export const OVERSIZED_ANSWER_BYTES = 256 * 1024;

/**
 * The text of an answer as the mode shapes it: `oversized` pads a 2xx past what our API reads (a gateway
 * echoing the whole batch back, debug output), `malformed` cuts a 2xx's JSON short (a proxy's truncated or
 * garbled answer); the batch was taken either way. Other modes and statuses answer the JSON as it is.
 */
export const answerText = (mode: SimulatorMode, status: number, body: unknown): string => {
  const json = JSON.stringify(body);
  if (status < 200 || status > 299) return json;
  if (mode === 'oversized')
    return JSON.stringify({ ...(body as object), echo: 'x'.repeat(OVERSIZED_ANSWER_BYTES) });
  if (mode === 'malformed') return `${json.slice(0, Math.max(1, json.length - 2))}<html>`;
  return json;
};
