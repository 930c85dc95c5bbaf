import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST } from '../../web/build.js';
import { openConsole, type ConsoleRun } from './harness.js';

/**
 * The console as on AWS (`signIn: 'cognito'`), against a tiny authorization server on 127.0.0.1 that
 * plays Cognito: /oauth2/authorize sends the browser back with a code, /oauth2/token gives tokens only
 * for the code_verifier whose S256 is the challenge. The console's files come from web/dist (built by the
 * global setup); the API is faked by the same server (an empty campaigns list).
 */
const base64Url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${base64Url({ alg: 'none' })}.${base64Url(claims)}.c2ln`;

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const readBody = async (request: IncomingMessage): Promise<string> => {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
};

let run: ConsoleRun;
let consoleServer: Server;
let authServer: Server;
let consoleUrl = '';
let authUrl = '';
const codes = new Map<string, { challenge: string; nonce: string | null }>();
const tokenRequests: URLSearchParams[] = [];

const answerAuth = async (request: IncomingMessage, response: ServerResponse) => {
  const url = new URL(request.url ?? '/', authUrl);
  const cors = { 'access-control-allow-origin': consoleUrl, 'access-control-allow-headers': '*' };
  if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end();
  if (url.pathname === '/oauth2/authorize') {
    const code = randomUUID();
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    codes.set(code, {
      challenge: url.searchParams.get('code_challenge') ?? '',
      nonce: url.searchParams.get('nonce'),
    });
    const back = new URL(url.searchParams.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    return void response.writeHead(302, { location: back.toString() }).end();
  }
  if (url.pathname === '/oauth2/token' && request.method === 'POST') {
    const form = new URLSearchParams(await readBody(request));
    tokenRequests.push(form);
    const issued = codes.get(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const proven = createHash('sha256').update(verifier).digest('base64url') === issued?.challenge;
    if (!issued || !proven || form.get('grant_type') !== 'authorization_code') {
      return void response
        .writeHead(400, { ...cors, 'content-type': 'application/json' })
        .end('{"error":"invalid_grant"}');
    }
    codes.delete(form.get('code') ?? '');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const claims = { sub: 'u-123', 'cognito:groups': ['officer'], exp, iss: authUrl, client_id: 'console' };
    return void response.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(
      JSON.stringify({
        access_token: jwt({ ...claims, token_use: 'access' }),
        id_token: jwt({
          ...claims,
          aud: 'console',
          token_use: 'id',
          ...(issued.nonce ? { nonce: issued.nonce } : {}),
        }),
        refresh_token: 'refresh-1',
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    );
  }
  if (url.pathname.startsWith('/v1/')) {
    return void response.writeHead(200, { ...cors, 'content-type': 'application/json' }).end('{"items":[]}');
  }
  response.writeHead(404, cors).end();
};

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
const answerConsole = (request: IncomingMessage, response: ServerResponse) => {
  const path = new URL(request.url ?? '/', consoleUrl).pathname;
  if (path === '/config.json') {
    return void response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        apiBaseUrl: authUrl,
        signIn: 'cognito',
        shortLinkBaseUrl: consoleUrl,
        cognito: {
          domainUrl: authUrl,
          clientId: 'console',
          issuer: authUrl,
          redirectUri: `${consoleUrl}/auth/callback`,
          signOutUri: `${consoleUrl}/sign-in`,
        },
      }),
    );
  }
  const file = join(DIST, path);
  const known = path.includes('.') && !path.includes('..') && existsSync(file);
  response.writeHead(200, {
    'content-type': TYPES[known ? extname(file) : '.html'] ?? 'application/octet-stream',
  });
  response.end(readFileSync(known ? file : join(DIST, 'index.html')));
};

beforeAll(async () => {
  authServer = createServer((request, response) => void answerAuth(request, response));
  consoleServer = createServer(answerConsole);
  authUrl = await listen(authServer);
  consoleUrl = await listen(consoleServer);
  run = await openConsole('cognito-sign-in');
});
afterAll(async () => {
  await run?.stop();
  consoleServer?.close();
  authServer?.close();
});

describe('signing in with Cognito managed login (authorization code with PKCE)', () => {
  it('offers the organisation account on the sign-in page', async () => {
    const { page } = run;
    await page.goto(`${consoleUrl}/campaigns`);
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản của cơ quan' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await run.check('sign-in-cognito')).toEqual([]);
  });

  it('goes to the authorization server and back, trades the code with its verifier, and is signed in', async () => {
    const { page } = run;
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản của cơ quan' }).click();
    await page.getByRole('heading', { name: 'Chiến dịch' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/campaigns');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(tokenRequests[0]?.has('client_secret')).toBe(false);
    expect(await page.evaluate('Object.keys(localStorage).length')).toBe(0);
    expect(await page.evaluate('sessionStorage.getItem("console.token")')).toMatch(/^ey/);
    await page.getByText('u-123 (Cán bộ truyền thông)').waitFor();
  });

  it('refuses a code whose verifier is lost: the callback says so', async () => {
    const { page } = run;
    await page.goto(`${consoleUrl}/auth/callback?code=forged&state=unknown`);
    await page.getByText('Không hoàn tất được đăng nhập').waitFor();
    expect(await run.check('sign-in-cognito-callback-failed')).toEqual([]);
  });
});
