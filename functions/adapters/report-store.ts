import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Batch } from '../core/dispatch/batch.js';
import { TEST_SEQ_BASE } from '../core/dispatch/test-send.js';
import { INDEX, keys } from './table.js';
import { batchFromItem } from './batch-store.js';
import { queryPages } from './cursor.js';
import { batchGetAll } from './dynamo-batch.js';

export interface ReportStore {
  /**
   * A campaign's batches from `fromSeq` on, ascending, test sends left out (they are numbered after).
   * `pageSize`: batches per read (a hint for a caller that needs only a few); without it a read is 1 MB.
   */
  batchesFrom(campaignId: string, fromSeq: number, pageSize?: number): AsyncIterable<Batch[]>;
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
      yield page.map(batchFromItem);
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
      for (const item of page) clicks.set(String(item.listSk), Number(item.clicks ?? 0));
    }
    return clicks;
  },

  async clicksOf(codes) {
    const items = await batchGetAll(client, table, codes.map(keys.click), { attributes: ['pk', 'clicks'] });
    return new Map(items.map((item) => [String(item.pk).slice('CLICK#'.length), Number(item.clicks ?? 0)]));
  },
});
