import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProgressStore } from '#core/dispatch/materialize.js';
import { conditionFailed, transactionConflict } from './dynamo-batch.js';
import { progressCodec } from './table/batch.js';
import { readItem } from './read-item.js';

const { fromItem } = progressCodec;

/**
 * A conditional write to the progress item: true if it was made, false if its condition refused it. Batches
 * settling in transactions touch the same item, so a write that meets one is tried again shortly.
 */
const conditionally = async (client: DynamoDBDocumentClient, update: UpdateCommand): Promise<boolean> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(update);
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      if (!transactionConflict(error) || attempt >= 8) throw error;
      await new Promise((done) => setTimeout(done, Math.floor(Math.random() * 20 * attempt)));
    }
  }
};

const NOT_MATERIALIZED = '(attribute_not_exists(#materialized) OR #materialized = :false)';

/** The lease's attributes by the codec's stored names. */
const LEASE_NAMES = {
  '#leaseOwner': progressCodec.leaseAttributes.owner,
  '#leaseUntil': progressCodec.leaseAttributes.until,
};

/** A campaign's sending progress: its own item beside the campaign, so counters never race a transition. */
export const dynamoProgressStore = (client: DynamoDBDocumentClient, table: string): ProgressStore => ({
  get: (campaignId) => readItem(client, table, progressCodec.key(campaignId), fromItem),
  claimLease: (campaignId, lease, now) =>
    conditionally(
      client,
      new UpdateCommand({
        TableName: table,
        Key: progressCodec.key(campaignId),
        UpdateExpression: 'SET #leaseOwner = :owner, #leaseUntil = :until, entity = :entity',
        // mayTakeLease (materialize-lease.ts): free, expired, or already the caller's.
        ConditionExpression: `${NOT_MATERIALIZED} AND (attribute_not_exists(#leaseUntil) OR #leaseUntil <= :now OR #leaseOwner = :owner)`,
        ExpressionAttributeNames: { '#materialized': 'materialized', ...LEASE_NAMES },
        ExpressionAttributeValues: {
          ':owner': lease.owner,
          ':until': lease.until,
          ':now': now.toISOString(),
          ':false': false,
          ':entity': progressCodec.entity,
        },
      }),
    ),
  renewLease: (campaignId, lease) =>
    conditionally(
      client,
      new UpdateCommand({
        TableName: table,
        Key: progressCodec.key(campaignId),
        UpdateExpression: 'SET #leaseUntil = :until',
        ConditionExpression: `${NOT_MATERIALIZED} AND #leaseOwner = :owner`,
        ExpressionAttributeNames: { '#materialized': 'materialized', ...LEASE_NAMES },
        ExpressionAttributeValues: { ':owner': lease.owner, ':until': lease.until, ':false': false },
      }),
    ),
  finish: (campaignId, progress, owner) =>
    conditionally(
      client,
      new UpdateCommand({
        TableName: table,
        Key: progressCodec.key(campaignId),
        UpdateExpression:
          'SET #materialized = :true, totalBatches = :total, suppressed = :suppressed, capped = :capped, unroutable = :unroutable, entity = :entity ADD settledBatches :settled REMOVE #leaseOwner, #leaseUntil',
        ConditionExpression: owner ? `${NOT_MATERIALIZED} AND #leaseOwner = :owner` : NOT_MATERIALIZED,
        ExpressionAttributeNames: { '#materialized': 'materialized', ...LEASE_NAMES },
        ExpressionAttributeValues: {
          ':true': true,
          ':false': false,
          ':total': progress.totalBatches,
          ':settled': progress.settledBatches,
          ':suppressed': progress.suppressed,
          ':capped': progress.capped,
          ':unroutable': progress.unroutable,
          ':entity': progressCodec.entity,
          ...(owner ? { ':owner': owner } : {}),
        },
      }),
    ),
});
