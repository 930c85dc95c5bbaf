import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../adapters/logger.js';
import { aggregationDeps } from '../adapters/metrics-deps.js';
import { aggregateChanges } from '../core/metrics/aggregate.js';
import { METRIC_ENTITIES, type Change } from '../core/metrics/changes.js';

const deps = aggregationDeps();

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
const toItem = (image: Image | undefined) =>
  image ? unmarshall(image as Record<string, AttributeValue>) : undefined;

/** A stream record as the domain sees it: its id, kind and the item before and after. */
const changeOf = (record: DynamoDBRecord): Change | undefined => {
  if (!record.eventID || !record.eventName) return undefined;
  // Only the entities that count are unmarshalled (our own counter items come back through the stream too).
  const entity = (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.entity?.S;
  if (!METRIC_ENTITIES.some((name) => name === entity)) return undefined;
  const oldImage = toItem(record.dynamodb?.OldImage);
  const newImage = toItem(record.dynamodb?.NewImage);
  return {
    id: record.eventID,
    kind: record.eventName,
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
  };
};

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

export const handler = middy<DynamoDBStreamEvent, void>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    await aggregateMetrics(event);
  });
