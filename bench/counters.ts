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
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counts;
};

/** Write requests counted so far: one per SDK call that writes (a BatchWriteItem of 25 items is one). */
export const writeRequests = (counts: RequestCounts): number =>
  WRITE_OPERATIONS.reduce((sum, op) => sum + (counts.calls[op] ?? 0), 0);
