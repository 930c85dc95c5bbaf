/**
 * Per-partner pacing (contract §8: never more than `tps` messages per second to one partner, across all
 * consumers), as a carrier's gateway counts it: over every rolling second, not per wall-clock second. A
 * wall-clock counter lets a second's budget go at the end of one second and the next one's at the start of
 * the next: 2 × tps within a few milliseconds.
 *
 * The shared state is a log of the batches reserved in the last window (time and size). A batch of `size`
 * is given the earliest moment `x`, not before any batch already reserved, such that the messages reserved
 * in `(x − window, x]` plus its own stay ≤ tps. Because every batch is checked against the window ending at
 * its own moment and moments only grow, every window of that length holds ≤ tps messages, whole batches
 * counted, whatever their sizes (a GCRA counting `size / tps` cannot promise that for mixed sizes: 10, 9
 * and 10 at tps 20 fit 29 messages in 950 ms).
 *
 * The window is longer than a second by a safety margin: our send times and the partner's arrival times
 * differ by a delay that varies (timer lateness, network), and a variation of d can bring two batches d
 * closer at the partner. We never send more than half the margin after the reserved moment and leave the
 * other half to the network, so every rolling second at the partner holds ≤ tps while the steady rate is
 * 1000 / 1020 = 98 % of tps with the default 20 ms.
 *
 * A batch woken later than that (a slow write, a busy process) has sent nothing yet, so its reservation can
 * simply be taken back: it reserves again in place of its old moment (`replacing`), which only lowers the
 * windows that counted it. The slot is not lost: the next batch to reserve may use it, and the rate holds.
 *
 * Within the window, batches are spread evenly (`evenlyAfter`): each is due its share of the window after
 * the one before, as a carrier's gateway takes traffic best. This only delays batches, so the window's
 * promise is untouched, and the rate is the same.
 */
export const SAFETY_MARGIN_MS = 20;
/** The rolling window a partner counts `tps` over; the pacing window is this and the safety margin. */
export const PARTNER_WINDOW_MS = 1000;
export const PACING_WINDOW_MS = PARTNER_WINDOW_MS + SAFETY_MARGIN_MS;
/** A batch sent later than this after its reserved moment might crowd the next ones: reserve again. */
export const LATE_TOLERANCE_MS = SAFETY_MARGIN_MS / 2;

/**
 * The pacing window and lateness tolerance for a safety margin: a partner reached over a network whose delay
 * varies more (or a loaded test machine) needs a wider one, at the cost of rate (1000 / (1000 + margin)).
 */
export const pacingFor = (marginMs: number) => ({
  windowMs: PARTNER_WINDOW_MS + marginMs,
  lateToleranceMs: marginMs / 2,
});
/**
 * Reservations closer than this are kept as one entry at the later moment (which only counts the earlier
 * one for longer: safe), so the log has at most window / 5 entries whatever the batch size.
 */
export const MERGE_WITHIN_MS = 5;

/** One entry of the log: the moment (epoch ms) and the messages reserved then. */
export type Reservation = readonly [at: number, count: number];

/**
 * Reservations are made at most this far beyond the earliest moment: a consumer whose moment is further
 * waits and asks again. So the log never runs much more than this ahead of the clock, and a batch that
 * woke late can give its moment back before any batch a window later has been placed counting on it; when
 * consumers reserved a second or more ahead, a moment missed stayed missed (one batch lost each time).
 */
export const RESERVE_HORIZON_MS = 200;

/**
 * How far beyond the lead a reservation may be made: the horizon, or the limiter's lead when that is longer,
 * so that a write reserves as many moments of an evenly paced partner as pass while the next write is made
 * (a 300–600 ms store reserved 2 of 1,000 TPS's 102 ms moments in each: a quarter of the rate).
 */
export const reserveHorizonMs = (leadMs: number, horizonMs = RESERVE_HORIZON_MS) =>
  Math.max(horizonMs, leadMs);

export interface ReserveOptions {
  windowMs?: number;
  /**
   * When the next batch is due on the even schedule (`evenlyAfter`): not placed before it. A batch given
   * its moment back (`replacing`) is not held to it: its share of the schedule was counted when it reserved.
   */
  dueAt?: number;
  /** The moment this batch reserved before and did not use (it woke too late): taken out of the log first. */
  replacing?: number;
  /** No reservation beyond `earliest` + this: `reserved` false, the log unchanged, `at` the moment as it stands. */
  horizonMs?: number;
}

/**
 * The moment a batch of `size` may go to a partner allowing `tps`, not before `earliest`, and the log with
 * it (entries that can no longer share a window with a future batch dropped). A batch larger than tps
 * goes alone in its window.
 */
