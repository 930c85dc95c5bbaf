import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OptOutStore } from '#core/opt-out-service.js';
import { batchGetAll } from './dynamo-batch.js';
import { INDEX, keys } from './table.js';
import { queryPages } from './cursor.js';
import { optOutCodec } from './table/records.js';

const { toItem, fromItem } = optOutCodec;

/** Opt-outs, one item per phone, also listed in the `lists` index under OPTOUTS (the suppression list). */
export const dynamoOptOutStore = (client: DynamoDBDocumentClient, table: string): OptOutStore => {
  const get = async (phone: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.optOut(phone), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  };

  return {
    get,

    async add(optOut) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: toItem(optOut),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { created: true, optOut };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const existing = await get(optOut.phone);
      // Removed again between the two calls: try once more, which now creates it.
      return existing ? { created: false, optOut: existing } : this.add(optOut);
    },

    async remove(phone) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: table,
            Key: keys.optOut(phone),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async allOptedOut() {
      const phones = new Set<string>();
      for await (const page of queryPages(client, {
        TableName: table,
        IndexName: INDEX.lists.name,
        KeyConditionExpression: 'listPk = :pk',
        ExpressionAttributeValues: { ':pk': keys.optOutsListPk },
        ProjectionExpression: 'listSk',
      })) {
        for (const item of page) phones.add(optOutCodec.phoneOfListItem(item));
      }
      return phones;
    },

    async isOptedOut(phones) {
      const found = await batchGetAll(client, table, [...new Set(phones)].map(keys.optOut), {
        attributes: ['phone'],
      });
      return new Set(found.map(optOutCodec.phoneOf));
    },
  };
};
