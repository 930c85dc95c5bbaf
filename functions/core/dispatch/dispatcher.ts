import type { Campaign } from '#core/campaign.js';
import type { Partner } from '#core/partner.js';
import { isInsideWindow, nextWindowStart } from '#core/sending-window.js';
import { messageId, webhookId, type Batch, type BatchMessage } from './batch.js';
import { MAX_ATTEMPTS_PER_PARTNER, backoffMs, classifyAnswer } from './outcome.js';
import { countedFromAnswer, RESERVE_HORIZON_MS, reserveHorizonMs } from './pacing.js';
import { MISSING_FIELD, messageRenderer, type RenderedMessage } from './personalise.js';

/** How long before its moment a waiting batch checks that its campaign still sends (the read takes time). */
const STOP_CHECK_BEFORE_MS = 250;
import {
  OutcomeTooLargeError,
  type BatchQueue,
  type BatchRef,
  type BatchStore,
  type PartnerTransport,
  type RateLimiter,
} from './ports.js';

export interface DispatchDeps {
  batches: BatchStore;
  queue: BatchQueue;
  limiter: RateLimiter;
  /** Signed webhooks for `webhook` partners, Amazon SNS SMS for `sns` ones. */
  transportFor: (partner: Partner) => PartnerTransport;
  partner: (id: string) => Promise<Partner | undefined>;
  campaign: (id: string) => Promise<Campaign | undefined>;
  /** Called when a batch settles, so the campaign's progress (and completion) can follow. */
  onSettled: (batch: Batch, status: 'pending' | 'failed' | 'cancelled') => Promise<void>;
  shortLink: (code: string) => string;
  /** Counts for dashboards and alarms (Powertools metrics in Lambda). */
  observe: (metric: DispatchMetric, partnerId: string, count: number) => void;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  leaseMs: number;
  webhookTimeoutMs: number;
}

export type DispatchMetric =
  'MessagesHandedOver' | 'MessagesRejected' | 'BatchRetries' | 'Throttles' | 'Failovers' | 'MessagesFailed';

export type DispatchOutcome =
  'not-claimed' | 'accepted' | 'retry-later' | 'failed-over' | 'failed' | 'cancelled' | 'held';

const settleAll = (
  messages: BatchMessage[],
  state: BatchMessage['state'],
  at: string,
  reason?: string,
): BatchMessage[] =>
  messages.map((m) => (m.state === 'queued' ? { ...m, state, at, ...(reason ? { reason } : {}) } : m));

type Sendable = { message: BatchMessage; rendered: Extract<RenderedMessage, { ok: true }> };

/**
 * What a message's `{{link:URL}}` becomes: the URL itself when the campaign tracks no clicks, else its
 * short link (the message's own code, or the campaign's one code in aggregate mode).
 */
const linkOf = (
  deps: Pick<DispatchDeps, 'shortLink'>,
  campaign: Pick<Campaign, 'clickTracking'>,
  batch: Pick<Batch, 'linkCode'>,
  message: Pick<BatchMessage, 'code'>,
  url: string,
): string => {
  if (campaign.clickTracking === 'off') return url;
  const code = message.code ?? batch.linkCode;
  return code ? deps.shortLink(code) : '';
};

/**
 * Each queued message's own text (issue #16: its treatment, language and values, its short link in place
 * of `{{link:URL}}`), and the indexes of those that cannot go because a required value is missing.
 */
export const renderBatch = (
  deps: Pick<DispatchDeps, 'shortLink'>,
  batch: Batch,
  campaign: Campaign,
): { sendable: Sendable[]; missing: Set<number> } => {
  const render = messageRenderer(campaign);
  const sendable: Sendable[] = [];
  const missing = new Set<number>();
  for (const message of batch.messages) {
    if (message.state !== 'queued') continue;
    const rendered = render(batch, message, (url) => linkOf(deps, campaign, batch, message, url));
    if (rendered.ok) sendable.push({ message, rendered });
    else missing.add(message.index);
  }
  return { sendable, missing };
};

/** The `sms.send` body of contract §8: each message personalised, with its own encoding and segments. */
export const sendBody = (batch: Batch, sendable: readonly Sendable[], partner: Partner, at: Date) =>
  JSON.stringify({
    type: 'sms.send',
    timestamp: at.toISOString(),
    data: {
      batchId: `${batch.campaignId}.${batch.seq}`,
      campaignId: batch.campaignId,
      messages: sendable.map(({ message: m, rendered }) => ({
        messageId: messageId(batch.campaignId, batch.seq, m.index),
        to: m.to,
        senderId: partner.senderId,
        text: rendered.text,
        encoding: rendered.encoding,
        segments: rendered.segments,
      })),
    },
  });

