import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCHMARKS, expectedFigures, missingFigures, type Results } from '../../bench/run.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'bench-quick-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `tsx bench/run.ts --quick`, its results in a file of its own; answers its exit code and output. */
const runQuick = (out: string) =>
  new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', BENCH_DISPATCH: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => done({ code, output }));
  });

describe('npm run bench -- --quick (smoke test: every figure produced; no timing asserted)', () => {
  it('records every figure each benchmark declares, as a finite number, with the machine', async () => {
    const out = join(scratch, 'results.json');
    const { code, output } = await runQuick(out);
    expect(code, output.slice(-4000)).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.quick).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.loadAverageAtEnd).toHaveLength(3);
    const expected = await expectedFigures(BENCHMARKS);
    expect(expected.length).toBeGreaterThan(0);
    expect(missingFigures(expected, results.figures)).toEqual([]);
    for (const [key, { value }] of Object.entries(results.figures))
      if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
  }, 1_200_000);
});
