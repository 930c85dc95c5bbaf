import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { migrationDeps } from '#adapters/deps.js';
import { migrate } from '#core/migration.js';
import { localConfig } from './config.js';
import { LOCAL_AWS_ENV, ensureTable, startDynamoLocal } from './dynamodb.js';

/**
 * `npm run migrate` (docs/provinces.md, docs/personal-data.md): brings the local data directory's table to
 * the current data model (core/migration.ts), as `npm start` does. `-- --again` runs every step even if the
 * version item says it is done (each is idempotent); `-- --aws` migrates the table TABLE_NAME in AWS
 * instead, with the usual AWS credentials (and PARTNER_SECRETS_KEY_ARN, the stack's key, to seal secrets).
 * Progress goes to stderr, the report to stdout.
 */
const args = new Set(process.argv.slice(2));
const config = localConfig();

const run = async () => {
  const deps = migrationDeps(config.tableName, (step, done) =>
    console.error(JSON.stringify({ step, ...done })),
  );
  return migrate(deps, args.has('--again'));
};

if (args.has('--aws')) {
  console.log(JSON.stringify(await run()));
} else {
  const dynamo = await startDynamoLocal({
    dataDir: config.dataDir,
    ...(config.dynamoHeapMb ? { heapMb: config.dynamoHeapMb } : {}),
  });
  try {
    // The local runtime's data: its partners' secrets are sealed with the local stand-in key.
    Object.assign(process.env, LOCAL_AWS_ENV, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      TABLE_NAME: config.tableName,
      LOCAL_RUNTIME: '1',
    });
    const client = new DynamoDBClient({});
    await ensureTable(client, config.tableName);
    client.destroy();
    console.log(JSON.stringify(await run()));
  } finally {
    await dynamo.stop();
  }
}
