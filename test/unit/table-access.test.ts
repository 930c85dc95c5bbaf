import { describe, expect, it } from 'vitest';
import {
  accessViolations,
  actionsNeeded,
  overGrant,
  unqueriedIndexes,
  type TableCall,
} from '#support/table-access.js';

/** The checker the route-access test (test/integration/route-access.test.ts) applies to recorded calls. */

const TABLE = 'the-table';
const call = (operation: string, body: Parameters<typeof actionsNeeded>[1]): TableCall => ({
  functionName: 'someRoute',
  operation,
  needs: actionsNeeded(operation, body),
});

describe('the IAM actions a DynamoDB request needs', () => {
  it('are its operation on its table and index', () => {
    expect(actionsNeeded('Query', { TableName: TABLE, IndexName: 'lists' })).toEqual([
      { action: 'dynamodb:Query', table: TABLE, index: 'lists' },
    ]);
  });

  it('are a batch operation on each table it names', () => {
    expect(actionsNeeded('BatchGetItem', { RequestItems: { a: {}, b: {} } })).toEqual([
      { action: 'dynamodb:BatchGetItem', table: 'a' },
      { action: 'dynamodb:BatchGetItem', table: 'b' },
    ]);
  });

  it('are, for a transaction, the single-item action of each of its items', () => {
    expect(
      actionsNeeded('TransactWriteItems', {
        TransactItems: [{ Put: { TableName: TABLE } }, { ConditionCheck: { TableName: TABLE } }],
      }),
    ).toEqual([
      { action: 'dynamodb:PutItem', table: TABLE },
      { action: 'dynamodb:ConditionCheckItem', table: TABLE },
    ]);
  });
});

describe('a route’s calls against its declared table access', () => {
  const read = { id: 'listThings', table: 'read', indexes: ['lists'] } as const;

  it('pass when they only read, on the table and a granted index', () => {
    const calls = [
      call('GetItem', { TableName: TABLE }),
      call('Query', { TableName: TABLE, IndexName: 'lists' }),
      call('BatchGetItem', { RequestItems: { [TABLE]: {} } }),
    ];
    expect(accessViolations(read, calls, TABLE)).toEqual([]);
    expect(overGrant(read, calls)).toBeUndefined();
  });

  it('fail for a write, a Scan or a transaction’s write on a read route', () => {
    const calls = [
      call('PutItem', { TableName: TABLE }),
      call('Scan', { TableName: TABLE }),
      call('TransactWriteItems', { TransactItems: [{ Update: { TableName: TABLE } }] }),
    ];
    expect(accessViolations(read, calls, TABLE)).toEqual([
      'listThings (table: read) sent PutItem, which needs dynamodb:PutItem, not granted',
      'listThings (table: read) sent Scan, which needs dynamodb:Scan, not granted',
      'listThings (table: read) sent TransactWriteItems, which needs dynamodb:UpdateItem, not granted',
    ]);
  });

  it('fail for any call at all on a route declared none', () => {
    expect(
      accessViolations({ id: 'health', table: 'none' }, [call('GetItem', { TableName: TABLE })], TABLE),
    ).toEqual(['health (table: none) sent GetItem, which needs dynamodb:GetItem, not granted']);
  });

  it('fail for another table or an index the route does not declare', () => {
    const calls = [
      call('GetItem', { TableName: 'another-table' }),
      call('Query', { TableName: TABLE, IndexName: 'byStatus' }),
    ];
    expect(accessViolations(read, calls, TABLE)).toEqual([
      'listThings (table: read) sent GetItem on table another-table, not its own',
      'listThings (table: read) sent Query on index byStatus, not declared (indexes: lists)',
    ]);
  });

  it('let a write route write, and name one that never wrote as over-granted', () => {
    const write = { id: 'saveThing', table: 'write' } as const;
    const writes = [call('TransactWriteItems', { TransactItems: [{ Put: { TableName: TABLE } }] })];
    expect(accessViolations(write, writes, TABLE)).toEqual([]);
    expect(overGrant(write, writes)).toBeUndefined();
    expect(overGrant(write, [call('GetItem', { TableName: TABLE })])).toBe(
      "saveThing is declared 'write' but wrote nothing (dynamodb:GetItem)",
    );
    expect(overGrant(read, [])).toBe("listThings is declared 'read' but sent no DynamoDB call");
  });

  it('fail for a query on an index of a route that declares none', () => {
    const write = { id: 'saveThing', table: 'write' } as const;
    expect(accessViolations(write, [call('Query', { TableName: TABLE, IndexName: 'lists' })], TABLE)).toEqual(
      ['saveThing (table: write) sent Query on index lists, not declared (indexes: none)'],
    );
  });

  it('fail for any action but Query on an index, even a declared one', () => {
    expect(accessViolations(read, [call('Scan', { TableName: TABLE, IndexName: 'lists' })], TABLE)).toEqual([
      'listThings (table: read) sent Scan, which needs dynamodb:Scan, not granted',
    ]);
  });

  it('name an index declared but never queried', () => {
    const both = { ...read, indexes: ['lists', 'byStatus'] } as const;
    const lists = [call('Query', { TableName: TABLE, IndexName: 'lists' })];
    expect(unqueriedIndexes(read, lists)).toBeUndefined();
    expect(unqueriedIndexes(both, lists)).toBe(
      'listThings declares indexes it never queried: byStatus (queried: lists)',
    );
  });
});
