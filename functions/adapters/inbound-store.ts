import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Inbound } from '../core/webhooks/inbound.js';
import type { InboundStore } from '../core/webhooks/service.js';
import { queryPage } from './cursor.js';
import { INDEX, keys } from './table.js';

const ENTITY = 'Inbound';

const toItem = (inbound: Inbound) => ({
  ...keys.inbound(inbound.partnerId, inbound.id),
  ...(inbound.campaignId
    ? keys.replyList(inbound.campaignId, inbound.at, inbound.partnerId, inbound.id)
    : {}),
  entity: ENTITY,
  ...inbound,
});

const fromItem = (item: Record<string, unknown>): Inbound => {
  const { pk: _pk, sk: _sk, listPk: _lp, listSk: _ls, entity: _e, ...inbound } = item;
  return inbound as unknown as Inbound;
};

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
