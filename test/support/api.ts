import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { allRoutes } from '#api/routes.js';
import type { Role } from '#core/roles.js';
import type { HttpMethod, RouteDef } from '#http/route.js';
import { issueToken } from '#local/auth.js';
import { ensureTable } from '#local/dynamodb.js';
import { createLocalApi } from '#local/server.js';
import { closeServer, listenLocally } from '#local/http-server.js';

/** Who calls: a role (user `<role>@test`), a role and user, or nobody (`null`: no token). */
export type Caller = Role | { role: Role; user: string } | null;

/** What the API answered, unchecked: the body parsed when JSON, else its text. */
export interface RawAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface RawOptions {
  as?: Caller;
  json?: unknown;
  /** Sent as it is: text, or the bytes of a binary file (an .xlsx). */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface TestApi {
  url: string;
  token(role: Role, user?: string): Promise<string>;
  /**
   * One HTTP call outside the route table's types, for what no route declares (an unknown path, a method
   * a route lacks, a path parameter its schema refuses). Route calls go through `send` (typed-api.ts).
   */
  sendRaw(method: HttpMethod, path: string, options?: RawOptions): Promise<RawAnswer>;
  close(): Promise<void>;
}

/** The real handlers behind the local API Gateway, on a free port, against this file's DynamoDB table. */
export const startTestApi = async (routes: readonly RouteDef[] = allRoutes): Promise<TestApi> => {
  const client = new DynamoDBClient({});
  await ensureTable(client, process.env.TABLE_NAME ?? '');
  client.destroy();
  const secret = randomBytes(32);
  const server = createLocalApi({ routes, jwtSecret: secret });
  const url = await listenLocally(server);

  return {
    ...apiClient(url, secret),
    close: () => closeServer(server),
  };
};

/** An answer as a test reads it: JSON parsed when the answer says it is JSON, else the text. */
export const readAnswer = async (response: Response): Promise<RawAnswer> => {
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') && text !== '';
  const body: unknown = isJson ? JSON.parse(text) : text;
  return { status: response.status, body, headers: response.headers };
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
    async sendRaw(method, path, { as = 'admin', json, body, headers = {} } = {}) {
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
      return readAnswer(response);
    },
  };
};
