import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Batch } from '../core/dispatch/batch.js';
import type { BatchRef } from '../core/dispatch/ports.js';
import { batchesHolding, recipientBuckets } from '../core/webhooks/recipients.js';
import type { RecipientLookup } from '../core/webhooks/service.js';
import { batchWriteAll } from './dynamo-batch.js';
import { keys, ttlAfter } from './table.js';
import { queryPages } from './cursor.js';

/** Replies count for campaigns of the last 7 days; a day more lets the lookup's window close first. */
const INDEX_TTL_SECONDS = 8 * 24 * 3600;

export interface RecipientIndex extends RecipientLookup {
  /**
   * One item per last-2-digits bucket of these batches (a slice of a campaign's batches, `firstSeq` its
   * first). The key depends only on the campaign, its start and the slice, so writing it again is harmless.
   */
  put(campaignId: string, materializedAt: string, batches: readonly Batch[]): Promise<void>;
}

export const dynamoRecipientIndex = (client: DynamoDBDocumentClient, table: string): RecipientIndex => ({
  async put(campaignId, materializedAt, batches) {
    const firstSeq = Math.min(...batches.map((b) => b.seq));
    const now = new Date();
    const requests = [...recipientBuckets(batches)].map(([bucket, entries]) => ({
      PutRequest: {
        Item: {
          // The key builder takes a phone and keeps its last two digits: the bucket is exactly those.
          ...keys.recipientIndex(bucket, materializedAt, campaignId, firstSeq),
          entity: 'RecipientIndex',
          campaignId,
          entries,
          ttl: ttlAfter(now, INDEX_TTL_SECONDS),
        },
      },
    }));
    if (requests.length) await batchWriteAll(client, table, requests);
  },

  async batchesOf(phone, since) {
    const found: BatchRef[] = [];
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: { ':pk': keys.recipientIndexPk(phone), ':since': since.toISOString() },
      ProjectionExpression: 'campaignId, entries',
      ScanIndexForward: false,
    })) {
      for (const item of page)
        found.push(...batchesHolding(String(item.campaignId), (item.entries ?? []) as string[], phone));
    }
    return found;
  },
});
