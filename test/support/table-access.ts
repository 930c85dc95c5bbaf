import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dynamoDocumentClient } from '#adapters/clients.js';
import type { RouteDef } from '#http/route.js';
import { invokedFunctionName } from '#local/invoke.js';
import { INDEX_ACTIONS, isWriteAction, tableActionsFor } from '#lib/table-actions.js';

/**
 * Issue #18: what each handler really asks of DynamoDB, against what its route declares. Every call the
 * handlers' one client (functions/adapters/clients.ts) sends is recorded as it goes on the wire (the
 * serialised request: its `X-Amz-Target` operation and JSON body), tagged with the function whose local
 * invocation sent it (local/invoke.ts); each is turned into the IAM actions DynamoDB authorises it by, on
 * which table and index, and checked against what lib/ grants the route's `table` access and `indexes`.
 */

/** One IAM action a call needs, on a table or one of its indexes. */
export interface ActionNeeded {
  action: string;
  table: string;
  index?: string;
}

/** One DynamoDB call as sent: the operation, the function that sent it, what IAM checks it against. */
export interface TableCall {
  /** The invoked function (a route's id for the API), `undefined` outside any invocation. */
  functionName: string | undefined;
  operation: string;
  needs: ActionNeeded[];
}

/** A transaction's items are authorised item by item, each as the single-item action it does. */
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/** The request as serialised (the JSON protocol: the operation in a header, the input as JSON bytes). */
const SerialisedRequest = z.object({
  headers: z.record(z.string(), z.string()),
  body: z.union([z.string(), z.instanceof(Uint8Array)]),
});
const RequestBody = z.object({
  TableName: z.string().optional(),
  IndexName: z.string().optional(),
  RequestItems: z.record(z.string(), z.unknown()).optional(),
  TransactItems: z.array(z.record(z.string(), z.object({ TableName: z.string() }))).optional(),
});

/** The IAM actions (and their resources) DynamoDB checks for one request, from its operation and body. */
export const actionsNeeded = (operation: string, body: z.output<typeof RequestBody>): ActionNeeded[] => {
  if (body.TransactItems)
    return body.TransactItems.flatMap((item) =>
      Object.entries(item).map(([kind, { TableName }]) => ({
        action: TRANSACT_ITEM_ACTIONS[kind] ?? `dynamodb:${operation}.${kind}`,
        table: TableName,
      })),
    );
  if (body.RequestItems)
    return Object.keys(body.RequestItems).map((table) => ({ action: `dynamodb:${operation}`, table }));
  return [
    {
      action: `dynamodb:${operation}`,
      table: body.TableName ?? '',
      ...(body.IndexName !== undefined ? { index: body.IndexName } : {}),
    },
  ];
};

/** What one serialised request does; one the recorder cannot read needs an action nobody is granted. */
const callOf = (serialised: unknown): Omit<TableCall, 'functionName'> => {
  const request = SerialisedRequest.safeParse(serialised);
  if (!request.success)
    return { operation: 'unreadable', needs: [{ action: 'dynamodb:unreadable request', table: '' }] };
  const target = Object.entries(request.data.headers).find(
    ([name]) => name.toLowerCase() === 'x-amz-target',
  )?.[1];
  const operation = target?.split('.').pop() ?? 'unknown';
  const { body } = request.data;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  return { operation, needs: actionsNeeded(operation, RequestBody.parse(JSON.parse(text || '{}'))) };
};

const RECORDER = 'routeAccessRecorder';

/**
 * Records every call the handlers' DynamoDB client sends from now on (once per call, before SDK retries),
 * until `stop`. Only a test adds it: the client's behaviour is unchanged.
 */
export const recordTableCalls = (client: DynamoDBDocumentClient = dynamoDocumentClient()) => {
  const calls: TableCall[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      calls.push({ functionName: invokedFunctionName(), ...callOf(args.request) });
      return next(args);
    },
    { step: 'build', name: RECORDER, override: true },
  );
  return {
    calls,
    /** The calls one function's invocations sent. */
    of: (functionName: string) => calls.filter((call) => call.functionName === functionName),
    stop: () => client.middlewareStack.remove(RECORDER),
  };
};

/** What a route (or another function, FUNCTION_TABLE_GRANTS) declares: its table access and the indexes it queries. */
export type Declared = Pick<RouteDef, 'id' | 'table' | 'indexes'>;

/**
 * Each way the calls go beyond what the route's declared access is granted, as a sentence (none: they
 * stay within): an action lib/ does not grant that access, another table than `table` (the stack's), an
 * index the route does not declare (lib/ grants `Query` on the declared ones only).
 */
export const accessViolations = (route: Declared, calls: readonly TableCall[], table: string): string[] => {
  const actions: readonly string[] = tableActionsFor(route.table);
  const indexes: readonly string[] = route.indexes ?? [];
  const violations = calls.flatMap((call) =>
    call.needs.flatMap(({ action, table: calledTable, index }) => {
      const what = `${route.id} (table: ${route.table}) sent ${call.operation}`;
      const allowed: readonly string[] = index === undefined ? actions : INDEX_ACTIONS;
      return [
        ...(allowed.includes(action) ? [] : [`${what}, which needs ${action}, not granted`]),
        ...(calledTable === table ? [] : [`${what} on table ${calledTable}, not its own`]),
        ...(index === undefined || indexes.includes(index)
          ? []
          : [`${what} on index ${index}, not declared (indexes: ${indexes.join(', ') || 'none'})`]),
      ];
    }),
  );
  return [...new Set(violations)];
};

/** The indexes the calls queried, each once, in the order first queried. */
export const indexesQueried = (calls: readonly TableCall[]): string[] => [
  ...new Set(
    calls.flatMap((call) => call.needs.flatMap(({ index }) => (index === undefined ? [] : [index]))),
  ),
];

/**
 * Why the route's declared access is more than its calls needed, or `undefined`: a route that writes
 * nothing should be 'read', one that sends nothing 'none'.
 */
export const overGrant = (route: Declared, calls: readonly TableCall[]): string | undefined => {
  const needed = calls.flatMap((call) => call.needs.map(({ action }) => action));
  if (route.table === 'write' && !needed.some(isWriteAction))
    return `${route.id} is declared 'write' but wrote nothing (${[...new Set(needed)].join(', ') || 'no call'})`;
  if (route.table === 'read' && needed.length === 0)
    return `${route.id} is declared 'read' but sent no DynamoDB call`;
  return undefined;
};

/**
 * The indexes the route declares but its calls never queried, as a sentence, or `undefined`: such an index
 * should not be declared (or the test should send the request that queries it).
 */
export const unqueriedIndexes = (route: Declared, calls: readonly TableCall[]): string | undefined => {
  const queried = indexesQueried(calls);
  const unqueried = (route.indexes ?? []).filter((index) => !queried.includes(index));
  return unqueried.length
    ? `${route.id} declares indexes it never queried: ${unqueried.join(', ')} (queried: ${queried.join(', ') || 'none'})`
    : undefined;
};
