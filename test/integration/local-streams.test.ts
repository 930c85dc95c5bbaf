import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { ensureTable } from '#local/dynamodb.js';
import { STREAM_PAGE_RECORDS, startLocalStreams } from '#local/streams.js';

/**
 * The local stand-in for Lambda's stream event source keeps its position in a checkpoint file, as `npm
 * start` does with a data dir: after a restart it hands over only what came after, not the stream again.
 */

const dir = mkdtempSync(join(tmpdir(), 'streams-'));
const checkpointFile = join(dir, 'stream-checkpoint.json');

const put = (id: string) =>
  dynamoDocumentClient().send(
    new PutCommand({ TableName: tableName(), Item: { pk: `STREAMTEST#${id}`, sk: 'X', entity: 'Test' } }),
  );

/** A poller whose handler records the keys it was handed. */
const startRecording = async (options: { checkpoint: boolean }) => {
  const seen: string[] = [];
  const handler = async (event: DynamoDBStreamEvent) => {
    seen.push(...event.Records.map((r: DynamoDBRecord) => String(r.dynamodb?.Keys?.pk?.S)));
  };
  const streams = await startLocalStreams({
    pollMs: 20,
    handler,
    ...(options.checkpoint ? { checkpointFile } : {}),
  });
  return { seen, streams };
};

beforeAll(async () => {
  const client = new DynamoDBClient({});
  await ensureTable(client, tableName());
  client.destroy();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the local stream poller', () => {
  it('carries on after a restart from its checkpoint, handing each record over once', async () => {
    const first = await startRecording({ checkpoint: true });
    await put('a');
    await put('b');
    await first.streams.drain();
    await first.streams.stop();
    expect(first.seen.filter((k) => k.startsWith('STREAMTEST#'))).toEqual(['STREAMTEST#a', 'STREAMTEST#b']);

    await put('c');
    const second = await startRecording({ checkpoint: true });
    await second.streams.drain();
    await second.streams.stop();
    expect(second.seen).toEqual(['STREAMTEST#c']);
  });

  it('without a checkpoint, reads the stream again from the oldest record', async () => {
    const again = await startRecording({ checkpoint: false });
    await again.streams.drain();
    await again.streams.stop();
    expect(again.seen.filter((k) => k.startsWith('STREAMTEST#'))).toEqual([
      'STREAMTEST#a',
      'STREAMTEST#b',
      'STREAMTEST#c',
    ]);
  });

  it('hands the same records over again when the handler fails, and skips none', async () => {
    const handed: string[][] = [];
    const accepted: string[] = [];
    let failures = 1;
    const handler = async (event: DynamoDBStreamEvent) => {
      const keys = event.Records.map((r: DynamoDBRecord) => String(r.dynamodb?.Keys?.pk?.S));
      handed.push(keys);
      if (failures > 0 && keys.some((k) => k.startsWith('STREAMTEST#retry'))) {
        failures--;
        throw new Error('handler failed once');
      }
      accepted.push(...keys);
    };
    const streams = await startLocalStreams({ pollMs: 20, handler });
    await streams.drain();
    await put('retry-d');
    await put('retry-e');
    await streams.drain();
    await streams.stop();

    const failed = handed.findIndex((keys) => keys.some((k) => k.startsWith('STREAMTEST#retry')));
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(handed[failed + 1]).toEqual(handed[failed]);
    expect(accepted.filter((k) => k.startsWith('STREAMTEST#retry'))).toEqual([
      'STREAMTEST#retry-d',
      'STREAMTEST#retry-e',
    ]);
  });

  it('hands over at most a page of STREAM_PAGE_RECORDS at a time, however far behind it is', async () => {
    // A poller that lags holds one page in memory: batch items weigh about 40 KB a record.
    const behind = STREAM_PAGE_RECORDS + 50;
    for (let i = 0; i < behind; i += 25)
      await Promise.all(Array.from({ length: 25 }, (_, j) => put(`page-${i + j}`)));
    const sizes: number[] = [];
    const paged: string[] = [];
    const handler = async (event: DynamoDBStreamEvent) => {
      sizes.push(event.Records.length);
      paged.push(...event.Records.map((r: DynamoDBRecord) => String(r.dynamodb?.Keys?.pk?.S)));
    };
    const streams = await startLocalStreams({ pollMs: 20, handler });
    await streams.drain();
    await streams.stop();

    expect(Math.max(...sizes)).toBeLessThanOrEqual(STREAM_PAGE_RECORDS);
    expect(new Set(paged.filter((k) => k.startsWith('STREAMTEST#page-'))).size).toBe(behind);
  });
});
