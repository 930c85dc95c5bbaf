import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { ensureTable } from '../../local/dynamodb.js';
import { startLocalStreams, toLambdaRecord, type LocalStreams } from '../../local/streams.js';

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

/** Every record now in the table's stream, in Lambda's shape: to deliver them again (a Lambda retry). */
export const allStreamRecords = async (): Promise<DynamoDBRecord[]> => {
  const dynamo = new DynamoDBClient({});
  const streams = new DynamoDBStreamsClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: process.env.TABLE_NAME }));
    const arn = Table?.LatestStreamArn ?? '';
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const batch = page.Records ?? [];
        records.push(...batch.map((r) => toLambdaRecord(r, arn)));
        if (!batch.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  } finally {
    dynamo.destroy();
    streams.destroy();
  }
};
