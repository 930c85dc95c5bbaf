import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * `npm run bench`: every benchmark in turn, each in its own process on its own in-memory DynamoDB Local
 * (the SDK clients are per process), printing figures. `npm run bench -- dispatch` runs only the named ones.
 */
const BENCHMARKS = ['import', 'dispatch', 'pacing', 'reports', 'scale', 'api-load'];

const wanted = process.argv.slice(2);
let failed = false;
for (const name of BENCHMARKS) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, `${name}.ts`)], {
    stdio: 'inherit',
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', ...process.env, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1' },
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
