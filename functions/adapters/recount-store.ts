import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SHARDS } from '#core/metrics/changes.js';
import type { RecountStore, StoredShard } from '#core/metrics/recount.js';
import { keys, ttlAfter } from './table.js';
import type { Item } from './table/codec.js';
import { batchCodec, progressCodec } from './table/batch.js';
import { metricsMinutesCodec, metricsShardCodec, recountBaselineCodec } from './table/metrics.js';
import { queryPages } from './cursor.js';
import { cancellationCodes, transactionConflict } from './dynamo-batch.js';
import { MARKER_TTL_SECONDS } from './metrics-store.js';
import { readItem } from './read-item.js';

const versioned = (ver: number) =>
  ver === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'ver = :ver', ExpressionAttributeValues: { ':ver': ver } };

/** A shard's minute items are `MINUTES#{hour}#{shard}`: the shard is the last part of the key. */
const minuteShardOf = (item: Item): number => Number(String(item.sk).split('#').at(-1));

/**
 * The recount's reads and its one write per shard. Reads are Queries on the campaign's partition
 * (`CAMPAIGN#{id}`: `METRICS#`, `MINUTES#`, `BATCH#` ranges), consistent, paged; never a Scan.
 */
export const dynamoRecountStore = (client: DynamoDBDocumentClient, table: string): RecountStore => {
  const campaignPk = (campaignId: string) => keys.campaign(campaignId).pk;
  const rangeOf = async function* (campaignId: string, prefix: string) {
    yield* queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': campaignPk(campaignId), ':prefix': prefix },
      ConsistentRead: true,
    });
  };

  return {
    async campaignExists(campaignId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.campaign(campaignId), ProjectionExpression: 'pk' }),
      );
      return Item !== undefined;
    },

    async shards(campaignId) {
      const shardItems: Item[] = [];
      for await (const page of rangeOf(campaignId, 'METRICS#')) shardItems.push(...page);
      const minuteItems: Item[] = [];
      for await (const page of rangeOf(campaignId, 'MINUTES#')) minuteItems.push(...page);
      return Array.from({ length: SHARDS }, (_, shard): StoredShard => {
        const key = keys.metricsShard(campaignId, shard);
        return {
          state: metricsShardCodec.fromItem(
            campaignId,
            shard,
            shardItems.find((item) => item.sk === key.sk),
          ),
          minutes: minuteItems
            .filter((item) => minuteShardOf(item) === shard)
            .map((item) => metricsMinutesCodec.fromItem(String(item.hour), item)),
        };
      });
    },

    async *batches(campaignId) {
      for await (const page of rangeOf(campaignId, keys.batchPrefix)) yield page.map(batchCodec.fromItem);
    },

    progress: (campaignId) => readItem(client, table, progressCodec.key(campaignId), progressCodec.fromItem),

    async repair({ shard, minutes, baseline, at }) {
      const ttl = ttlAfter(new Date(at), MARKER_TTL_SECONDS);
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: metricsShardCodec.toItem(shard, shard.ver + 1, at),
                  ...versioned(shard.ver),
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: recountBaselineCodec.toItem(shard.campaignId, shard.shard, baseline, at, ttl),
                },
              },
              ...minutes.map((minute) => ({
                Put: {
                  TableName: table,
                  Item: metricsMinutesCodec.toItem(shard.campaignId, shard.shard, minute, minute.ver + 1, at),
                  ...versioned(minute.ver),
                },
              })),
            ],
          }),
        );
        return 'repaired';
      } catch (error) {
        // The aggregator wrote the shard since it was read: recount it again.
        if (transactionConflict(error) || cancellationCodes(error).includes('ConditionalCheckFailed'))
          return 'moved';
        throw error;
      }
    },
  };
};
