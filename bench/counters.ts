import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const WRITE_OPERATIONS = [
  'BatchWriteItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
];

export interface RequestCounts {
  calls: Record<string, number>;
  batchWriteItems: number;
  /** Sees each single-item request (its operation, its item's pk) once answered, failed or not. */
  watch?: (request: {
    operation: string;
    pk?: string;
    failed: boolean;
    item?: Record<string, unknown>;
  }) => void;
}

/** Counts DynamoDB operations (one per SDK call, before SDK retries) and the items BatchWriteItem carries. */
export const countRequests = (client: DynamoDBDocumentClient): RequestCounts => {
  const counts: RequestCounts = { calls: {}, batchWriteItems: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.calls[operation] = (counts.calls[operation] ?? 0) + 1;
      if (operation === 'BatchWriteItem') {
        const { RequestItems = {} } = args.input as { RequestItems?: Record<string, unknown[]> };
        for (const requests of Object.values(RequestItems)) counts.batchWriteItems += requests.length;
      }
      const watch = counts.watch;
      if (!watch) return next(args);
      const { Item, Key } = args.input as { Item?: Record<string, unknown>; Key?: { pk?: unknown } };
      const pk = Item?.pk ?? Key?.pk;
      const request = {
        operation,
        ...(typeof pk === 'string' ? { pk } : {}),
        ...(Item ? { item: Item } : {}),
      };
      try {
        const result = await next(args);
        watch({ ...request, failed: false });
        return result;
      } catch (error) {
        watch({ ...request, failed: true });
        throw error;
      }
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counts;
};

/** Write requests counted so far: one per SDK call that writes (a BatchWriteItem of 25 items is one). */
export const writeRequests = (counts: RequestCounts): number =>
  WRITE_OPERATIONS.reduce((sum, op) => sum + (counts.calls[op] ?? 0), 0);

/**
 * Counts the items that reads bring back (GetItem, BatchGetItem, Query), only for requests whose input
 * mentions `needle` (e.g. a campaign id), so the background work of the runtime does not blur the figure.
 */
export const countItemsRead = (client: DynamoDBDocumentClient, needle: () => string | undefined) => {
  const tally = { requests: 0, items: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const wanted = needle();
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      if (!wanted || !['GetItem', 'BatchGetItem', 'Query'].includes(operation)) return result;
      if (!JSON.stringify(args.input).includes(wanted)) return result;
      const output = result.output as {
        Item?: unknown;
        Items?: unknown[];
        Responses?: Record<string, unknown[]>;
      };
      tally.requests++;
      tally.items +=
        (output.Item ? 1 : 0) +
        (output.Items?.length ?? 0) +
        Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
      return result;
    },
    { step: 'initialize', name: 'benchItemsReadCounter' },
  );
  return tally;
};