/** Queued messages whose text lacks a required value fail as `missing_field`, never sent. */
const failMissing = (messages: BatchMessage[], missing: ReadonlySet<number>, at: string): BatchMessage[] =>
  missing.size
    ? messages.map((m) =>
        m.state === 'queued' && missing.has(m.index)
          ? { ...m, state: 'failed', at, reason: MISSING_FIELD }
          : m,
      )
    : messages;

/**
 * Hands one batch to its partner (contract §8 "We send"): claim it with a conditional write, wait for its
 * moment in the partner's rolling window, POST it signed, then settle it (pending), retry it later with backoff,
 * fail it over to the next partner for its carrier, or fail it. A paused campaign or a closed sending
 * window puts it back in the queue untouched; a cancelled campaign cancels it.
 */
export const dispatchBatch = async (deps: DispatchDeps, ref: BatchRef): Promise<DispatchOutcome> => {
  const batch = await deps.batches.claim(ref, deps.now(), deps.leaseMs);
  if (!batch) return 'not-claimed';
  const campaign = await deps.campaign(batch.campaignId);
  const stopped = await holdIfStopped(deps, batch, campaign);
  if (stopped || !campaign) return stopped ?? 'cancelled';

  const partner = await deps.partner(batch.partnerId);
  const { sendable, missing } = renderBatch(deps, batch, campaign);
  if (!sendable.length) return settleUnsendable(deps, batch, missing, partner);
  if (!partner?.enabled) return failOver(deps, batch, `partner ${batch.partnerId} is not available`);
  const queued = sendable.map((s) => s.message);
  // Waiting for the budget can take seconds: a pause, cancel or closing window meanwhile still holds it.
  const slot = await acquire(deps, partner, queued.length, {
    read: () => deps.campaign(batch.campaignId),
    hold: (current) => holdIfStopped(deps, batch, current),
  });
  if ('stop' in slot) return slot.stop;
  // Gone out later than its moment allows (woken late, a new connection, a busy process): the batches a
  // window later must count it from then. Recorded while the partner answers, so before they reserve: from
  // when it was handed to the transport, once more if the transport tells it went out later still, and
  // once more if its answer tells it arrived later. Each record is asked at once, from the moment the one
  // before moved it to: the limiter makes them in the order asked. Chained, each waited for the one before
  // to be written, and reservations made meanwhile counted on a moment already given up.
  let countedFrom = slot.moment;
  const recordings: Promise<void>[] = [];
  const recordIfLate = (sentAt: Date) => {
    if (sentAt.getTime() - countedFrom.getTime() <= deps.limiter.lateToleranceMs) return;
    recordings.push(deps.limiter.sentLate(partner.id, queued.length, countedFrom, sentAt));
    countedFrom = sentAt;
  };
  const handedAt = deps.now();
  let wentAt = handedAt;
  recordIfLate(handedAt);
  const answer = await deps.transportFor(partner).send({
    url: partner.webhookUrl,
    secret: partner.secrets[0]?.secret ?? '',
    webhookId: webhookId(batch.campaignId, batch.seq, partner.id),
    body: sendBody(batch, sendable, partner, handedAt),
    timeoutMs: deps.webhookTimeoutMs,
    onSent: (at) => {
      wentAt = at;
      recordIfLate(at);
    },
  });
  // Gone out on time, it may still have reached the partner late (the bench traced one 32 ms late and the
  // batch a window later on time: two windows' worth within 991 ms). Its arrival is not known, but an answer
  // slower than the partner's fastest recent one may be that much later: counted from then too. However
  // late the answer, batches a window later that reserved counting on the old moment may still be waiting:
  // they find their window crowded before they go (`acquire`) and reserve again. Left as it was, a late
  // answer (a slow partner, a slow store's long lead) let them go: 100 of 50 TPS in the model.
  if (answer.status !== undefined) {
    const answeredAt = deps.now().getTime();
    const slowerByMs = deps.limiter.answeredIn?.(partner.id, answeredAt - wentAt.getTime()) ?? 0;
    if (slowerByMs > 0) recordIfLate(new Date(countedFromAnswer(wentAt.getTime(), slowerByMs, deps.limiter)));
  }
  // The batch was handed over either way: a failed correction must not make it be handed over again.
  await Promise.allSettled(recordings);
  const result = classifyAnswer(answer, deps.now());
  const at = deps.now().toISOString();

  switch (result.kind) {
    case 'accepted': {
      const rejected = new Map(result.rejected.map((r) => [r.messageId, r.reason]));
      const messages = failMissing(batch.messages, missing, at).map((m): BatchMessage => {
        if (m.state !== 'queued') return m;
        const reason = rejected.get(messageId(batch.campaignId, batch.seq, m.index));
        return reason
          ? { ...m, state: 'failed', at, reason: `rejected: ${reason}` }
          : { ...m, state: 'pending', at, sentAt: at };
      });
      await settleAccepted(
        deps,
        batch,
        messages,
        { price: partner.pricePerSegment, currency: partner.currency },
        partner.id,
      );
      deps.observe('MessagesHandedOver', partner.id, queued.length - rejected.size);
      if (rejected.size) deps.observe('MessagesRejected', partner.id, rejected.size);
      return 'accepted';
    }
    case 'refused':
      await settle(
        deps,
        batch,
        'failed',
        settleAll(failMissing(batch.messages, missing, at), 'failed', at, 'rejected'),
        undefined,
        partner.id,
      );
      deps.observe('MessagesRejected', partner.id, queued.length);
      return 'failed';
    case 'retry': {
      deps.observe(result.reason.startsWith('throttled') ? 'Throttles' : 'BatchRetries', partner.id, 1);
      const attempt = batch.attempt + 1;
      // After a 5xx or a timeout the partner may have taken the batch, so may report on it; a 429 took nothing.
      const handedTo = result.reason.startsWith('throttled') ? undefined : partner.id;
      if (attempt >= MAX_ATTEMPTS_PER_PARTNER) return failOver(deps, batch, result.reason, handedTo, missing);
      const delay = backoffMs(attempt, deps.random, result.retryAfterMs);
      await deps.batches.release(
        batch,
        {
          partnerId: batch.partnerId,
          attempt,
          availableAt: new Date(deps.now().getTime() + delay),
          ...(handedTo ? { handedTo } : {}),
        },
        deps.now(),
      );
      return 'retry-later';
    }
  }
};

