import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IndexBackfillStore } from '#core/migration.js';
import { suppressedIndexOfChunks } from '#core/suppressed-index.js';
import { conditionalWrite } from './conditional-write.js';
import { decodeCursor, encodeCursor, queryPages } from './cursor.js';
import { batchWriteAll } from './dynamo-batch.js';
import { keyParts, keys } from './table.js';
import { suppressedCodec, suppressedIndexCodec } from './table/batch.js';
import { inboundCodec } from './table/records.js';

/** Items a page of the migration's Scan reads (before its filter): small pages, progress often. */
const SCAN_PAGE = 1000;

/**
 * The one-off scan of the data model's step 3 (core/migration.ts): inbound messages written before the
 * sender index get it (`statusPk` = `INBOUND_FROM#{phone}`), and every campaign with suppressed chunks gets
 * its suppressed index written again from them. Only a migration scans; no request path does.
 */
export const dynamoIndexBackfill = (client: DynamoDBDocumentClient, table: string): IndexBackfillStore => {
  /** The sender index of one inbound message; not if it was indexed or deleted (erased) meanwhile. */
  const indexInbound = async (item: Record<string, unknown>): Promise<boolean> => {
    const inbound = inboundCodec.fromItem(item);
    const { statusPk, statusSk } = keys.inboundFrom(
      inbound.from,
      inbound.receivedAt,
      inbound.partnerId,
      inbound.id,
    );
    return conditionalWrite(
      client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: String(item.pk), sk: String(item.sk) },
          UpdateExpression: 'SET statusPk = :pk, statusSk = :sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(statusPk)',
          ExpressionAttributeValues: { ':pk': statusPk, ':sk': statusSk },
        }),
      ),
    );
  };

  /** The campaign's whole suppressed index, from all its chunks: the same items its writer makes. */
  const indexSuppressed = async (campaignId: string) => {
    const chunks = [];
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.campaign(campaignId).pk, ':prefix': keys.suppressedPrefix },
      ConsistentRead: true,
    }))
      chunks.push(...page.map(suppressedCodec.fromItem));
    const at = chunks.reduce((latest, c) => (c.at > latest ? c.at : latest), '');
    const items = suppressedIndexOfChunks(chunks).map((entry) => ({
      PutRequest: {
        Item: suppressedIndexCodec.toItem(entry.bucket, campaignId, entry.firstChunk, entry.entries, at),
      },
    }));
    if (items.length) await batchWriteAll(client, table, items);
  };

  return {
    async indexPage(cursor, seen) {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          Limit: SCAN_PAGE,
          ExclusiveStartKey: decodeCursor(cursor),
          FilterExpression: '(entity = :inbound AND attribute_not_exists(statusPk)) OR entity = :suppressed',
          ExpressionAttributeValues: {
            ':inbound': inboundCodec.entity,
            ':suppressed': suppressedCodec.entity,
          },
          ConsistentRead: true,
        }),
      );
      let inboundIndexed = 0;
      let campaignsIndexed = 0;
      for (const item of page.Items ?? []) {
        if (item.entity === inboundCodec.entity) {
          if (await indexInbound(item)) inboundIndexed++;
          continue;
        }
        const campaignId = keyParts.campaignOfPk(item.pk);
        if (campaignId === undefined || seen.has(campaignId)) continue;
        seen.add(campaignId);
        await indexSuppressed(campaignId);
        campaignsIndexed++;
      }
      const next = encodeCursor(page.LastEvaluatedKey);
      return { inboundIndexed, campaignsIndexed, ...(next ? { next } : {}) };
    },
  };
};
