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
  return {
    port,
    ...(dynamoHeapMb ? { dynamoHeapMb } : {}),
    host: process.env.HOST ?? '127.0.0.1',
    dataDir: resolve(process.env.DATA_DIR ?? '.data'),
    tableName: process.env.TABLE_NAME ?? 'sms-campaigns',
    publicBaseUrl: process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    simulators: (process.env.SIMULATORS ?? 'on') !== 'off',
  };
};
