import { resolve } from 'node:path';

/** Local runtime settings, from the environment (README: Configuration). */
export const localConfig = () => {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  const heap = process.env.DYNAMODB_HEAP_MB;
  const dynamoHeapMb = heap === undefined ? undefined : Number(heap);
  if (dynamoHeapMb !== undefined && (!Number.isInteger(dynamoHeapMb) || dynamoHeapMb < 64))
    throw new Error(`DYNAMODB_HEAP_MB must be a whole number of MB, at least 64; got ${heap}`);
  const hold = process.env.CRASH_TEST_HOLD;
  if (hold !== undefined && hold !== 'metrics-counted')
    throw new Error(`CRASH_TEST_HOLD must be metrics-counted when set, got ${hold}`);
  return {
    port,
    ...(dynamoHeapMb ? { dynamoHeapMb } : {}),
    ...(hold ? { holdAfterCounting: true } : {}),
    host: process.env.HOST ?? '127.0.0.1',
    dataDir: resolve(process.env.DATA_DIR ?? '.data'),
    tableName: process.env.TABLE_NAME ?? 'sms-campaigns',
    publicBaseUrl: process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    simulators: (process.env.SIMULATORS ?? 'on') !== 'off',
  };
};

/**
 * The old-generation heap bound of the node process that hosts the local runtime (`npm start`, the
 * benchmarks), MB, as DynamoDB Local's JVM gets `-Xmx`. Without one, V8 on a machine of 16 GB or more
 * allows about 4 GB and lets the heap grow to about four times what is live before it collects; under a
 * bound below 2 GB it grows less (about 1.8 times at 1.5 GB), so garbage is collected sooner. Not 1 GB: the
 * largest import (500,000 rows of a 32 MiB upload) needs 0.5–0.7 GB of heap while it runs. Live heap
 * measured at 1,000,000 recipients stays far below it (docs/benchmarks.md, "Node RSS at scale").
 */
export const RUNTIME_MAX_OLD_SPACE_MB = 1536;

/** The node flags the runtime's process starts with; `npm start`'s script passes the same (a test checks). */
export const RUNTIME_NODE_FLAGS: readonly string[] = [`--max-old-space-size=${RUNTIME_MAX_OLD_SPACE_MB}`];
