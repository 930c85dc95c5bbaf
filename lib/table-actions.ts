import type { IndexName } from '#adapters/table.js';
import type { RouteDef } from '#http/route.js';

/**
 * The DynamoDB actions each table access of a route (`RouteDef.table`) is granted, and the indexes each
 * function queries: the one list the CDK grants from (handler-function.ts) and the route-access test checks
 * each handler's calls against (test/integration/route-access.test.ts). No construct is imported, so that
 * test loads no CDK.
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

/** Every action a route of this table access is granted on the table itself. */
export const tableActionsFor = (access: RouteDef['table']): readonly TableAction[] =>
  access === 'none' ? [] : [...TABLE_READ_ACTIONS, ...(access === 'write' ? TABLE_WRITE_ACTIONS : [])];

/** Whether an action changes the table (any action not in TABLE_READ_ACTIONS). */
export const isWriteAction = (action: string): boolean => !TABLE_READ_ACTIONS.some((read) => read === action);

/** The one action granted on an index, and only on those the function declares: an index is only queried. */
export const INDEX_ACTIONS = ['dynamodb:Query'] as const;

/** What a function is granted on the table: its access, and `Query` on the indexes it queries (none if left out). */
export interface TableGrant {
  readonly table: Exclude<RouteDef['table'], 'none'>;
  readonly indexes?: readonly IndexName[] | undefined;
}

/** The ARN of each index granted: `<table ARN>/index/<name>`, by name (never `index/*`). */
export const indexArns = (tableArn: string, indexes: readonly IndexName[] = []): string[] =>
  indexes.map((index) => `${tableArn}/index/${index}`);

/**
 * The functions besides the API's routes (whose grants are in the route table, `RouteDef.table` and
 * `indexes`), by the name the local runtime invokes them under (local/): what each is granted on the table.
 * The recount (lib/metrics-aggregation.ts, `RECOUNT_ACTIONS`) queries no index.
 */
export const FUNCTION_TABLE_GRANTS = {
  /** Each batch names its partners: read by key. */
  dispatchConsumer: { table: 'write', indexes: [] },
  /** Opt-outs, ported numbers and partners (`lists`); campaigns sending, for the frequency cap (`byStatus`). */
  materializeCampaign: { table: 'write', indexes: ['lists', 'byStatus'] },
  /** Campaigns sending (`byStatus`); partners and their due batches (`lists`); and what materialising reads. */
  sweep: { table: 'write', indexes: ['lists', 'byStatus'] },
  startCampaign: { table: 'write', indexes: [] },
  aggregateMetrics: { table: 'write', indexes: [] },
} as const satisfies Record<string, TableGrant>;

export type FunctionWithTable = keyof typeof FUNCTION_TABLE_GRANTS;