/**
 * A batch with nothing left to hand over settles without a request (an `sms.send` needs at least one
 * message): each queued message lacks a required value, or a partner that took an earlier attempt (a
 * timeout, a 5xx) has reported on every message since. Pending while any message is not failed; the price
 * is that of the partner holding it when that partner was handed it.
 */
const settleUnsendable = async (
  deps: DispatchDeps,
  batch: Batch,
  missing: ReadonlySet<number>,
  partner: Partner | undefined,
): Promise<DispatchOutcome> => {
  const messages = failMissing(batch.messages, missing, deps.now().toISOString());
  if (missing.size) deps.observe('MessagesFailed', batch.partnerId, missing.size);
  if (messages.every((m) => m.state === 'failed')) {
    await settle(deps, batch, 'failed', messages);
    return 'failed';
  }
  const charge =
    partner && batch.handedTo?.includes(partner.id)
      ? { price: partner.pricePerSegment, currency: partner.currency }
      : undefined;
  await settle(deps, batch, 'pending', messages, charge);
  return 'accepted';
};

/**
 * Puts the batch back when its campaign is not sending now: cancelled (or gone) cancels it, paused holds it
 * a second, a closed sending window holds it until the window reopens. Undefined when it may go.
 */
const holdIfStopped = async (
  deps: DispatchDeps,
  batch: Batch,
  campaign: Campaign | undefined,
): Promise<'cancelled' | 'held' | undefined> => {
  const now = deps.now();

  if (!campaign || campaign.status === 'cancelled') {
    await settle(
      deps,
      batch,
      'cancelled',
      settleAll(batch.messages, 'failed', now.toISOString(), 'cancelled'),
    );
    return 'cancelled';
  }
  if (!batch.test) {
    if (campaign.status !== 'sending') {
      await deps.batches.release(
        batch,
        { partnerId: batch.partnerId, attempt: batch.attempt, availableAt: new Date(now.getTime() + 1000) },
        now,
      );
      return 'held';
    }
    if (!isInsideWindow(now, campaign.sendingWindow, campaign.timeZone)) {
      const reopens = nextWindowStart(now, campaign.sendingWindow, campaign.timeZone);
      await deps.batches.release(
        batch,
        { partnerId: batch.partnerId, attempt: batch.attempt, availableAt: reopens },
        now,
      );
      return 'held';
    }
  }

  return undefined;
};

