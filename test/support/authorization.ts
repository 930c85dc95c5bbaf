import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { allRoutes } from '#api/routes.js';
import { ACCESS, ROLES, type Role } from '#core/roles.js';
import type { RouteDef } from '#http/route.js';
import { CLIENT_ID, ISSUER, issueToken } from '#local/auth.js';
import { ensureTable } from '#local/dynamodb.js';
import { createLocalApi } from '#local/server.js';
import { closeServer, listenLocally } from '#local/http-server.js';

/**
 * Issue #17, the authorization matrix: who may call which route, derived from the one table the routes
 * use (functions/core/roles.ts ACCESS, each route's `auth`), so the matrix the test asserts is what the
 * handlers enforce; test/unit/authorization-matrix.test.ts holds it to the one docs/reliability.md shows.
 */

/** Callers that are not a role: each must get a 401 from every route behind a JWT. */
export const NON_TOKENS = [
  'no token',
  'expired',
  'wrong secret',
  'alg none',
  'other issuer',
  'other app client',
  'no sub',
] as const;
/** A genuine token whose groups name no role of ours: a 403 wherever a role is needed. */
export const NO_ROLE = 'no role';

export type Caller = Role | (typeof NON_TOKENS)[number] | typeof NO_ROLE;
export const CALLERS: readonly Caller[] = [...ROLES, NO_ROLE, ...NON_TOKENS];

/** `allowed`: past authentication and authorisation (any answer but 401 and 403). */
export type Expected = 'allowed' | 401 | 403;

export const expectedFor = (route: RouteDef, caller: Caller): Expected => {
  // Partners sign their webhooks; a JWT, good or bad, is no signature.
  if (route.auth === 'signature') return 401;
  if (route.auth === 'public') return 'allowed';
  if ((NON_TOKENS as readonly string[]).includes(caller)) return 401;
  return (ACCESS[route.auth] as readonly string[]).includes(caller) ? 'allowed' : 403;
};

const cell = (expected: Expected) => (expected === 'allowed' ? '✓' : String(expected));

/** The matrix as a Markdown table: one row per route, one column per caller. */
export const matrixMarkdown = (routes: readonly RouteDef[] = allRoutes): string => {
  const header = `| route | auth | ${CALLERS.join(' | ')} |`;
  const rule = `| --- | --- | ${CALLERS.map(() => ':-:').join(' | ')} |`;
  const rows = routes.map(
    (route) =>
      `| \`${route.method} ${route.path}\` | ${route.auth} | ${CALLERS.map((caller) => cell(expectedFor(route, caller))).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
};

/** What fills a route's path parameters: every `{name}` a route of the table has. */
export interface PathIds {
  campaignId: string;
  audienceId: string;
  partnerId: string;
  templateId: string;
  version: string;
  phone: string;
  code: string;
  action: string;
  importId: string;
}

/** Ids that exist nowhere: past auth, the answer is a 4xx and nothing changes. */
export const PROBE_IDS: PathIds = {
  campaignId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  audienceId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  partnerId: 'nobody-here',
  templateId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  version: '1',
  phone: '+84981230000',
  code: 'zzzzzz',
  action: 'submit',
  importId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
};

const isPathParameter = (name: string): name is keyof PathIds => Object.hasOwn(PROBE_IDS, name);

/** The route's path with these ids, each percent-encoded (a phone's `+`); an unknown `{name}` stays. */
export const pathWith = (path: string, ids: PathIds): string =>
  path.replace(/\{(\w+)\}/g, (whole, name: string) =>
    isPathParameter(name) ? encodeURIComponent(ids[name]) : whole,
  );

/** A path for the route with ids that exist nowhere (PROBE_IDS). */
export const probePath = (path: string): string => pathWith(path, PROBE_IDS);

/** The query a GET route cannot answer 200 without (the summary's period: the day around now). */
export const requiredQuery = (path: string): string =>
  path === '/v1/metrics/summary'
    ? `?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`
    : '';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The `Authorization` header each caller sends (none for `no token`). */
export const authorizationOf = async (secret: Uint8Array, caller: Caller): Promise<string | undefined> => {
  const now = Math.floor(Date.now() / 1000);
  // Each forged token is ours in all but the one way its case names.
  const claims = { 'cognito:groups': ['admin'], 'cognito:username': 'mallory', client_id: CLIENT_ID };
  const signed = (builder: SignJWT) => builder.setProtectedHeader({ alg: 'HS256' }).sign(secret);
  switch (caller) {
    case 'no token':
      return undefined;
    case 'expired':
      return `Bearer ${await signed(
        new SignJWT(claims)
          .setSubject('mallory')
          .setIssuer(ISSUER)
          .setIssuedAt(now - 13 * 3600)
          .setExpirationTime(now - 3600),
      )}`;
    case 'wrong secret':
      return `Bearer ${await issueToken(randomBytes(32), 'admin', 'mallory')}`;
    case 'alg none':
      return `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
        ...claims,
        sub: 'mallory',
        iss: ISSUER,
        iat: now,
        exp: now + 3600,
      })}.`;
    case 'other issuer':
      return `Bearer ${await signed(
        new SignJWT(claims)
          .setSubject('mallory')
          .setIssuer('https://evil.example')
          .setIssuedAt()
          .setExpirationTime('1h'),
      )}`;
    case 'other app client':
      return `Bearer ${await signed(
        new SignJWT({ ...claims, client_id: 'another-app' })
          .setSubject('mallory')
          .setIssuer(ISSUER)
          .setIssuedAt()
          .setExpirationTime('1h'),
      )}`;
    case 'no sub':
      return `Bearer ${await signed(new SignJWT(claims).setIssuer(ISSUER).setIssuedAt().setExpirationTime('1h'))}`;
    case NO_ROLE:
      return `Bearer ${await signed(
        new SignJWT({ 'cognito:groups': ['superuser', 'root'], client_id: CLIENT_ID })
          .setSubject('nobody@test')
          .setIssuer(ISSUER)
          .setIssuedAt()
          .setExpirationTime('1h'),
      )}`;
    default:
      return `Bearer ${await issueToken(secret, caller, `${caller}@test`)}`;
  }
};

/** The local API on a free port with a JWT secret the test holds, to forge the tokens above. */
export const startApiWithSecret = async () => {
  const client = new DynamoDBClient({});
  await ensureTable(client, process.env.TABLE_NAME ?? '');
  client.destroy();
  const secret = randomBytes(32);
  const server = createLocalApi({ routes: allRoutes, jwtSecret: secret });
  const url = await listenLocally(server);
  return {
    url,
    secret,
    close: () => closeServer(server),
  };
};
