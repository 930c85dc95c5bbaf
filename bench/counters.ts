import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const WRITE_OPERATIONS = [
  'BatchWriteItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
];

/** Operations that take `ReturnConsumedCapacity` and read (the rest of them write). */
const READ_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems'];
const WITH_CAPACITY = new Set([...WRITE_OPERATIONS, ...READ_OPERATIONS]);

export interface RequestCounts {
  calls: Record<string, number>;
  batchWriteItems: number;
  /**
   * Capacity units DynamoDB reported (`ReturnConsumedCapacity: 'TOTAL'` on every call that takes it): what
   * on-demand bills, by item size (a 25 KB item written is 25 write units), not by request; transactions
   * count twice, as AWS bills them.
   */
  writeUnits: number;
  readUnits: number;
  /** The units by operation, as DynamoDB Local reported them (a transaction's items at standard rates). */
  units: Record<string, number>;
  /** Sees each single-item request (its operation, its item's pk) once answered, failed or not. */
  watch?: (request: {
    operation: string;
    pk?: string;
    failed: boolean;
    item?: Record<string, unknown>;
  }) => void;
}

interface Consumed {
  CapacityUnits?: number;
}

/** The units of one answer: one `ConsumedCapacity` (single-item calls, Query) or one per table (batches). */
const unitsOf = (output: unknown): number => {
  const consumed = (output as { ConsumedCapacity?: Consumed | Consumed[] } | undefined)?.ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
};

/** Starts the counts of a new measurement from zero. */
export const resetCounts = (counts: RequestCounts): void => {
  counts.calls = {};
  counts.batchWriteItems = 0;
  counts.writeUnits = 0;
  counts.readUnits = 0;
  counts.units = {};
};

/**
 * Counts DynamoDB operations (one per SDK call, before SDK retries), the items BatchWriteItem carries and
 * the capacity units consumed (every call that can is asked for them; the answers are otherwise the same).
 */
export const countRequests = (client: DynamoDBDocumentClient): RequestCounts => {
  const counts: RequestCounts = {
    calls: {},
    batchWriteItems: 0,
    writeUnits: 0,
    readUnits: 0,
    units: {},
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.calls[operation] = (counts.calls[operation] ?? 0) + 1;
      const send: typeof next = WITH_CAPACITY.has(operation)
        ? async (request) => {
            const result = await next({
              ...request,
              input: { ...(request.input as object), ReturnConsumedCapacity: 'TOTAL' },
            });
            const units = unitsOf(result.output);
            counts.units[operation] = (counts.units[operation] ?? 0) + units;
            // DynamoDB Local reports a transaction's items at standard rates; AWS bills them twice.
            const billed = operation.startsWith('Transact') ? 2 * units : units;
            if (WRITE_OPERATIONS.includes(operation)) counts.writeUnits += billed;
            else counts.readUnits += billed;
            return result;
          }
        : next;
      if (operation === 'BatchWriteItem') {
        const { RequestItems = {} } = args.input as { RequestItems?: Record<string, unknown[]> };
        for (const requests of Object.values(RequestItems)) counts.batchWriteItems += requests.length;
      }
      const watch = counts.watch;
      if (!watch) return send(args);
      const { Item, Key } = args.input as { Item?: Record<string, unknown>; Key?: { pk?: unknown } };
      const pk = Item?.pk ?? Key?.pk;
      const request = {
        operation,
        ...(typeof pk === 'string' ? { pk } : {}),
        ...(Item ? { item: Item } : {}),
      };
      try {
        const result = await send(args);
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

/** Read requests counted so far (GetItem, BatchGetItem, Query, Scan, TransactGetItems). */
export const readRequests = (counts: RequestCounts): number =>
  READ_OPERATIONS.reduce((sum, op) => sum + (counts.calls[op] ?? 0), 0);

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