const settle = async (
  deps: DispatchDeps,
  batch: Batch,
  status: 'pending' | 'failed' | 'cancelled',
  messages: BatchMessage[],
  charge?: { price: number; currency: string },
  handedTo?: string,
) => {
  if (await deps.batches.settle(batch, status, messages, deps.now(), charge, handedTo))
    await deps.onSettled(batch, status);
};

/**
 * The partner took the batch, so its outcome must be saved now: a batch left `handing` would be claimed again
 * when its lease ends and handed to the same partner once more. When the partner's reasons make the item
 * too large, they are dropped (each such message fails as plain `rejected`).
 */
const settleAccepted = async (
  deps: DispatchDeps,
  batch: Batch,
  messages: BatchMessage[],
  charge: { price: number; currency: string },
  handedTo: string,
) => {
  try {
    await settle(deps, batch, 'pending', messages, charge, handedTo);
  } catch (error) {
    if (!(error instanceof OutcomeTooLargeError)) throw error;
    const compact = messages.map((m) =>
      m.state === 'failed' && m.reason?.startsWith('rejected: ') ? { ...m, reason: 'rejected' } : m,
    );
    await settle(deps, batch, 'pending', compact, charge, handedTo);
  }
};

/**
 * How long after the moment a batch is counted from a record of it (a late send, a late arrival) may still
 * be made: the batches a window after that moment are reserved from the limiter's lead and the horizon (at
 * least a lead) before it, and the record takes up to a lead to land.
 */
const latestCorrectionMs = (limiter: RateLimiter, leadMs: number) =>
  limiter.windowMs - reserveHorizonMs(leadMs) - 2 * leadMs;

/**
 * The pause / cancel / window check of a batch waiting for its moment: `read` fetches the campaign (a store
 * round trip), `hold` puts the batch back if it is not sending now (its answer is answered as `stop`).
 */
interface StopCheck<Read, Stop> {
  read: () => Promise<Read>;
  hold: (read: Read) => Promise<Stop | undefined>;
}

/**
 * Starts the check now: the read, then `hold` on what it read, unless the batch has gone meanwhile.
 * `outcome()` answers what the check found by then: `stop` if it holds the batch; undefined if it lets it
 * go, or if its read is still out: the batch then goes on the checks made before (at its claim, on a
 * backlog's earlier turns), as if the pause had come a moment later, and the check's answer is ignored.
 * Waited for, a read slower than the time left before the moment made every waiting batch late for it:
 * DynamoDB Local at 300–600 ms a round trip left each ~200 ms late, it gave its moment back and reserved
 * again, on and on (issue #17: in the 1,000,000 send, 90 consumers a minute ran to their 60 s deadline; the
 * pacing model at 200 TPS: one dispatch of 2,958 simulated seconds, 263 pacing writes a batch).
 */
const startCheck = <Read, Stop>(check: StopCheck<Read, Stop>) => {
  let gone = false;
  let found: { ok: true; stop: Stop | undefined } | { ok: false; error: unknown } | undefined;
  // Once `hold` has begun it is waited for: it may be putting the batch back.
  let holding: Promise<unknown> | undefined;
  const done = check.read().then(
    async (read) => {
      if (gone) return;
      holding = check.hold(read).then(
        (stop) => void (found = { ok: true, stop }),
        (error: unknown) => void (found = { ok: false, error }),
      );
      await holding;
    },
    (error: unknown) => void (found = { ok: false, error }),
  );
  const outcome = (): { stop: Stop } | undefined => {
    if (!found) {
      gone = true;
      return undefined;
    }
    if (!found.ok) throw found.error;
    return found.stop === undefined ? undefined : { stop: found.stop };
  };
  return {
    /** What the check found by now; a read still out is left unanswered. */
    outcome: async () => {
      if (holding && !found) await holding;
      return outcome();
    },
    /** Waits for the check to end, then what it found. */
    settled: async () => {
      await done;
      return outcome();
    },
  };
};

/**
 * Reserves the batch's moment in the partner's rolling window (shared across consumers) and waits for it:
 * answers the moment once the batch may go, and the limiter's lead then. While it waits, `check` may call it
 * off (answered as `stop`), but never holds it past its moment.
 */
