import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import { ROLES } from '#core/roles.js';
import { InvalidJsonError, ValidationError } from '#core/errors.js';
import { issuesToDetails } from '#http/request.js';
import { issueToken } from './auth.js';

/**
 * What the local runtime serves besides the API: the web console's static files (web/dist, built by
 * `npm run build:web`) at `/`, and `POST /local/token`, the local stand-in for signing in with Cognito.
 * Neither is a route of the API: the CDK template never has them (test/cdk/stack.test.ts).
 */
export const CONSOLE_DIST = resolve(import.meta.dirname, '../web/dist');
export const LOCAL_TOKEN_PATH = '/local/token';
/** `{role, user}` is tiny: anything larger is refused before it is read. */
export const LOCAL_TOKEN_MAX_BYTES = 4096;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the API and its neighbours own: never answered with the console's index.html. */
const API_PREFIXES = ['/v1/', '/l/', '/health', '/_sim/', '/local/'];
export const isConsolePath = (path: string): boolean =>
  !API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Every asset comes from our own origin: no CDN, no inline script.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

const fileIn = (dist: string, path: string): string | undefined => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const file = resolve(dist, `.${decoded}`);
  if (file !== dist && !file.startsWith(`${dist}${sep}`)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
};

/**
 * Answers a GET or HEAD for the console: a file of web/dist by its path, or index.html for a client route
 * (a path without an extension), so a reload of `/campaigns/123` opens the console there.
 */
export const serveConsole = (
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  { dist = CONSOLE_DIST, config }: { dist?: string; config?: Record<string, unknown> } = {},
): void => {
  if (path === '/config.json' && config && existsSync(join(dist, 'config.json'))) {
    // What only the running runtime knows (its public base URL) goes over the built settings.
    const body = JSON.stringify({
      ...JSON.parse(readFileSync(join(dist, 'config.json'), 'utf8')),
      ...config,
    });
    response.writeHead(200, {
      'content-type': CONTENT_TYPES['.json'] ?? 'application/json',
      'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  const asFile = path === '/' ? undefined : fileIn(dist, path);
  const file = asFile ?? (extname(path) === '' ? join(dist, 'index.html') : undefined);
  if (!file || !existsSync(file)) {
    const built = existsSync(join(dist, 'index.html'));
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    response.end(built ? 'Not found' : 'The console is not built: run `npm run build:web` (npm start does).');
    return;
  }
  // Hashed names never change content; index.html and config.json must be read afresh.
  const hashed = /-[A-Z0-9]{8}\.(js|css|map)$/.test(file);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(statSync(file).size),
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
};

const TokenRequest = z.strictObject({
  role: z.enum(ROLES),
  user: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N}._@+-]+$/u, 'may hold letters, digits and . _ @ + - only'),
});

/** `POST /local/token {role, user}` → `{token}`: what `npm run token` prints, for the console's sign-in page. */
export const localToken = async (jwtSecret: Uint8Array, body: string): Promise<{ token: string }> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidJsonError();
  }
  const parsed = TokenRequest.safeParse(json);
  if (!parsed.success) throw new ValidationError('Invalid body', issuesToDetails(parsed.error.issues));
  return { token: await issueToken(jwtSecret, parsed.data.role, parsed.data.user) };
};
