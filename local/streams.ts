import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#adapters/logger.js';
import { invokeLocally, type LambdaHandler } from './invoke.js';

type StreamHandler = LambdaHandler<DynamoDBStreamEvent, unknown>;

/**
 * Records per GetRecords page, and so the largest event the handler gets locally: the stack's aggregator
 * batch size (`AGGREGATOR_BATCH_SIZE`), not GetRecords' largest (1,000). A batch item's old and new images
 * weigh about 40 KB as JSON, so a full page of 1,000 held about 40 MB of text and 100 MB of parsed records,
 * twice over (the SDK's copy), in each of the two pollers at once: the runtime's peak RSS when they lagged.
 */
export const STREAM_PAGE_RECORDS = 200;

/** A stream record as Lambda delivers it: the SDK gives the creation time as a Date, Lambda as seconds. */
export const toLambdaRecord = (record: _Record, streamArn: string): DynamoDBRecord => {
  const { ApproximateCreationDateTime, ...stream } = record.dynamodb ?? {};
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(stream as NonNullable<DynamoDBRecord['dynamodb']>),
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
    },
  };
};

/** A sleep that can be cut short: each kind of wait gets its own, so waking one leaves the others be. */
const wakeableSleep = () => {
  let wake: (() => void) | undefined;
  return {
    sleep: (ms: number) =>
      new Promise<void>((done) => {
        const timer = setTimeout(() => {
          wake = undefined;
          done();
        }, ms);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          done();
        };
      }),
    wake: () => wake?.(),
  };
};

interface ShardPosition {
  parent?: string;
  iterator?: string;
  /** Last record handed to the handler successfully: where to carry on if the iterator is lost. */
  lastSequence?: string;
  closed: boolean;
}

export interface LocalStreamsOptions {
  tableName?: string;
  pollMs?: number;
  /** The stream Lambda's handler; by default the metrics aggregator. */
  handler?: StreamHandler;
  /** The name the handler is invoked under (its Lambda's), for its logs; by default the aggregator's. */
  functionName?: string;
  /**
   * Where the position is kept across restarts (`npm start` with a data dir), like Lambda's event source
   * mapping keeps its own; without it the position lives in memory only.
   */
  checkpointFile?: string;
  /** Records per page and event; by default STREAM_PAGE_RECORDS. */
  pageSize?: number;
  /** Awaited after the handler took a page and before its position is kept (a crash test's hold). */
  beforeCheckpoint?: (records: DynamoDBRecord[]) => Promise<void>;
}

interface Checkpoint {
  streamArn: string;
  /** Shard id → sequence number of the last record handed to the handler successfully. */
  shards: Record<string, string>;
}

const readCheckpoint = (file: string | undefined): Checkpoint | undefined => {
  if (!file || !existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  } catch {
    // A torn or foreign file: start from the oldest record, which the aggregator's markers make harmless.
    return undefined;
  }
};

const writeCheckpoint = (file: string, checkpoint: Checkpoint) => {
  // Written aside and renamed: a crash mid-write leaves the previous checkpoint whole.
  writeFileSync(`${file}.tmp`, JSON.stringify(checkpoint));
  renameSync(`${file}.tmp`, file);
};

export interface LocalStreams {
  /** Resolves once every change written before the call has been handed to the handler successfully. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Local stand-in for Lambda's DynamoDB stream event source: polls the table's stream (every shard, child
 * shards after their parents) and invokes the aggregator Lambda's handler with Lambda-shaped events. A
 * failing batch is retried as it is, with backoff, and never skipped. The position is kept in
 * `checkpointFile` when given (else in memory); without one, a restart reads the stream again from the
 * oldest record (TRIM_HORIZON), which the aggregator's markers make harmless while they last (2 days).
 */
export const startLocalStreams = async (options: LocalStreamsOptions = {}): Promise<LocalStreams> => {
  const table = options.tableName ?? process.env.TABLE_NAME ?? '';
  const pollMs = options.pollMs ?? 200;
  const pageSize = options.pageSize ?? STREAM_PAGE_RECORDS;
  const handler =
    options.handler ??
    ((await import('#streams/aggregate-metrics.js')) as { handler: StreamHandler }).handler;
  const dynamo = new DynamoDBClient({});
  // DynamoDB Streams has an endpoint of its own in AWS; locally it is DynamoDB Local's.
  const streams = new DynamoDBStreamsClient({
    ...(process.env.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB } : {}),
  });
  const positions = new Map<string, ShardPosition>();
  const saved = readCheckpoint(options.checkpointFile);
  let streamArn: string | undefined;
  let stopped = false;
  let cyclesStarted = 0;
  let lastCleanCycle = 0;
  // `drain()` cuts the poll interval short; only `stop()` cuts a backoff short (retries keep their pace).
  const poll = wakeableSleep();
  const backoff = wakeableSleep();

