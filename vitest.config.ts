import { defineConfig } from 'vitest/config';
import { LongRunningFirst } from './test/sequencer.js';

/**
 * Every core a worker (Vitest's default leaves one to itself: on this 2-core machine the suite ran one file
 * at a time). Integration files each have a table of their own, so two run side by side; the browser tests
 * share one runtime and its simulated partners (the planner's test slows one down), so they run one at a
 * time, in a group of their own after the rest.
 */
export default defineConfig({
  test: {
    maxWorkers: '100%',
    sequence: { sequencer: LongRunningFirst },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'web/test/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/setup-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      { test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
