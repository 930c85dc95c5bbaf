import { logger } from '#adapters/logger.js';

/**
 * Runs `tick` every `intervalMs`, each run after the one before has ended (a slow run delays those behind
 * it, never overlaps them); a run that throws is logged as `failure` and the next one runs as usual.
 * `stop` ends the ticking and waits for the run under way.
 */
export const everyInterval = (
  intervalMs: number,
  tick: () => Promise<void>,
  failure: string,
): { stop(): Promise<void> } => {
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    ticking = ticking.then(tick).catch((error: Error) => logger.error(failure, error));
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ticking;
    },
  };
};
