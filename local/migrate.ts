import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { migrationDeps } from '#adapters/deps.js';
import { canonicaliseAudienceProvinces, migrate } from '#core/province-migration.js';
import { localConfig } from './config.js';
import { LOCAL_AWS_ENV, ensureTable, startDynamoLocal } from './dynamodb.js';

/**
 * `npm run migrate` (docs/provinces.md): brings the local data directory's table to the current data
 * model, as `npm start` does. `-- --again` runs the step even if the version item says it is done (it is
 * idempotent); `-- --aws` migrates the table TABLE_NAME in AWS instead, with the usual AWS credentials.
 */
const args = new Set(process.argv.slice(2));
const config = localConfig();

const run = async () => {
  const deps = migrationDeps(config.tableName);
  if (args.has('--again')) return { ...(await canonicaliseAudienceProvinces(deps)), again: true };
  return migrate(deps);
};

if (args.has('--aws')) {
  console.log(JSON.stringify(await run()));
} else {
  const dynamo = await startDynamoLocal({
    dataDir: config.dataDir,
    ...(config.dynamoHeapMb ? { heapMb: config.dynamoHeapMb } : {}),
  });
  try {
    Object.assign(process.env, LOCAL_AWS_ENV, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    const client = new DynamoDBClient({});
    await ensureTable(client, config.tableName);
    client.destroy();
    console.log(JSON.stringify(await run()));
  } finally {
    await dynamo.stop();
  }
}
