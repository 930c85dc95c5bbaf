import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Batch } from '#core/dispatch/batch.js';
import { recipientBuckets } from '#core/webhooks/recipients.js';
import type { RecipientLookup } from '#core/webhooks/service.js';
import { batchWriteAll } from './dynamo-batch.js';
import { keys } from './table.js';
import { recipientIndexCodec } from './table/records.js';
import { queryPages } from './cursor.js';

export interface RecipientIndex extends RecipientLookup {
  /**
   * One item per last-2-digits bucket of these batches (a slice of a campaign's batches, `firstSeq` its
   * first), for materialisation run `run`. The key depends only on the campaign, its start, the slice and
   * the run, so the run writing it again is harmless and another run's items are never replaced.
   */
  put(campaignId: string, materializedAt: string, batches: readonly Batch[], run: string): Promise<void>;
}

export const dynamoRecipientIndex = (client: DynamoDBDocumentClient, table: string): RecipientIndex => ({
  async put(campaignId, materializedAt, batches, run) {
    // A loop, not Math.min(...): a large campaign has more batches than a call takes arguments.
    const firstSeq = batches.reduce((least, b) => Math.min(least, b.seq), Infinity);
    const requests = [...recipientBuckets(batches)].map(([bucket, entries]) => ({
      PutRequest: {
        Item: recipientIndexCodec.toItem(bucket, { campaignId, materializedAt, entries }, firstSeq, run),
      },
    }));
    if (requests.length) await batchWriteAll(client, table, requests);
  },

  async itemsOf(bucket, since) {
    const found = [];
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: { ':pk': keys.recipientIndexPk(bucket), ':since': since.toISOString() },
      ProjectionExpression: 'sk, campaignId, entries',
      ScanIndexForward: false,
    })) {
      found.push(...page.map(recipientIndexCodec.fromItem));
    }
    return found;
  },
});
