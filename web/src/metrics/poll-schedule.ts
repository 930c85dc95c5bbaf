/**
 * When the live metrics page asks again (as GOV.UK Notify's dashboards do): every few seconds while
 * something changes, slower while nothing does or the API fails, never once the campaign is final, and not
 * at all while the tab is hidden. Pure: the timers are injected, so a test drives the clock.
 */
export type PollOutcome = 'changed' | 'unchanged' | 'failed' | 'final';

export interface PollPolicy {
  /** Delay after an answer that changed something. */
  intervalMs: number;
  /** Growth of the delay after an answer that changed nothing, up to `idleMaxMs`. */
  idleFactor: number;
  idleMaxMs: number;
  /** Growth of the delay after a failed request, up to `errorMaxMs`. */
  errorFactor: number;
  errorMaxMs: number;
}

export const LIVE_POLICY: PollPolicy = {
  intervalMs: 2_000,
  idleFactor: 1.5,
  idleMaxMs: 20_000,
  errorFactor: 2,
  errorMaxMs: 60_000,
};

/** The delay before the next request after `outcome`, given the last delay; undefined = stop for good. */
export const nextPollDelay = (
  outcome: PollOutcome,
  lastDelayMs: number,
  policy: PollPolicy = LIVE_POLICY,
): number | undefined => {
  switch (outcome) {
    case 'final':
      return undefined;
    case 'changed':
      return policy.intervalMs;
    case 'unchanged':
      return Math.min(policy.idleMaxMs, Math.max(policy.intervalMs, lastDelayMs * policy.idleFactor));
    case 'failed':
      return Math.min(policy.errorMaxMs, Math.max(policy.intervalMs, lastDelayMs * policy.errorFactor));
  }
};

export interface Timers {
  setTimeout(run: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export interface PollerState {
  /** Requests made so far. */
  polls: number;
  /** Milliseconds until the next request as last scheduled; undefined when none is scheduled. */
  nextDelayMs: number | undefined;
  stopped: boolean;
  paused: boolean;
}

export interface Poller {
  /** First request now. */
  start(): void;
  /** The tab was hidden: no request until `resume`. */
  pause(): void;
  /** The tab is visible again: one request now, then the schedule goes on. */
  resume(): void;
  /** The page went away. */
  stop(): void;
  state(): PollerState;
}

/**
 * Runs `tick` (one request; it tells what the answer was) on `nextPollDelay`'s schedule. Never two requests
 * at once: the next one is scheduled only after the last one settled.
 */
export const createPoller = (
  tick: () => Promise<PollOutcome>,
  timers: Timers,
  {
    policy = LIVE_POLICY,
    onSchedule,
  }: {
    policy?: PollPolicy;
    /** Told the delay of each request scheduled (undefined when none is): a page shows "again in 8 s". */
    onSchedule?: (delayMs: number | undefined) => void;
  } = {},
): Poller => {
  let handle: number | undefined;
  let inFlight = false;
  let stopped = false;
  let paused = false;
  let polls = 0;
  let lastDelay = policy.intervalMs;
  let nextDelayMs: number | undefined;
  /** A request due while paused or in flight runs when that ends. */
  let due = false;

  const clear = () => {
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
    if (nextDelayMs !== undefined) onSchedule?.(undefined);
    nextDelayMs = undefined;
  };
  const schedule = (ms: number) => {
    clear();
    nextDelayMs = ms;
    onSchedule?.(ms);
    handle = timers.setTimeout(() => {
      handle = undefined;
      nextDelayMs = undefined;
      run();
    }, ms);
  };
  const run = () => {
    if (stopped) return;
    if (paused || inFlight) {
      due = true;
      return;
    }
    due = false;
    inFlight = true;
    polls++;
    void tick()
      .catch((): PollOutcome => 'failed')
      .then((outcome) => {
        inFlight = false;
        if (stopped) return;
        const delay = nextPollDelay(outcome, lastDelay, policy);
        if (delay === undefined) {
          stopped = true;
          clear();
          return;
        }
        lastDelay = delay;
        if (due && !paused) run();
        else if (!paused) schedule(delay);
        else due = true;
      });
  };

  return {
    start: run,
    pause() {
      if (stopped) return;
      paused = true;
      if (handle !== undefined) due = true;
      clear();
    },
    resume() {
      if (stopped || !paused) return;
      paused = false;
      lastDelay = policy.intervalMs;
      if (due || !inFlight) run();
    },
    stop() {
      stopped = true;
      clear();
    },
    state: () => ({ polls, nextDelayMs, stopped, paused }),
  };
};
