import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RUNTIME_NODE_FLAGS } from '#local/config.js';
import { costPerMillionMessages } from './cost.js';
import type { Figure } from './results.js';

/**
 * `npm run bench`: every benchmark in turn, each in its own process on its own in-memory DynamoDB Local
 * (the SDK clients are per process), printing figures and recording them (`bench/results.ts`); at the end
 * one table of every figure, and `bench/results.json` with the machine it ran on.
 *
 * `npm run bench -- dispatch` runs only the named ones; `--quick` runs each small (`BENCH_QUICK=1`: 10,000
 * recipients or fewer, seconds each), as the smoke test in `npm test` does; `--out <file>` writes the
 * results elsewhere than `bench/results.json`.
 *
 * A benchmark is `bench/<name>.ts`: it runs when executed and exports `FIGURES`, the keys it records (a
 * `*` stands for one or more key segments, e.g. `bundles.*.kb`), which the smoke test expects. Add one by
 * adding its name here.
 */
export const BENCHMARKS = ['bundles', 'import', 'dispatch', 'pacing', 'reports', 'scale', 'api-load'];

export interface Results {
  machine: {
    cores: number;
    memoryGb: number;
    cpuModel: string;
    node: string;
    java: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  ranAt: string;
  quick: boolean;
  figures: Record<string, { value: Figure['value']; unit?: string }>;
}

/** The keys each named benchmark declares (its module's `FIGURES`; importing it does not run it). */
export const expectedFigures = async (names: readonly string[] = BENCHMARKS): Promise<string[]> => {
  // The benchmarks load the local runtime, whose per-invocation store must exist before Powertools' first use.
  await import('#local/invoke.js');
  const declared = await Promise.all(
    names.map(async (name) => {
      const module = (await import(pathToFileURL(resolve(import.meta.dirname, `${name}.ts`)).href)) as {
        FIGURES?: readonly string[];
      };
      if (!module.FIGURES) throw new Error(`bench/${name}.ts exports no FIGURES`);
      return module.FIGURES;
    }),
  );
  return declared.flat();
};

/** Whether `key` is what the declared `pattern` names (`*`: one or more dotted segments). */
export const figureMatches = (pattern: string, key: string): boolean =>
  new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('*', '[a-z0-9_.-]+')}$`).test(key);

/** Declared keys with no recorded figure that is a finite number (or a string / boolean). */
export const missingFigures = (expected: readonly string[], figures: Results['figures']): string[] =>
  expected.filter(
    (pattern) =>
      !Object.entries(figures).some(
        ([key, { value }]) =>
          figureMatches(pattern, key) && (typeof value !== 'number' || Number.isFinite(value)),
      ),
  );

const javaVersion = (): string => {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return /version "([^"]+)"/.exec(`${run.stderr}${run.stdout}`)?.[1] ?? 'unknown';
};

const rounded = (values: number[]) => values.map((v) => Math.round(v * 100) / 100);

const readFigures = (file: string): Figure[] => {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Figure);
};

const shown = (value: Figure['value']) =>
  typeof value === 'number'
    ? Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : value.toLocaleString('en-US', { maximumSignificantDigits: 4 })
    : String(value);

const printTable = (figures: Results['figures']) => {
  const rows = Object.entries(figures).map(([key, { value, unit }]) => [key, shown(value), unit ?? '']);
  const width = (column: number) => Math.max(...rows.map((row) => row[column]?.length ?? 0), 5);
  console.log('\n=== figures ===');
  for (const [key = '', value = '', unit = ''] of rows)
    console.log(`${key.padEnd(width(0))}  ${value.padStart(width(1))}  ${unit}`);
};

const main = async () => {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const outFlag = args.indexOf('--out');
  const out =
    outFlag >= 0 ? resolve(String(args[outFlag + 1])) : resolve(import.meta.dirname, 'results.json');
  const wanted = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--out');
  const names = BENCHMARKS.filter((name) => !wanted.length || wanted.includes(name));
  const unknown = wanted.filter((name) => !BENCHMARKS.includes(name));
  if (unknown.length) throw new Error(`no benchmark named ${unknown.join(', ')} (${BENCHMARKS.join(', ')})`);

  const loadAverageAtStart = rounded(loadavg());
  const ranAt = new Date().toISOString();
  const scratch = mkdtempSync(join(tmpdir(), 'sms-bench-results-'));
  const figuresFile = join(scratch, 'figures.jsonl');
  let failed = false;
  try {
    for (const name of names) {
      console.log(`\n=== ${name} ===`);
      const run = spawnSync(
        process.execPath,
        // The benchmarks host the local runtime: its process is bounded as `npm start`'s is.
        [...RUNTIME_NODE_FLAGS, '--import', 'tsx', resolve(import.meta.dirname, `${name}.ts`)],
        {
          stdio: 'inherit',
          env: {
            POWERTOOLS_LOG_LEVEL: 'ERROR',
            ...process.env,
            AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
            BENCH_RESULTS_FILE: figuresFile,
            ...(quick ? { BENCH_QUICK: '1' } : {}),
          },
        },
      );
      if (run.status !== 0) {
        console.error(`bench/${name}.ts exited with ${run.status ?? run.signal}`);
        failed = true;
      }
    }
    const figures: Results['figures'] = {};
    for (const { key, value, unit } of readFigures(figuresFile))
      figures[key] = { value, ...(unit ? { unit } : {}) };
    // The AWS cost model needs the dispatch and reports figures of this same run.
    if (figures['dynamodb.write_units_per_message'] && figures['reports.write_units_per_report'])
      for (const { key, usd } of costPerMillionMessages(figures))
        figures[`cost.per_million_messages.${key}_usd`] = {
          value: Math.round(usd * 10000) / 10000,
          unit: 'USD',
        };
    const results: Results = {
      machine: {
        cores: cpus().length,
        memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        java: javaVersion(),
        loadAverageAtStart,
        loadAverageAtEnd: rounded(loadavg()),
      },
      ranAt,
      quick,
      figures,
    };
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    printTable(figures);
    console.log(
      `\nload average ${loadAverageAtStart.join(' ')} at the start, ${results.machine.loadAverageAtEnd.join(' ')} at the end; written to ${out}`,
    );
    const missing = missingFigures(await expectedFigures(names), figures);
    if (missing.length) {
      console.error(`figures declared but not recorded: ${missing.join(', ')}`);
      failed = true;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exit(await main());
