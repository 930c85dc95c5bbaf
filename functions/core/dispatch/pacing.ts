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
 * closer at the partner. We never send more than LATE_TOLERANCE_MS after the reserved moment (a later
 * consumer takes a new one) and leave the rest of the margin to the network, so every rolling second at
 * the partner holds ≤ tps while the steady rate is 1000 / 1020 = 98 % of tps.
 */
export const SAFETY_MARGIN_MS = 20;
export const PACING_WINDOW_MS = 1000 + SAFETY_MARGIN_MS;
/** A batch sent later than this after its reserved moment might crowd the next ones: reserve again. */
export const LATE_TOLERANCE_MS = 10;
/**
 * Reservations closer than this are kept as one entry at the later moment (which only counts the earlier
 * one for longer: safe), so the log has at most window / 5 entries whatever the batch size.
 */
export const MERGE_WITHIN_MS = 5;

/** One entry of the log: the moment (epoch ms) and the messages reserved then. */
export type Reservation = readonly [at: number, count: number];

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
  windowMs = PACING_WINDOW_MS,
): { at: number; log: Reservation[] } => {
  const live = log.filter(([at]) => at > earliest - windowMs);
  const needed = Math.min(size, tps);
  let at = Math.max(earliest, live.at(-1)?.[0] ?? earliest);
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
  const kept = live.slice(oldest);
  const last = kept.at(-1);
  return {
    at,
    log:
      last && at - last[0] <= MERGE_WITHIN_MS
        ? [...kept.slice(0, -1), [at, last[1] + size]]
        : [...kept, [at, size]],
  };
};
