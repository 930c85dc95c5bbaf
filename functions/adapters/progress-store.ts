import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProgressStore } from '../core/dispatch/materialize.js';
import { keys } from './table.js';
import { progressCodec } from './table/batch.js';

const { fromItem } = progressCodec;

/** A campaign's sending progress: its own item beside the campaign, so counters never race a transition. */
export const dynamoProgressStore = (client: DynamoDBDocumentClient, table: string): ProgressStore => ({
  async get(campaignId) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.progress(campaignId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  },
  async finish(campaignId, progress) {
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.progress(campaignId),
          UpdateExpression:
            'SET #materialized = :true, totalBatches = :total, suppressed = :suppressed, capped = :capped, unroutable = :unroutable, entity = :entity ADD settledBatches :settled',
          ConditionExpression: 'attribute_not_exists(#materialized) OR #materialized = :false',
          ExpressionAttributeNames: { '#materialized': 'materialized' },
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':total': progress.totalBatches,
            ':settled': progress.settledBatches,
            ':suppressed': progress.suppressed,
            ':capped': progress.capped,
            ':unroutable': progress.unroutable,
            ':entity': progressCodec.entity,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },
});
