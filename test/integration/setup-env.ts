import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { LOCAL_AWS_ENV } from '#local/dynamodb.js';

// Runs in each test file's worker before it imports any handler: point the SDK at DynamoDB Local and give
// the file a table of its own, so files never see each other's data.
Object.assign(process.env, LOCAL_AWS_ENV, {
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  TABLE_NAME: `test-${randomUUID()}`,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  PUBLIC_BASE_URL: 'http://localhost:3000',
  LOCAL_RUNTIME: '1',
  ALLOW_LOOPBACK_WEBHOOKS: '1',
});