export const reserve = (
  log: readonly Reservation[],
  earliest: number,
  size: number,
  tps: number,
  { windowMs = PACING_WINDOW_MS, replacing, horizonMs = Infinity, dueAt }: ReserveOptions = {},
): { at: number; log: Reservation[]; reserved: boolean; dueAt: number | undefined } => {
  const live = withdraw(log, replacing, size, windowMs).filter(([at]) => at > earliest - windowMs);
  const needed = Math.min(size, tps);
  const due = replacing === undefined ? Math.max(earliest, dueAt ?? earliest) : earliest;
  let at = Math.max(due, live.at(-1)?.[0] ?? due);
  let inWindow = live.reduce((sum, [, count]) => sum + count, 0);
  let oldest = 0;
  const leaveWindow = () => {
    for (let entry = live[oldest]; entry && entry[0] <= at - windowMs; entry = live[++oldest])
      inWindow -= entry[1];
  };
  leaveWindow();
  // Wait for the oldest reservations in the window to leave it until the batch fits.
  for (let entry = live[oldest]; entry && inWindow + needed > tps; entry = live[oldest]) {
    at = entry[0] + windowMs;
    leaveWindow();
  }
  if (at > earliest + horizonMs) return { at, log: [...log], reserved: false, dueAt };
  const kept = live.slice(oldest);
  const last = kept.at(-1);
  return {
    at,
    reserved: true,
    dueAt: replacing === undefined ? evenlyAfter(due, dueAt, size, tps, windowMs) : dueAt,
    log:
      last && at - last[0] <= MERGE_WITHIN_MS
        ? [...kept.slice(0, -1), [at, last[1] + size]]
        : [...kept, [at, size]],
  };
};

/** The share of the window a batch of `size` takes on the even schedule: 102 ms for 100 at 1,000 TPS. */
export const shareOf = (size: number, tps: number, windowMs = PACING_WINDOW_MS) =>
  Math.ceil((Math.min(size, tps) * windowMs) / tps);

/**
 * When the batch after one of `size` is due on the even schedule, `size` due at `due` on a schedule that had
 * it due at `dueAt`: the share of the window it takes later (a batch of 100 at 1,000 TPS: 102 ms). Held to
 * the window alone, a window's batches all went at once and then none for a second: the partner took them
 * in one after another, the last arriving 30–50 ms late at 1,000 TPS, and each late arrival moved the batch
 * a window after it. The schedule counts from when a batch was due, not from when the window let it go or a
 * record moved it, so a batch held back does not hold back the ones after it: only the window keeps the
 * partner within tps, this spreads them. A batch that asked later than it was due (a slow round trip) moves
 * the schedule by what is over one share, so the next one may go at once and catch up.
 */
export const evenlyAfter = (
  due: number,
  dueAt: number | undefined,
  size: number,
  tps: number,
  windowMs = PACING_WINDOW_MS,
) => {
  const share = shareOf(size, tps, windowMs);
  // A partner idle for a window or more starts a schedule again: its first batches do not go at once.
  if (dueAt === undefined || due - dueAt >= windowMs) return due + share;
  return Math.max(dueAt, due - share) + share;
};

/**
 * The log without an unused reservation of `size` made at `at`. Moments in the log only grow and a merge
 * moves the last entry later, so while that reservation is in the log it is counted in the first entry at
 * or after `at`. It leaves the log only once a reservation a window after it is made: from then on it is
 * left as it is (counting it for longer is only safe).
 */
const withdraw = (
  log: readonly Reservation[],
  at: number | undefined,
  size: number,
  windowMs: number,
): Reservation[] => {
  const newest = log.at(-1)?.[0];
  if (at === undefined || newest === undefined || newest >= at + windowMs) return [...log];
  const index = log.findIndex(([moment]) => moment >= at);
  const entry = log[index];
  if (!entry) return [...log];
  const rest = entry[1] - size;
  return [...log.slice(0, index), ...(rest > 0 ? [[entry[0], rest] as const] : []), ...log.slice(index + 1)];
};

/**
 * The log once a batch that reserved `reservedAt` is known to have gone out at `sentAt`, later than the
 * tolerance (measured: its request opened a connection, was signed cold, or waited on a busy process), or
 * is counted from its latest likely arrival (`countedFromAnswer`). It reaches the partner that much later,
 * so the batch a window after its moment, reserved counting on that moment, would arrive within the same
 * rolling second there. So it is counted from then: its reservation is withdrawn and it is put in the log
 * at `sentAt`, among the entries (merged with one within the merge distance, at the later moment). No batch
 * to come is placed before the log's last entry, so every window that may still place one and holds
 * `sentAt` holds each entry after it too: a later `withdraw` that takes another batch out of this entry
 * rather than the later one it is counted in changes no such window, or counts it for longer. Counted at
 * the first entry after it instead, it blocked the rest of that window (one in 20 batches arriving
 * 20–40 ms late cost 0.962 of 200 TPS in the model). Made as soon as the request has gone or been
 * answered, before the batches a window later reserve (at most the reservation horizon ahead), so they
 * are placed counting on it.
 */
