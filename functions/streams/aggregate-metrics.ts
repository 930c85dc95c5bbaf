import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#adapters/logger.js';
import { changeOf } from '#adapters/metric-changes.js';
import { aggregationDeps } from '#adapters/metrics-deps.js';
import { aggregateChanges } from '#core/metrics/aggregate.js';
import type { Change } from '#core/metrics/changes.js';
import { lambdaChain } from '#adapters/lambda-chain.js';

const deps = aggregationDeps();

/**
 * DynamoDB stream → campaign metrics counters. Each record is counted exactly once, however often the
 * stream delivers it; a failure throws, and Lambda retries (or bisects) the batch: still exact.
 */
export const aggregateMetrics = async (event: DynamoDBStreamEvent) => {
  const changes = event.Records.map(changeOf).filter((c): c is Change => c !== undefined);
  const outcome = await aggregateChanges(deps, changes);
  logger.debug('Metrics aggregated', { records: event.Records.length, ...outcome });
  return outcome;
};

export const handler = lambdaChain<DynamoDBStreamEvent, void>().handler(async (event) => {
  await aggregateMetrics(event);
});
