import type { RouteDef } from '#http/route.js';

/**
 * The DynamoDB actions each table access of a route (`RouteDef.table`) is granted: the one list the CDK
 * grants from (handler-function.ts) and the route-access test checks each handler's calls against
 * (test/integration/route-access.test.ts). No construct is imported, so that test loads no CDK.
 */

/** What reading the table takes (no Scan: no handler scans; streams are granted by their event source). */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export type TableAction = (typeof TABLE_READ_ACTIONS)[number] | (typeof TABLE_WRITE_ACTIONS)[number];

/** Every action a route of this table access is granted on the table and its indexes. */
export const tableActionsFor = (access: RouteDef['table']): readonly TableAction[] =>
  access === 'none' ? [] : [...TABLE_READ_ACTIONS, ...(access === 'write' ? TABLE_WRITE_ACTIONS : [])];

/** Whether an action changes the table (any action not in TABLE_READ_ACTIONS). */
export const isWriteAction = (action: string): boolean => !TABLE_READ_ACTIONS.some((read) => read === action);
