import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One figure of a benchmark, under a stable descriptive key such as `dispatch.messages_per_second`. */
export interface Figure {
  key: string;
  value: number | string | boolean;
  /** What the value counts, for the printed table: `msg/s`, `ms`, `MB`, `ratio`, ... */
  unit?: string;
}

const FIGURE_KEY = /^[a-z0-9_]+(\.[a-z0-9_-]+)+$/;

/**
 * Records a figure for `bench/results.json`. Each benchmark runs in its own process: `bench/run.ts` passes
 * `BENCH_RESULTS_FILE`, where each figure is appended as one JSON line, and merges them when all have run.
 */
export const record = (key: string, value: Figure['value'], unit?: string): void => {
  if (!FIGURE_KEY.test(key)) throw new Error(`bench figure key "${key}" is not dotted snake_case`);
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error(`bench figure ${key} is not a finite number`);
  const file = process.env.BENCH_RESULTS_FILE;
  if (!file) return;
  const figure: Figure = { key, value, ...(unit ? { unit } : {}) };
  appendFileSync(file, `${JSON.stringify(figure)}\n`);
};

/** `--quick` (`BENCH_QUICK=1`): every benchmark small, 10,000 recipients or fewer, seconds each. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Whether the module at `url` is the one node was started with (a benchmark runs then, not on import). */
export const isEntryModule = (url: string): boolean =>
  process.argv[1] !== undefined && url === pathToFileURL(resolve(process.argv[1])).href;
