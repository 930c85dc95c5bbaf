import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OptOutStore } from '#core/opt-out-service.js';
import { batchGetAll } from './dynamo-batch.js';
import { conditionalWrite, putIfAbsent } from './conditional-write.js';
import { keys } from './table.js';
import { listedPages } from './cursor.js';
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
      if (await putIfAbsent(client, table, toItem(optOut))) return { created: true, optOut };
      const existing = await get(optOut.phone);
      // Removed again between the two calls: try once more, which now creates it.
      return existing ? { created: false, optOut: existing } : this.add(optOut);
    },

    remove: (phone) =>
      conditionalWrite(
        client.send(
          new DeleteCommand({
            TableName: table,
            Key: keys.optOut(phone),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      ),

    async allOptedOut() {
      const phones = new Set<string>();
      for await (const page of listedPages(client, table, keys.optOutsListPk, 'listSk')) {
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
