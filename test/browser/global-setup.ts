import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '#local/dynamodb.js';
import { buildWeb } from '../../web/build.js';
import { startLocalProcess, userEnv } from '#support/process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    consoleUrl: string;
  }
}

/**
 * The browser tests drive the console as a user gets it: built as `npm start` builds it, served by
 * `npm start`'s entry run as a child process on a free port, with a DATA_DIR of its own and the carrier
 * simulators on. One runtime for the run; each test file opens its own browser and its own data.
 */
export default async function setup(project: TestProject) {
  const { firstPageJsGzipBytes } = await buildWeb();
  console.log(`console built: first page JavaScript ${(firstPageJsGzipBytes / 1024).toFixed(1)} KB gzipped`);
  const dataDir = mkdtempSync(join(tmpdir(), 'console-browser-data-'));
  const runtime = await startLocalProcess(
    { PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, SIMULATORS: 'on' },
    120_000,
    { baseEnv: userEnv() },
  );
  project.provide('consoleUrl', runtime.url);
  return async () => {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
