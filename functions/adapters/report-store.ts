import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Batch } from '../core/dispatch/batch.js';
import { TEST_SEQ_BASE } from '../core/dispatch/test-send.js';
import { INDEX, keys } from './table.js';
import { queryPages } from './cursor.js';

const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'listPk', 'listSk', 'entity', 'claimToken']);

const fromItem = (item: Record<string, unknown>): Batch =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name))) as unknown as Batch;

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_LIMIT = 100;

export interface ReportStore {
  /** A campaign's batches from `fromSeq` on, ascending, test sends left out (they are numbered after). */
  batchesFrom(campaignId: string, fromSeq: number): AsyncIterable<Batch[]>;
  /** Clicks per short-link code (codes never clicked are absent). */
  clicksOf(codes: readonly string[]): Promise<Map<string, number>>;
  /** Clicks per code of every clicked link of a campaign: one Query, as many items as links clicked. */
  clicksOfCampaign(campaignId: string): Promise<Map<string, number>>;
}

export const dynamoReportStore = (client: DynamoDBDocumentClient, table: string): ReportStore => ({
  async *batchesFrom(campaignId, fromSeq) {
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.campaign(campaignId).pk,
        ':from': keys.batch(campaignId, fromSeq).sk,
        ':to': keys.batch(campaignId, TEST_SEQ_BASE - 1).sk,
      },
    })) {
      yield page.map(fromItem);
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
    const clicks = new Map<string, number>();
    const chunks: string[][] = [];
    for (let start = 0; start < codes.length; start += BATCH_GET_LIMIT)
      chunks.push(codes.slice(start, start + BATCH_GET_LIMIT));
    await Promise.all(
      chunks.map(async (chunk) => {
        let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression?: string }> = {
          [table]: { Keys: chunk.map((code) => keys.click(code)), ProjectionExpression: 'pk, clicks' },
        };
        // Unprocessed keys (throttling) are asked again until none are left.
        while (Object.keys(request).length) {
          const result = await client.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of result.Responses?.[table] ?? [])
            clicks.set(String(item.pk).slice('CLICK#'.length), Number(item.clicks ?? 0));
          request = (result.UnprocessedKeys ?? {}) as typeof request;
          if (Object.keys(request).length) await new Promise((done) => setTimeout(done, 50));
        }
      }),
    );
    return clicks;
  },
});
