import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Batch } from '#core/dispatch/batch.js';
import type { SuppressedRecipient } from '#core/dispatch/materialize.js';
import { SUPPRESSED_PER_CHUNK, type SuppressedChunk } from '#core/reports.js';
import { TEST_SEQ_BASE } from '#core/dispatch/batch.js';
import { INDEX, keys } from './table.js';
import { suppressedIndexEntries } from '#core/suppressed-index.js';
import { batchCodec, suppressedCodec, suppressedIndexCodec } from './table/batch.js';
import { clickCodec } from './table/records.js';
import { queryPages } from './cursor.js';
import { batchGetAll, batchWriteAll } from './dynamo-batch.js';

export interface ReportStore {
  /**
   * A campaign's batches from `fromSeq` on, ascending, test sends left out (they are numbered after).
   * `pageSize`: batches per read (a hint for a caller that needs only a few); without it a read is 1 MB.
   */
  batchesFrom(campaignId: string, fromSeq: number, pageSize?: number): AsyncIterable<Batch[]>;
  /**
   * Records a campaign's suppressed recipients, `SUPPRESSED_PER_CHUNK` an item, each item saying how many
   * there are, so chunks left over by an earlier, longer run are recognised and skipped; and their
   * suppressed index (by phone, for an erasure).
   */
  putSuppressed(campaignId: string, recipients: readonly SuppressedRecipient[], at: string): Promise<void>;
  /** A campaign's suppressed recipients from chunk `fromChunk` on, one item a page. */
  suppressedFrom(campaignId: string, fromChunk: number): AsyncIterable<SuppressedChunk[]>;
  /** Clicks per short-link code (codes never clicked are absent). */
  clicksOf(codes: readonly string[]): Promise<Map<string, number>>;
  /** Clicks per code of every clicked link of a campaign: one Query, as many items as links clicked. */
  clicksOfCampaign(campaignId: string): Promise<Map<string, number>>;
}

export const dynamoReportStore = (client: DynamoDBDocumentClient, table: string): ReportStore => ({
  async *batchesFrom(campaignId, fromSeq, pageSize) {
    for await (const page of queryPages(client, {
      TableName: table,
      ...(pageSize ? { Limit: pageSize } : {}),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.campaign(campaignId).pk,
        ':from': keys.batch(campaignId, fromSeq).sk,
        ':to': keys.batch(campaignId, TEST_SEQ_BASE - 1).sk,
      },
    })) {
      yield page.map(batchCodec.fromItem);
    }
  },

  async putSuppressed(campaignId, recipients, at) {
    const chunks = Math.ceil(recipients.length / SUPPRESSED_PER_CHUNK);
    const items = Array.from({ length: chunks }, (_, chunk) => ({
      PutRequest: {
        Item: suppressedCodec.toItem(campaignId, {
          chunk,
          chunks,
          at,
          recipients: recipients.slice(chunk * SUPPRESSED_PER_CHUNK, (chunk + 1) * SUPPRESSED_PER_CHUNK),
        }),
      },
    }));
    // The index first: a crash between the two leaves it pointing at chunks not written yet, which an
    // erasure reads as nothing; chunks without their index would hold a phone no erasure finds.
    const index = suppressedIndexEntries(recipients, SUPPRESSED_PER_CHUNK).map((entry) => ({
      PutRequest: {
        Item: suppressedIndexCodec.toItem(entry.bucket, campaignId, entry.firstChunk, entry.entries, at),
      },
    }));
    if (index.length) await batchWriteAll(client, table, index);
    if (items.length) await batchWriteAll(client, table, items);
  },

  async *suppressedFrom(campaignId, fromChunk) {
    let chunks: number | undefined;
    for await (const page of queryPages(client, {
      TableName: table,
      Limit: 1,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.campaign(campaignId).pk,
        ':from': keys.suppressed(campaignId, fromChunk).sk,
        ':to': `${keys.suppressedPrefix}~`,
      },
      ConsistentRead: true,
    })) {
      const found = page.map(suppressedCodec.fromItem);
      // Every item of the run that counted them says the same `chunks`: the first one read is of that run.
      chunks ??= found[0]?.chunks;
      const current = found.filter((c) => chunks !== undefined && c.chunk < chunks && c.chunks === chunks);
      if (current.length) yield current;
    }
  },

  async clicksOfCampaign(campaignId) {
    const clicks = new Map<string, number>();
    for await (const page of queryPages(client, {
      TableName: table,
      IndexName: INDEX.lists.name,
      KeyConditionExpression: 'listPk = :pk',
      ExpressionAttributeValues: { ':pk': keys.clicksListPk(campaignId) },
      ProjectionExpression: 'listSk, clicks',
    })) {
      for (const item of page) clicks.set(...clickCodec.clicksOfListItem(item));
    }
    return clicks;
  },

  async clicksOf(codes) {
    const items = await batchGetAll(client, table, codes.map(keys.click), { attributes: ['pk', 'clicks'] });
    return new Map(items.map(clickCodec.clicksByCode));
  },
});