export const recordLateSend = (
  log: readonly Reservation[],
  reservedAt: number,
  sentAt: number,
  size: number,
  windowMs = PACING_WINDOW_MS,
): Reservation[] => {
  const kept = withdraw(log, reservedAt, size, windowMs);
  const after = kept.findIndex(([at]) => at >= sentAt);
  const index = after < 0 ? kept.length : after;
  const next = kept[index];
  const previous = kept[index - 1];
  if (next && next[0] - sentAt <= MERGE_WITHIN_MS)
    return kept.map((e, i): Reservation => (i === index ? [e[0], e[1] + size] : e));
  if (previous && sentAt - previous[0] <= MERGE_WITHIN_MS)
    return kept.map((e, i): Reservation => (i === index - 1 ? [sentAt, e[1] + size] : e));
  return [...kept.slice(0, index), [sentAt, size], ...kept.slice(index)];
};

/** How many of a partner's recent answers the fastest is taken of, as how fast it answers at best. */
export const RECENT_ANSWERS = 20;
/**
 * How many answers in a row, within the margin of each other, show a partner's usual: before a process has
 * seen that among its recent answers, their fastest is not taken as the usual. A cold partner (a new
 * connection, a process warming up) answers its first requests slowly because they reach it late; its first
 * answer was its own baseline, so none of them was counted later while the batches a window after them went
 * on time (the bench: 1.4–1.5 × tps; the model's cold partner: 1,200–1,500 of 1,000 TPS). Until then each
 * batch is counted from its answer, which it cannot have reached the partner after.
 */
export const STEADY_ANSWERS = 8;

/**
 * A partner's recent answer durations (ms, oldest first) with `answerMs` added, and how much longer that
 * answer took than the partner's usual, the fastest of them. When a batch reached the partner is not
 * known, but how long its answer took is: an answer slower than the partner's best may be one that arrived
 * that much later (sent on time, arrived 32 ms late in the bench's trace). Only the variation counts, so a
 * partner that always answers in 500 ms costs nothing once its answers are steady (`STEADY_ANSWERS` in a
 * row within `steadyWithinMs`); before that the whole answer counts.
 */
export const withAnswer = (
  recent: readonly number[],
  answerMs: number,
  steadyWithinMs = SAFETY_MARGIN_MS,
) => {
  const kept = [...recent.slice(-(RECENT_ANSWERS - 1)), answerMs];
  const steady = kept.some((_, from) => {
    const run = kept.slice(from, from + STEADY_ANSWERS);
    return run.length === STEADY_ANSWERS && Math.max(...run) - Math.min(...run) <= steadyWithinMs;
  });
  // Unsteady: `countedFromAnswer` then counts it from its answer less the margin, so the batch a window
  // later goes a second or more after the answer, which the batch reached the partner before.
  return { recent: kept, slowerByMs: answerMs - (steady ? Math.min(...kept) : steadyWithinMs / 2) };
};

/** A record of a batch counted later than before (`recordLateSend`): from its old moment to its new one. */
export type Move = readonly [from: number, to: number];

/**
 * Whether a batch that reserved `at` would now crowd its window at the partner: a record made since moved
 * another batch from before that window (`at − window` or earlier) into it. Placed counting on the old
 * moment, it would reach the partner within a second of that batch's arrival: two windows' worth. It gives
 * its moment back and reserves again. The log cannot tell: entries a window behind the newest reservation
 * have left it by then (the model: 1,100 of 1,000 TPS judged by the log, the moved batch gone from it).
 * Judged without the window's other batches, so a moved batch may send one that had room to reserve
 * again: a gap, never a burst.
 */
export const crowdedBy = (moves: readonly Move[], at: number, windowMs = PACING_WINDOW_MS) =>
  moves.some(([from, to]) => from <= at - windowMs && at - windowMs < to && to <= at);

/**
 * The moment to count a batch from, as a send, when it went at `wentAt` and its answer took `slowerByMs`
 * longer than the partner's fastest recent one: its latest likely arrival less the margin, plus the
 * tolerance. The batch a window (1 s and the margin) after that arrives a second or more after it, as a
 * batch sent that late would (`recordLateSend`). For a batch sent at its moment, an answer slower than
 * usual by the margin or less gives a moment within the tolerance: nothing to record.
 */
export const countedFromAnswer = (
  wentAt: number,
  slowerByMs: number,
  { windowMs, lateToleranceMs }: { windowMs: number; lateToleranceMs: number },
) => wentAt + slowerByMs - (windowMs - PARTNER_WINDOW_MS) + lateToleranceMs;
