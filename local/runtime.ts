import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allRoutes } from '../functions/api/routes.js';
import { ROLES, type Role } from '../functions/core/roles.js';
import { issueToken, loadOrCreateSecret } from './auth.js';
import { LOCAL_AWS_ENV, ensureTable, startDynamoLocal, type RunningDynamo } from './dynamodb.js';
import { startLocalScheduler } from './scheduler.js';
import { createLocalApi } from './server.js';

export interface RuntimeOptions {
  port: number;
  host: string;
  /** Where DynamoDB Local keeps its data and the JWT secret lives; undefined = in memory (tests). */
  dataDir: string;
  persist: boolean;
  tableName: string;
  publicBaseUrl: string;
}

export interface Runtime {
  url: string;
  tokens: Record<Role, string>;
  stop(): Promise<void>;
}

/**
 * The whole system on one machine: DynamoDB Local, the table, and the Lambda handlers behind a local
 * API Gateway. The handlers find DynamoDB Local through the SDK's standard endpoint variable.
 */
export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  const dynamo: RunningDynamo = await startDynamoLocal(options.persist ? { dataDir: options.dataDir } : {});
  // DynamoDB Local is a separate (java) process: never leave it behind when the rest fails (e.g. PORT taken).
  return startOn(dynamo, options).catch(async (error: unknown) => {
    await dynamo.stop();
    throw error;
  });
};

const startOn = async (dynamo: RunningDynamo, options: RuntimeOptions): Promise<Runtime> => {
  Object.assign(process.env, LOCAL_AWS_ENV, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    TABLE_NAME: options.tableName,
    PUBLIC_BASE_URL: options.publicBaseUrl,
    LOCAL_RUNTIME: '1',
  });
  const client = new DynamoDBClient({});
  await ensureTable(client, options.tableName);
  client.destroy();

  const jwtSecret = loadOrCreateSecret(options.dataDir);
  const server = createLocalApi({ routes: allRoutes, jwtSecret });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, done);
  });
  const { port } = server.address() as AddressInfo;
  const scheduler = await startLocalScheduler();

  const tokens = Object.fromEntries(
    await Promise.all(
      ROLES.map(async (role) => [role, await issueToken(jwtSecret, role, `${role}@local`)] as const),
    ),
  ) as Record<Role, string>;

  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    tokens,
    stop: async () => {
      await scheduler.stop();
      await closeServer(server);
      await dynamo.stop();
    },
  };
};

const closeServer = (server: Server) =>
  new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
