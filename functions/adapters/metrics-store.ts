import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AggregationStore, CommitResult, MinuteState } from '#core/metrics/aggregate.js';
import { SHARDS } from '#core/metrics/changes.js';
import { addMinutes, sumCounters, type Counters, type Minutes } from '#core/metrics/counters.js';
import type { MetricsReader } from '#core/metrics/service.js';
import type { CampaignHead } from '#core/metrics/view.js';
import { INDEX, keys, ttlAfter, type ItemKey } from './table.js';
import type { Item } from './table/codec.js';
import {
  aggregatedCodec,
  campaignHeadFromItem,
  metricsMinutesCodec,
  metricsShardCodec,
  recountBaselineCodec,
} from './table/metrics.js';
import { queryPages } from './cursor.js';
import { batchGetAll, cancellationCodes, transactionConflict } from './dynamo-batch.js';

/** Markers outlive the stream's 24-hour retention, so no record can come back after its marker is gone. */
export const MARKER_TTL_SECONDS = 2 * 24 * 3600;

const shardKeys = (campaignId: string) =>
  Array.from({ length: SHARDS }, (_, shard) => keys.metricsShard(campaignId, shard));

const shardFrom = metricsShardCodec.fromItem;

const sameKey = (item: Item, key: ItemKey) => item.pk === key.pk && item.sk === key.sk;

const campaignHeadFrom = campaignHeadFromItem;

/** Versioned put: only if the item is still at the version read (absent = never written). */
const versioned = (ver: number) =>
  ver === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'ver = :ver', ExpressionAttributeValues: { ':ver': ver } };

/** Why a transaction may be refused and tried again: a version moved, a marker existed, another writer. */
const RETRYABLE_CODES = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict']);

/** The aggregator's writes: counter shards, minute items and "already counted" markers, in one transaction. */
export const dynamoAggregationStore = (client: DynamoDBDocumentClient, table: string): AggregationStore => ({
  async load(campaignId, shard, hours) {
    const shardKey = keys.metricsShard(campaignId, shard);
    const recountKey = keys.metricsRecount(campaignId, shard);
    const minuteKeys = hours.map((hour) => keys.metricsMinutes(campaignId, hour, shard));
    const items = await batchGetAll(client, table, [shardKey, recountKey, ...minuteKeys], {
      consistent: true,
    });
    const recounted = recountBaselineCodec.fromItem(items.find((item) => sameKey(item, recountKey)));
    return {
      shard: {
        ...shardFrom(
          campaignId,
          shard,
          items.find((item) => sameKey(item, shardKey)),
        ),
        ...(recounted ? { recounted } : {}),
      },
      minutes: hours.map((hour, i): MinuteState => {
        const key = minuteKeys[i] as ItemKey;
        return metricsMinutesCodec.fromItem(
          hour,
          items.find((candidate) => sameKey(candidate, key)),
        );
      }),
    };
  },

  async commit(write): Promise<CommitResult> {
    const { shard, minutes, markers, at } = write;
    const ttl = ttlAfter(new Date(at), MARKER_TTL_SECONDS);
    // Each counter item is replaced whole, on condition that it is still at the version read.
    const versionedPut = (ver: number, item: Item) => ({
      Put: { TableName: table, Item: item, ...versioned(ver) },
    });
    const transactItems = [
      versionedPut(shard.ver, metricsShardCodec.toItem(shard, shard.ver + 1, at)),
      ...minutes.map((minute) =>
        versionedPut(
          minute.ver,
          metricsMinutesCodec.toItem(shard.campaignId, shard.shard, minute, minute.ver + 1, at),
        ),
      ),
      ...markers.map((id) => ({
        Put: {
          TableName: table,
          Item: aggregatedCodec.toItem(id, at, ttl),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
    ];
    try {
      await client.send(new TransactWriteCommand({ TransactItems: transactItems }));
      return { ok: true };
    } catch (error) {
      // Only a moved version (a shard or minute item), an existing marker or a concurrent transaction is
      // ours to handle; anything else (throttling, validation, item too large) is the caller's error.
      const codes = cancellationCodes(error);
      const conflictError = transactionConflict(error);
      if (!conflictError && (codes.length === 0 || codes.some((code) => !RETRYABLE_CODES.has(code ?? ''))))
        throw error;
      const versionedItems = 1 + minutes.length;
      const counted = markers.filter((_, i) => codes[versionedItems + i] === 'ConditionalCheckFailed');
      const conflict =
        conflictError || codes.slice(0, versionedItems).some((code) => code === 'ConditionalCheckFailed');
      if (!conflict && counted.length === 0) throw error;
      return { ok: false, counted, conflict };
    }
  },
});

/** The metrics read model: the campaign and its 4 shards in one BatchGetItem (5 items). */
export const dynamoMetricsReader = (client: DynamoDBDocumentClient, table: string): MetricsReader => ({
  async campaignWithShards(campaignId) {
    const campaignKey = keys.campaign(campaignId);
    const items = await batchGetAll(client, table, [campaignKey, ...shardKeys(campaignId)], {
      consistent: true,
    });
    const campaign = items.find((item) => sameKey(item, campaignKey));
    return {
      ...(campaign ? { campaign: campaignHeadFrom(campaign) } : {}),
      shards: shardKeys(campaignId).map((key, shard) =>
        shardFrom(
          campaignId,
          shard,
          items.find((item) => sameKey(item, key)),
        ),
      ),
    };
  },

  async minutes(campaignId, fromHour, toHour) {
    // One item per hour and shard: the shards of each minute are summed.
    const found: Minutes = {};
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.campaign(campaignId).pk,
        ':from': keys.metricsMinutes(campaignId, fromHour, 0).sk,
        ':to': keys.metricsMinutes(campaignId, toHour, SHARDS - 1).sk,
      },
      ConsistentRead: true,
    })) {
      for (const item of page) addMinutes(found, metricsMinutesCodec.hourOf(item));
    }
    return found;
  },

  async campaignsCreatedBefore(to) {
    const found: CampaignHead[] = [];
    for await (const page of queryPages(client, {
      TableName: table,
      IndexName: INDEX.lists.name,
      // listSk is `{createdAt}#{id}`, and a campaign is created before it is sent: nothing created at or
      // after `to` can be in the window. Which of the rest are is the core's call (`inSummaryWindow`).
      KeyConditionExpression: 'listPk = :list AND listSk < :to',
      ProjectionExpression: 'id, #name, #status, sendAt, startedAt, estimate.currency',
      ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
      ExpressionAttributeValues: { ':list': keys.campaignsListPk, ':to': to },
    })) {
      found.push(...page.map(campaignHeadFrom));
    }
    return found;
  },

  async countersOf(campaignIds) {
    const items = await batchGetAll(client, table, campaignIds.flatMap(shardKeys));
    const byCampaign = new Map<string, Counters[]>();
    for (const { campaignId: id, counters } of items.map(metricsShardCodec.countersOf)) {
      byCampaign.set(id, [...(byCampaign.get(id) ?? []), counters]);
    }
    return new Map(campaignIds.map((id) => [id, sumCounters(byCampaign.get(id) ?? [])]));
  },
});
