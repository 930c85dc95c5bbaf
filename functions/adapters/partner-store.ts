import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../core/errors.js';
import type { Partner } from '../core/partner.js';
import type { PartnerStore } from '../core/partner-service.js';
import { queryPage } from './cursor.js';
import { INDEX, keys } from './table.js';

const ENTITY = 'Partner';

const toItem = (partner: Partner) => ({
  ...keys.partner(partner.id),
  ...keys.partnerList(partner.id),
  entity: ENTITY,
  ...partner,
});

const fromItem = (item: Record<string, unknown>): Partner => {
  const { pk: _pk, sk: _sk, listPk: _lp, listSk: _ls, entity: _e, ...partner } = item;
  return partner as unknown as Partner;
};

export const dynamoPartnerStore = (client: DynamoDBDocumentClient, table: string): PartnerStore => ({
  async get(id) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.partner(id), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  },

  async put(partner, expectedUpdatedAt) {
    try {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: toItem(partner),
          ...(expectedUpdatedAt === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'updatedAt = :expected',
                ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`Partner ${partner.id} was changed by another request; retry`);
      }
      throw error;
    }
  },

  list(page) {
    return queryPage(
      client,
      table,
      { index: INDEX.lists.name, keyName: 'listPk', keyValue: keys.partnersListPk },
      page,
      fromItem,
      true,
    );
  },
});
