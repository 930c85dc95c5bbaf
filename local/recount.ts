import { readFileSync, readdirSync } from 'node:fs';
import { recountDeps } from '#adapters/recount-deps.js';
import { AppError } from '#core/errors.js';
import { recountCampaign, type RecountOutcome } from '#core/metrics/recount.js';
import { localConfig } from './config.js';
import { LOCAL_AWS_ENV, startDynamoLocal, type RunningDynamo } from './dynamodb.js';

/**
 * `npm run recount -- <campaignId> [--dry-run] [--aws]` (docs/reports-and-metrics.md): recounts a
 * campaign's metrics from its batch items, prints what differs and repairs it (not with `--dry-run`). On
 * the local data directory: through the DynamoDB Local of a running `npm start` if there is one (a second
 * one must not open the same files), else its own. `--aws`: the table TABLE_NAME in AWS, with the usual
 * AWS credentials.
 */
const args = process.argv.slice(2);
const flags = new Set(args.filter((arg) => arg.startsWith('--')));
const [campaignId] = args.filter((arg) => !arg.startsWith('--'));
const unknown = [...flags].filter((flag) => !['--dry-run', '--aws'].includes(flag));
if (!campaignId || unknown.length) {
  console.error('usage: npm run recount -- <campaignId> [--dry-run] [--aws]');
  process.exit(2);
}
const dryRun = flags.has('--dry-run');
const config = localConfig();

/** The port of a DynamoDB Local already serving `dataDir` (Linux: /proc), if any. */
const runningDynamoPort = (dataDir: string): string | undefined => {
  try {
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        if (
          argv.some((arg) => arg.endsWith('DynamoDBLocal.jar')) &&
          argv[argv.indexOf('-dbPath') + 1] === dataDir
        )
          return argv[argv.indexOf('-port') + 1];
      } catch {
        // a process that ended meanwhile
      }
    }
  } catch {
    // no /proc: start our own
  }
  return undefined;
};

const print = (outcome: RecountOutcome) => {
  const drifted = outcome.shards.filter((shard) => shard.drift.length);
  console.log(
    `Campaign ${outcome.campaignId}: ${outcome.batches} batches recounted` +
      (outcome.passes > 1 ? ` (${outcome.passes} passes: the aggregate moved meanwhile)` : ''),
  );
  if (!drifted.length) console.log('  the metrics equal the recount: nothing to repair');
  for (const shard of drifted) {
    console.log(
      `  shard ${shard.shard}: ${shard.drift.length} counters differ${
        shard.repaired ? ', repaired' : dryRun ? ' (dry run: not repaired)' : ''
      }`,
    );
    for (const line of shard.drift) console.log(`    ${line}`);
  }
};

const run = async () => {
  process.env.TABLE_NAME ??= config.tableName;
  try {
    print(await recountCampaign(recountDeps(), campaignId, { dryRun }));
  } catch (error) {
    // An unknown campaign, a missing table or a recount that kept racing the aggregator is the user's
    // answer, not a crash.
    if (error instanceof AppError) console.error(`${error.code}: ${error.message}`);
    else if (error instanceof Error && error.name === 'ResourceNotFoundException')
      console.error(
        `not_found: no table ${process.env.TABLE_NAME} here (has npm start run on this DATA_DIR?)`,
      );
    else throw error;
    process.exitCode = 1;
  }
};

if (flags.has('--aws')) await run();
else {
  const port = runningDynamoPort(config.dataDir);
  const own: RunningDynamo | undefined = port
    ? undefined
    : await startDynamoLocal({ dataDir: config.dataDir });
  Object.assign(process.env, LOCAL_AWS_ENV, {
    AWS_ENDPOINT_URL_DYNAMODB: own?.endpoint ?? `http://127.0.0.1:${port}`,
  });
  try {
    await run();
  } finally {
    await own?.stop();
  }
}
