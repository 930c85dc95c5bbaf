import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that run for minutes, longest first (as measured in CI). Vitest orders a clean checkout's files
 * largest first, so the smoke test of the benchmarks, a 40-line file that runs for five minutes, started
 * last and ran alone at the end of its project. Started first, they run beside the short files, and the
 * two workers finish together.
 */
export const LONG_RUNNING = [
  'test/integration/bench-quick.test.ts',
  'test/integration/crash-loop.test.ts',
  'test/integration/dispatch.test.ts',
  'test/integration/route-access.test.ts',
  'test/integration/partner-faults.test.ts',
  'test/integration/fuzz.test.ts',
  'test/integration/webhooks.test.ts',
  'test/integration/dispatch-crash.test.ts',
  'test/integration/import-jobs.test.ts',
  'test/integration/local-scheduler.test.ts',
  'test/browser/planner.test.ts',
  'test/browser/approval.test.ts',
  'test/browser/language.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const index = LONG_RUNNING.findIndex((file) => spec.moduleId.endsWith(file));
  return index < 0 ? LONG_RUNNING.length : index;
};

/** Vitest's order (project by project), with each project's long-running files first. */
export class LongRunningFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const position = new Map(sorted.map((spec, index) => [spec, index]));
    const projectStart = new Map<string, number>();
    sorted.forEach((spec, index) => {
      if (!projectStart.has(spec.project.name)) projectStart.set(spec.project.name, index);
    });
    const key = (spec: TestSpecification) => [
      projectStart.get(spec.project.name) ?? 0,
      rank(spec),
      position.get(spec) ?? 0,
    ];
    return [...sorted].sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      return ka.map((value, i) => value - (kb[i] ?? 0)).find((difference) => difference !== 0) ?? 0;
    });
  }
}
