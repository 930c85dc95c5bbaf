import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundStore } from '#core/webhooks/service.js';
import { queryPage } from './cursor.js';
import { INDEX, keys } from './table.js';
import { inboundCodec } from './table/records.js';

const { toItem, fromItem } = inboundCodec;

/** Inbound messages, one item per (partner, id), listed under their campaign's replies (index `lists`). */
export const dynamoInboundStore = (client: DynamoDBDocumentClient, table: string): InboundStore => ({
  async record(inbound) {
    try {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: toItem(inbound),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  replies(campaignId, page) {
    return queryPage(
      client,
      table,
      { index: INDEX.lists.name, keyName: 'listPk', keyValue: keys.repliesListPk(campaignId) },
      page,
      fromItem,
    );
  },
});
