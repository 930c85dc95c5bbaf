import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { allRoutes } from '../../functions/api/routes.js';
import type { Role } from '../../functions/core/roles.js';
import type { RouteDef } from '../../functions/http/route.js';
import { issueToken } from '../../local/auth.js';
import { ensureTable } from '../../local/dynamodb.js';
import { createLocalApi } from '../../local/server.js';

export interface TestApi {
  url: string;
  token(role: Role, user?: string): Promise<string>;
  call(
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<{ status: number; body: ApiBody; headers: Headers }>;
  close(): Promise<void>;
}

export interface CallOptions {
  as?: Role | { role: Role; user: string } | null;
  json?: unknown;
  /** Sent as it is: text, or the bytes of a binary file (an .xlsx). */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

// Tests read answers loosely; the contract's shapes are asserted field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiBody = any;

/** The real handlers behind the local API Gateway, on a free port, against this file's DynamoDB table. */
export const startTestApi = async (routes: readonly RouteDef[] = allRoutes): Promise<TestApi> => {
  const client = new DynamoDBClient({});
  await ensureTable(client, process.env.TABLE_NAME ?? '');
  client.destroy();
  const secret = randomBytes(32);
  const server = createLocalApi({ routes, jwtSecret: secret });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    ...apiClient(url, secret),
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};

/**
 * A client of an API already running at `url` (in this process, or `npm start` in a child process), with
 * tokens signed by its JWT secret (for `npm start`: `loadOrCreateSecret(DATA_DIR)`).
 */
export const apiClient = (url: string, jwtSecret: Uint8Array): Omit<TestApi, 'close'> => {
  const token = (role: Role, user = `${role}@test`) => issueToken(jwtSecret, role, user);
  return {
    url,
    token,
    async call(method, path, { as = 'admin', json, body, headers = {} } = {}) {
      const auth: Record<string, string> =
        as === null
          ? {}
          : {
              authorization: `Bearer ${typeof as === 'string' ? await token(as) : await token(as.role, as.user)}`,
            };
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...auth,
          ...headers,
        },
        body:
          json !== undefined
            ? JSON.stringify(json)
            : typeof body === 'string'
              ? body
              : body && new Uint8Array(body),
      });
      const text = await response.text();
      const isJson = response.headers.get('content-type')?.includes('json') && text !== '';
      return { status: response.status, body: isJson ? JSON.parse(text) : text, headers: response.headers };
    },
  };
};
