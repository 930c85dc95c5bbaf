import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConsolePath, localToken, serveConsole } from '#local/console.js';
import { ISSUER } from '#local/auth.js';

const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
let server: Server;
let base = '';

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dist, 'config.json'), '{"apiBaseUrl":"","signIn":"local"}');
  writeFileSync(join(dist, 'assets/main-ABCDEFGH.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets/main-ABCDEFGH.css'), 'body{}');
  server = createServer((request, response) =>
    serveConsole(request, response, new URL(request.url ?? '/', 'http://x').pathname, {
      dist,
      config: { shortLinkBaseUrl: 'http://localhost:3999' },
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dist, { recursive: true, force: true });
});

describe('the local runtime serving the console', () => {
  it('serves index.html at / and for client routes, never cached', async () => {
    for (const path of ['/', '/campaigns/01J9Z6Q5V8M3N2K1H0G9F8E7D6', '/audiences/new']) {
      const answer = await fetch(`${base}${path}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(answer.headers.get('cache-control')).toBe('no-cache');
      expect(await answer.text()).toContain('<title>console</title>');
    }
  });

  it('serves hashed assets with their content type, cached for good, and config.json afresh', async () => {
    const script = await fetch(`${base}/assets/main-ABCDEFGH.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/assets/main-ABCDEFGH.css`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    const config = await fetch(`${base}/config.json`);
    expect(config.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(config.headers.get('cache-control')).toBe('no-cache');
    expect(await config.json()).toEqual({
      apiBaseUrl: '',
      signIn: 'local',
      shortLinkBaseUrl: 'http://localhost:3999',
    });
    expect(script.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers 404 for a missing asset rather than index.html, and never leaves web/dist', async () => {
    expect((await fetch(`${base}/assets/missing-ABCDEFGH.js`)).status).toBe(404);
    const escaped = await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`);
    expect(await escaped.text()).toContain('<title>console</title>');
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd.txt`)).status).toBe(404);
  });

  it('leaves the API’s paths to the API', () => {
    expect(isConsolePath('/v1/campaigns')).toBe(false);
    expect(isConsolePath('/health')).toBe(false);
    expect(isConsolePath('/l/abc')).toBe(false);
    expect(isConsolePath('/local/token')).toBe(false);
    expect(isConsolePath('/campaigns')).toBe(true);
    expect(isConsolePath('/')).toBe(true);
  });
});

describe('POST /local/token', () => {
  const secret = new Uint8Array(32).fill(7);

  it('signs a token for the role and user, as npm run token does', async () => {
    const { token } = await localToken(secret, JSON.stringify({ role: 'approver', user: 'duyet@local' }));
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER });
    expect(payload).toMatchObject({ sub: 'duyet@local', 'cognito:groups': ['approver'] });
  });

  it('refuses an unknown role or an empty user with the field and the reason', async () => {
    await expect(localToken(secret, JSON.stringify({ role: 'boss', user: '' }))).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
      details: expect.arrayContaining([
        expect.objectContaining({ path: 'role' }),
        expect.objectContaining({ path: 'user' }),
      ]),
    });
    await expect(localToken(secret, '{')).rejects.toMatchObject({ status: 400, code: 'invalid_json' });
  });
});