const acquire = async <Read, Stop>(
  deps: DispatchDeps,
  partner: Partner,
  count: number,
  check: StopCheck<Read, Stop>,
): Promise<{ moment: Date } | { stop: Stop }> => {
  let missed: Date | undefined;
  let waited = false;
  const waitingSince = deps.now();
  for (;;) {
    // After a wait the campaign is read again while the batch reserves, not before: read first, the read
    // came on top of the limiter's lead and the moment free was already past (a gap at the partner in
    // every window, 0.957 of 200 TPS with a 40–120 ms store). A batch stopped now leaves its moment
    // unused (counted for nothing: only safe).
    const reserving = deps.limiter.reserve(partner.id, count, partner.tps, deps.now(), {
      horizonMs: RESERVE_HORIZON_MS,
      waitingSince,
      ...(missed ? { replacing: missed } : {}),
    });
    let checking = waited ? startCheck(check) : undefined;
    const { at: moment, reserved, leadMs } = await reserving;
    const at = moment.getTime();
    if (!reserved) {
      // Waiting anyway: the check is waited for.
      const stop = await checking?.settled();
      if (stop) return stop;
      // A backlog: ask again when the moment is within the horizon, which counts from now + the limiter's
      // lead (asked later, the moment would be now + lead, past the one free: a gap at the partner).
      // Consumers waiting for the same moment spread out over half the horizon so that they do not all
      // ask at once.
      await deps.sleep(
        Math.max(0, at - leadMs - RESERVE_HORIZON_MS - deps.now().getTime()) +
          deps.random() * (RESERVE_HORIZON_MS / 2),
      );
      waited = true;
      continue;
    }
    if (checking) {
      const stop = await checking.outcome();
      if (stop) return stop;
      checking = undefined;
    }
    if (at > deps.now().getTime()) {
      // The check is made shortly before the moment, while the wait to the moment goes on, so a slow read
      // does not make the batch late. A moment nearer than that: the campaign was read just before reserving.
      const early = at - STOP_CHECK_BEFORE_MS - deps.now().getTime();
      if (early > 0 && !checking) {
        await deps.sleep(early);
        checking = startCheck(check);
      }
      await deps.sleep(at - deps.now().getTime());
    }
    const stop = await checking?.outcome();
    if (stop) return stop;
    // Woken later than its moment (a slow read, a busy process), it still goes now while no batch a window
    // after its moment can have been reserved (those are reserved from lead + horizon before it; the record
    // of its late send takes up to a lead to land): dispatchBatch counts it from when it went. Reserving
    // again cost the lateness and the lead, a gap at the partner each time. Later than that (a stalled
    // process), the batches a window later may be placed already: it gives its moment back and reserves
    // again in the same write.
    const late = deps.now().getTime() - at;
    const crowded = deps.limiter.crowded?.(partner.id, moment) ?? false;
    if (!crowded && late <= Math.max(deps.limiter.lateToleranceMs, latestCorrectionMs(deps.limiter, leadMs)))
      return { moment };
    missed = moment;
  }
};

/**
 * `handedTo`: the partner the batch was POSTed to before giving up on it (none when it was never sent).
 * `missing`: messages that could not be rendered, failed as `missing_field` rather than for the partner.
 */
const failOver = async (
  deps: DispatchDeps,
  batch: Batch,
  reason: string,
  handedTo?: string,
  missing: ReadonlySet<number> = new Set(),
): Promise<DispatchOutcome> => {
  const next = batch.routes[batch.routes.indexOf(batch.partnerId) + 1];
  const now = deps.now();
  const handed = handedTo ? { handedTo } : {};
  if (next) {
    deps.observe('Failovers', batch.partnerId, 1);
    if (
      await deps.batches.release(batch, { partnerId: next, attempt: 0, availableAt: now, ...handed }, now)
    ) {
      await deps.queue.enqueue([{ campaignId: batch.campaignId, seq: batch.seq, partnerId: next }]);
    }
    return 'failed-over';
  }
  await settle(
    deps,
    batch,
    'failed',
    settleAll(
      failMissing(batch.messages, missing, now.toISOString()),
      'failed',
      now.toISOString(),
      `partner_unavailable: ${reason}`,
    ),
    undefined,
    handedTo,
  );
  return 'failed';
};
