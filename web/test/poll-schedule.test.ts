import { describe, expect, it } from 'vitest';
import {
  LIVE_POLICY,
  createPoller,
  nextPollDelay,
  type PollOutcome,
  type Timers,
} from '../src/metrics/poll-schedule.js';

/** A clock the test moves: timers fire only when `advance` passes them. */
const manualClock = () => {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    setTimeout: (run, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => void pending.delete(id),
  };
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...pending].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
      await flush();
    }
    now = until;
  };
  return { timers, advance, pendingDelays: () => [...pending.values()].map((timer) => timer.at - now) };
};
const flush = () => new Promise<void>((done) => setTimeout(done, 0));

/** A tick that answers the outcomes given, in order, and counts its calls. */
const scripted = (outcomes: PollOutcome[]) => {
  let calls = 0;
  return {
    tick: async (): Promise<PollOutcome> => outcomes[calls++] ?? 'unchanged',
    calls: () => calls,
  };
};

describe('nextPollDelay', () => {
  it('asks again after the interval while figures change, and never once final', () => {
    expect(nextPollDelay('changed', 16_000)).toBe(LIVE_POLICY.intervalMs);
    expect(nextPollDelay('final', 2_000)).toBeUndefined();
  });

  it('backs off while nothing changes, up to its ceiling', () => {
    const delays: number[] = [];
    let delay = LIVE_POLICY.intervalMs;
    for (let i = 0; i < 10; i++) delays.push((delay = nextPollDelay('unchanged', delay) ?? 0));
    expect(delays.slice(0, 3)).toEqual([3_000, 4_500, 6_750]);
    expect(delays.at(-1)).toBe(LIVE_POLICY.idleMaxMs);
  });

  it('backs off faster on errors, up to a minute', () => {
    expect(nextPollDelay('failed', 2_000)).toBe(4_000);
    expect(nextPollDelay('failed', 4_000)).toBe(8_000);
    expect(nextPollDelay('failed', 50_000)).toBe(60_000);
  });
});

describe('createPoller', () => {
  it('polls at once, then on the schedule, and stops when the campaign is final', async () => {
    const clock = manualClock();
    const script = scripted(['changed', 'unchanged', 'changed', 'final']);
    const poller = createPoller(script.tick, clock.timers);
    poller.start();
    await flush();
    expect(script.calls()).toBe(1);
    expect(clock.pendingDelays()).toEqual([2_000]);
    await clock.advance(1_999);
    expect(script.calls()).toBe(1);
    await clock.advance(1);
    expect(script.calls()).toBe(2);
    // Unchanged: the next one waits longer.
    expect(clock.pendingDelays()).toEqual([3_000]);
    await clock.advance(3_000);
    expect(script.calls()).toBe(3);
    await clock.advance(2_000);
    expect(script.calls()).toBe(4);
    expect(poller.state().stopped).toBe(true);
    expect(clock.pendingDelays()).toEqual([]);
    await clock.advance(600_000);
    expect(script.calls()).toBe(4);
  });

  it('treats a thrown request as failed and backs off', async () => {
    const clock = manualClock();
    let calls = 0;
    const poller = createPoller(async () => {
      calls++;
      throw new Error('network down');
    }, clock.timers);
    poller.start();
    await flush();
    expect(clock.pendingDelays()).toEqual([4_000]);
    await clock.advance(4_000);
    expect(calls).toBe(2);
    expect(clock.pendingDelays()).toEqual([8_000]);
  });

  it('asks nothing while the tab is hidden and asks at once when it is shown again', async () => {
    const clock = manualClock();
    const script = scripted(['changed', 'changed', 'changed']);
    const seen: (number | undefined)[] = [];
    const poller = createPoller(script.tick, clock.timers, { onSchedule: (ms) => seen.push(ms) });
    poller.start();
    await flush();
    poller.pause();
    expect(clock.pendingDelays()).toEqual([]);
    await clock.advance(60_000);
    expect(script.calls()).toBe(1);
    poller.resume();
    await flush();
    expect(script.calls()).toBe(2);
    expect(clock.pendingDelays()).toEqual([2_000]);
    expect(seen).toEqual([2_000, undefined, 2_000]);
  });

  it('never runs two requests at once: a resume during a request takes its answer as the fresh one', async () => {
    const clock = manualClock();
    let release: (outcome: PollOutcome) => void = () => undefined;
    let calls = 0;
    const poller = createPoller(
      () =>
        new Promise<PollOutcome>((done) => {
          calls++;
          release = done;
        }),
      clock.timers,
    );
    poller.start();
    poller.pause();
    poller.resume();
    expect(calls).toBe(1);
    release('changed');
    await flush();
    expect(calls).toBe(1);
    expect(clock.pendingDelays()).toEqual([2_000]);
  });

  it('does nothing after stop, even when a request settles later', async () => {
    const clock = manualClock();
    let release: (outcome: PollOutcome) => void = () => undefined;
    const poller = createPoller(() => new Promise<PollOutcome>((done) => (release = done)), clock.timers);
    poller.start();
    poller.stop();
    release('changed');
    await flush();
    expect(clock.pendingDelays()).toEqual([]);
    expect(poller.state()).toMatchObject({ polls: 1, stopped: true });
  });
});
