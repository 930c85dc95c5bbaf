import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ensureTable } from '#local/dynamodb.js';
import { startLocalStreams, type LocalStreams } from '#local/streams.js';

/**
 * The local stream poller on this test file's table (TABLE_NAME, DynamoDB Local from the environment),
 * invoking the metrics aggregator's handler as Lambda would. Creates the table first if needed.
 */
export const startTestStreams = async (): Promise<LocalStreams> => {
  const client = new DynamoDBClient({});
  await ensureTable(client, process.env.TABLE_NAME ?? '');
  client.destroy();
  return startLocalStreams({ pollMs: 50 });
};

/**
 * Every record now in the table's stream, in Lambda's shape: to deliver them again (a Lambda retry). Read
 * by a poller of its own from the oldest record (every shard, children after parents, every page).
 */
export const allStreamRecords = async (): Promise<DynamoDBRecord[]> => {
  const records: DynamoDBRecord[] = [];
  const collect = async (event: DynamoDBStreamEvent) => {
    records.push(...event.Records);
  };
  const streams = await startLocalStreams({ handler: collect, pollMs: 20 });
  try {
    await streams.drain();
  } finally {
    await streams.stop();
  }
  return records;
};
