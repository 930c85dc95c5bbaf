import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '#local/dynamodb.js';
import { countRequests, readRequests, resetCounts, writeRequests } from '../../bench/counters.js';

const table = String(process.env.TABLE_NAME);
const raw = new DynamoDBClient({});
const client = DynamoDBDocumentClient.from(raw);
const counts = countRequests(client);

beforeAll(() => ensureTable(raw, table));
afterAll(() => client.destroy());

describe('bench request counter (DynamoDB Local)', () => {
  it('counts requests and the capacity units DynamoDB Local reports, writes and reads apart', async () => {
    resetCounts(counts);
    // A 3.5 KB item: 4 write units to put (1 per KB, rounded up), 1 read unit to read strongly (per 4 KB).
    const big = { pk: 'counter#big', sk: 'item', blob: 'x'.repeat(3500) };
    await client.send(new PutCommand({ TableName: table, Item: big }));
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'counter#small', sk: 'item' },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    await client.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: [1, 2].map((n) => ({ PutRequest: { Item: { pk: `counter#${n}`, sk: 'item' } } })),
        },
      }),
    );
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: 'counter#t', sk: 'item' } } },
          { Put: { TableName: table, Item: { pk: 'counter#u', sk: 'item' } } },
        ],
      }),
    );
    const read = await client.send(
      new GetCommand({ TableName: table, Key: { pk: 'counter#big', sk: 'item' }, ConsistentRead: true }),
    );

    expect(read.Item).toEqual(big);
    expect(writeRequests(counts)).toBe(4);
    expect(readRequests(counts)).toBe(1);
    expect(counts.batchWriteItems).toBe(2);
    // Put 4 + update 1 + batch 2 × 1 + transaction 2 × 2 (transactional writes cost double) = 11.
    console.log(counts.units);
    expect(counts.writeUnits).toBe(11);
    expect(counts.readUnits).toBe(1);
  });
});
