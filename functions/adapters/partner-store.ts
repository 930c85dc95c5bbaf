import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.js';
import type { PartnerStore } from '#core/partner-service.js';
import { queryPage } from './cursor.js';
import { INDEX, keys } from './table.js';
import { partnerCodec } from './table/records.js';

const { toItem, fromItem } = partnerCodec;

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
