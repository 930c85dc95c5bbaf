import { importBenchmark } from './import.js';

/**
 * `npm run bench`: every benchmark in turn, each on its own in-memory DynamoDB Local, printing figures.
 * `npm run bench -- import` runs only the named ones.
 */
const benchmarks: Record<string, () => Promise<void>> = {
  import: importBenchmark,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benchmarks)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}
