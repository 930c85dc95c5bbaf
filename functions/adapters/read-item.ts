import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Item } from './table/codec.js';

/** The item under `key`, read strongly consistent and decoded by `fromItem`; undefined when there is none. */
export const readItem = async <T>(
  client: DynamoDBDocumentClient,
  table: string,
  key: Record<string, unknown>,
  fromItem: (item: Item) => T,
): Promise<T | undefined> => {
  const { Item } = await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return Item ? fromItem(Item) : undefined;
};
