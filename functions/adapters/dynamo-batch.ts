import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '#core/concurrency.js';

/** Helpers for DynamoDB's batch calls: split, run a few at a time, retry what DynamoDB left unprocessed. */

const MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 25;
const BACKOFF_CAP_MS = 2_000;

export const inGroupsOf = <T>(items: readonly T[], size: number): T[][] => {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
};

/** Exponential backoff with full jitter (the AWS Architecture Blog's recommendation). */
const backoff = (attempt: number) =>
  new Promise((done) =>
    setTimeout(done, Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)),
  );

/**
 * Sends `requests` until none is left: `send` answers what DynamoDB did not process (UnprocessedItems or
 * UnprocessedKeys), which is sent again after a backoff.
 */
export const untilProcessed = async <T>(
  requests: T[],
  send: (requests: T[]) => Promise<T[]>,
): Promise<void> => {
  let pending = requests;
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt === MAX_ATTEMPTS) {
      throw new Error(
        `DynamoDB left ${pending.length} batch requests unprocessed after ${MAX_ATTEMPTS} attempts`,
      );
    }
    if (attempt > 0) await backoff(attempt);
    pending = await send(pending);
  }
};

export type WriteRequest = NonNullable<
  ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']
>[string][number];

/** BatchWriteItem, 25 requests a call, `parallel` calls in flight; unprocessed items retried with backoff. */
export const batchWriteAll = (
  client: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
  parallel = 8,
): Promise<void> =>
  inParallel(inGroupsOf(requests, 25), parallel, (group) =>
    untilProcessed(group, async (pending) => {
      const { UnprocessedItems } = await client.send(
        new BatchWriteCommand({ RequestItems: { [table]: pending } }),
      );
      return UnprocessedItems?.[table] ?? [];
    }),
  );

type Key = Record<string, unknown>;

/**
 * BatchGetItem of any number of keys: 100 a call, `parallel` calls in flight, unprocessed keys retried with
 * backoff. Answers the items found, in no particular order (absent keys are simply missing).
 */
export const batchGetAll = async (
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  {
    consistent = false,
    attributes,
    parallel = 8,
  }: { consistent?: boolean; attributes?: readonly string[]; parallel?: number } = {},
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  const projection = attributes?.length
    ? {
        ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
      }
    : {};
  await inParallel(inGroupsOf(keys, 100), parallel, (group) =>
    untilProcessed(group, async (pending) => {
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent, ...projection } },
        }),
      );
      found.push(...(Responses?.[table] ?? []));
      return (UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
    }),
  );
  return found;
};

/**
 * The per-item codes of a cancelled transaction, in the order of its items (`None`,
 * `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, `ValidationError`, …); [] for any
 * other error.
 */
export const cancellationCodes = (error: unknown): (string | undefined)[] =>
  error instanceof TransactionCanceledException
    ? (error.CancellationReasons ?? []).map((reason) => reason.Code)
    : [];

/** A condition refused the write: a single write's, or one item's of a transaction. */
export const conditionFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  cancellationCodes(error).includes('ConditionalCheckFailed');

/** Another transaction was writing one of the items at the same time. */
export const transactionConflict = (error: unknown): boolean =>
  (error as { name?: unknown } | null | undefined)?.name === 'TransactionConflictException' ||
  cancellationCodes(error).includes('TransactionConflict');

/** The item would exceed DynamoDB's 400 KB: a single write's ValidationException, or a transaction item's. */
export const itemTooLarge = (error: unknown): boolean => {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    (name === 'ValidationException' && typeof message === 'string' && /size/i.test(message)) ||
    (cancellationCodes(error).includes('ValidationError') &&
      typeof message === 'string' &&
      /size/i.test(message))
  );
};
