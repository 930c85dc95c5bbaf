import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '#core/page.js';
import { detail, ValidationError } from '#core/errors.js';
import { INDEX, TABLE_SCHEMA } from './table.js';

/** List cursors are the DynamoDB LastEvaluatedKey, base64url-encoded JSON: opaque to callers. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

const invalidCursor = () => new ValidationError('Invalid cursor', [detail('cursor', 'invalid_cursor')]);

export const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  throw invalidCursor();
};

/** DynamoDB's limits on key attribute values, in UTF-8 bytes. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

const isKeyValue = (value: unknown, maxBytes: number): value is string =>
  typeof value === 'string' && value !== '' && Buffer.byteLength(value, 'utf8') <= maxBytes;

/**
 * The start key a cursor names for the list at `where`, or a 400 on `cursor`. A Query's LastEvaluatedKey
 * holds exactly the table's keys and, on an index, the index's keys, all strings in this table; and it lies
 * in the partition the list reads. Anything else is not a cursor this list gave out, and DynamoDB would
 * refuse it with a 500-worthy ValidationException.
 */
export const startKeyFor = (
  cursor: string | undefined,
  where: ListLocation,
): Record<string, string> | undefined => {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const index = where.index
    ? TABLE_SCHEMA.indexes.find((candidate) => candidate.name === where.index)
    : undefined;
  const schema: [name: string, maxBytes: number][] = [
    [TABLE_SCHEMA.partitionKey, MAX_PARTITION_KEY_BYTES],
    [TABLE_SCHEMA.sortKey, MAX_SORT_KEY_BYTES],
    ...(index
      ? ([
          [index.partitionKey, MAX_PARTITION_KEY_BYTES],
          [index.sortKey, MAX_SORT_KEY_BYTES],
        ] as [string, number][])
      : []),
  ];
  const names = Object.keys(key);
  const startKey: Record<string, string> = {};
  for (const [name, maxBytes] of schema) {
    const value = key[name];
    if (!isKeyValue(value, maxBytes)) throw invalidCursor();
    startKey[name] = value;
  }
  if (names.length !== schema.length || startKey[where.keyName] !== where.keyValue) throw invalidCursor();
  return startKey;
};

/** Where a list lives: a partition of the table, or of an index. */
export interface ListLocation {
  index?: string;
  keyName: string;
  keyValue: string;
}

/** The partition `listPk` of the `lists` index, where each kind of listed item is listed. */
export const inList = (listPk: string): ListLocation => ({
  index: INDEX.lists.name,
  keyName: INDEX.lists.partitionKey,
  keyValue: listPk,
});

/** The partition `statusPk` of the `byStatus` index (campaigns of one status, templates not archived). */
export const inStatus = (statusPk: string): ListLocation => ({
  index: INDEX.byStatus.name,
  keyName: INDEX.byStatus.partitionKey,
  keyValue: statusPk,
});

/** One partition of the table itself, e.g. a campaign's or a template's audit entries. */
export const inPartition = (pk: string): ListLocation => ({
  keyName: TABLE_SCHEMA.partitionKey,
  keyValue: pk,
});

/** One page of a list (contract §1: `limit`, opaque `cursor`), newest first unless `ascending`. */
export const queryPage = async <T>(
  client: DynamoDBDocumentClient,
  table: string,
  where: ListLocation,
  page: PageRequest,
  fromItem: (item: Record<string, unknown>) => T,
  ascending = false,
): Promise<Page<T>> => {
  const result = await client.send(
    new QueryCommand({
      TableName: table,
      ...(where.index ? { IndexName: where.index } : {}),
      KeyConditionExpression: '#key = :key',
      ExpressionAttributeNames: { '#key': where.keyName },
      ExpressionAttributeValues: { ':key': where.keyValue },
      ScanIndexForward: ascending,
      Limit: page.limit,
      ExclusiveStartKey: startKeyFor(page.cursor, where),
    }),
  );
  return { items: (result.Items ?? []).map(fromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
};

/** Every page of a Query, following `LastEvaluatedKey` to the end: for reads that need the whole result. */
export async function* queryPages(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item listed under `listPk` in the `lists` index, page by page, with only the `projection` attributes. */
export const listedPages = (
  client: DynamoDBDocumentClient,
  table: string,
  listPk: string,
  projection: string,
): AsyncGenerator<Record<string, unknown>[]> =>
  queryPages(client, {
    TableName: table,
    IndexName: INDEX.lists.name,
    KeyConditionExpression: 'listPk = :pk',
    ExpressionAttributeValues: { ':pk': listPk },
    ProjectionExpression: projection,
  });
