import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../core/page.js';
import { ValidationError } from '../core/errors.js';

/** List cursors are the DynamoDB LastEvaluatedKey, base64url-encoded JSON: opaque to callers. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

export const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through to the validation error below
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'is not a cursor this API returned' },
  ]);
};

/** Where a list lives: a partition of the table, or of an index. */
export interface ListLocation {
  index?: string;
  keyName: string;
  keyValue: string;
}

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
      ExclusiveStartKey: decodeCursor(page.cursor),
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
