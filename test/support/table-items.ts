import {
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';

/** Every item of the table, page by page (a consistent scan): for tests that search the whole table. */
export const allItems = async (): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new ScanCommand({ TableName: tableName(), ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** The items that hold `text` anywhere, in a string set too (a phone's digits: is anything of it left?). */
export const itemsHolding = async (text: string): Promise<Record<string, unknown>[]> =>
  (await allItems()).filter((item) =>
    JSON.stringify(item, (_, value: unknown) => (value instanceof Set ? [...value] : value)).includes(text),
  );

/** Every item a query answers, page by page. */
export const queryAll = async (
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};