  const refreshShards = async (arn: string) => {
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }),
      );
      const shards: Shard[] = StreamDescription?.Shards ?? [];
      for (const shard of shards) {
        if (!shard.ShardId || positions.has(shard.ShardId)) continue;
        const lastSequence = saved?.streamArn === arn ? saved.shards[shard.ShardId] : undefined;
        positions.set(shard.ShardId, {
          closed: false,
          ...(shard.ParentShardId ? { parent: shard.ParentShardId } : {}),
          ...(lastSequence ? { lastSequence } : {}),
        });
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  };

  const iteratorOf = async (
    arn: string,
    shardId: string,
    position: ShardPosition,
  ): Promise<string | undefined> => {
    try {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ...(position.lastSequence
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.lastSequence }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException) || !position.lastSequence) throw error;
      // The checkpoint is older than the stream's retention: what followed it is gone. Carry on from the
      // oldest record still there rather than failing this shard on every cycle.
      logger.warn('Stream checkpoint older than the stream: reading the shard from its oldest record', {
        shardId,
        lastSequence: position.lastSequence,
      });
      delete position.lastSequence;
      return iteratorOf(arn, shardId, position);
    }
  };

  const checkpointOf = (arn: string): Checkpoint => ({
    streamArn: arn,
    shards: Object.fromEntries(
      [...positions].flatMap(([id, p]) => (p.lastSequence ? [[id, p.lastSequence]] : [])),
    ),
  });

  /** Hands records to the handler until it succeeds (or the poller stops): never skips one. */
  const deliver = async (records: DynamoDBRecord[]) => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await invokeLocally(options.functionName ?? 'aggregateMetrics', handler, { Records: records });
        return true;
      } catch (error) {
        logger.error('Stream handler failed; retrying the same records', {
          records: records.length,
          error: error as Error,
        });
        await backoff.sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
    return false;
  };

  /** Reads one shard up to its end for now; true if it caught up without an error. */
  const readShard = async (arn: string, shardId: string, position: ShardPosition) => {
    for (;;) {
      position.iterator ??= await iteratorOf(arn, shardId, position);
      if (!position.iterator) {
        position.closed = true;
        return true;
      }
      const page = await streams.send(
        new GetRecordsCommand({ ShardIterator: position.iterator, Limit: pageSize }),
      );
      const records = page.Records ?? [];
      if (records.length) {
        const delivered = records.map((r) => toLambdaRecord(r, arn));
        if (!(await deliver(delivered))) return false;
        await options.beforeCheckpoint?.(delivered);
        position.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? position.lastSequence;
        if (options.checkpointFile) writeCheckpoint(options.checkpointFile, checkpointOf(arn));
      }
      if (!page.NextShardIterator) {
        position.closed = true;
        delete position.iterator;
        return true;
      }
      position.iterator = page.NextShardIterator;
      if (!records.length) return true;
    }
  };

  const cycle = async (): Promise<boolean> => {
    streamArn ??= (await dynamo.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${table} has no stream`);
    await refreshShards(streamArn);
    let clean = true;
    for (const [shardId, position] of positions) {
      if (position.closed) continue;
      const parent = position.parent ? positions.get(position.parent) : undefined;
      // A child shard's records come after its parent's: read it once the parent is finished.
      if (parent && !parent.closed) {
        clean = false;
        continue;
      }
      try {
        if (!(await readShard(streamArn, shardId, position))) clean = false;
      } catch (error) {
        // An expired or broken iterator: the next cycle asks for a new one after the last delivered record.
        delete position.iterator;
        throw error;
      }
    }
    return clean;
  };

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      const started = ++cyclesStarted;
      try {
        if (await cycle()) lastCleanCycle = started;
        failures = 0;
      } catch (error) {
        failures++;
        logger.error('Stream poll failed', error as Error);
      }
      if (stopped) break;
      if (failures) await backoff.sleep(Math.min(5000, 100 * 2 ** failures));
      else await poll.sleep(pollMs);
    }
  };
  const running = loop();

  return {
    async drain(timeoutMs = 30_000) {
      const after = cyclesStarted;
      const deadline = Date.now() + timeoutMs;
      while (lastCleanCycle <= after) {
        if (stopped) throw new Error('Stream poller stopped');
        if (Date.now() > deadline) throw new Error(`Stream not drained within ${timeoutMs} ms`);
        poll.wake();
        await new Promise((done) => setTimeout(done, 20));
      }
    },
    async stop() {
      stopped = true;
      poll.wake();
      backoff.wake();
      await running;
      streams.destroy();
      dynamo.destroy();
    },
  };
};
