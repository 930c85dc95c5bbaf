import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiEvent, ApiResult } from '#http/api.js';
import { errorResult, isStreamed, streamsAnswers } from '#http/api.js';
import { languageOf } from '#core/messages.js';
import { serveLocalFilesAt } from '#adapters/local-file-store.js';
import { logger } from '#adapters/logger.js';
import type { RouteDef } from '#http/route.js';
import { NotFoundError, PayloadTooLargeError } from '#core/errors.js';
import { authorize } from '#http/auth.js';
import { DEFAULT_MAX_BODY_BYTES } from '#http/request.js';
import { verifyToken } from './auth.js';
import {
  LOCAL_TOKEN_MAX_BYTES,
  LOCAL_TOKEN_PATH,
  isConsolePath,
  localToken,
  serveConsole,
} from './console.js';
import { isLocalFilePath, LOCAL_MAX_UPLOAD_BYTES, serveLocalFile } from './files.js';
import { invokeLocally, readWithinInvocation, type LambdaHandler } from './invoke.js';

type Handler = LambdaHandler<ApiEvent, ApiResult>;

interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
  paramNames: string[];
  load: () => Promise<Handler>;
}

const ROOT = resolve(import.meta.dirname, '..');

const compile = (route: RouteDef): CompiledRoute => {
  const paramNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = segment.match(/^\{(\w+)\}$/)?.[1];
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(param);
      return '([^/]+)';
    })
    .join('/');
  let handler: Promise<Handler> | undefined;
  return {
    route,
    pattern: new RegExp(`^${source}$`),
    paramNames,
    load: () =>
      (handler ??= import(pathToFileURL(resolve(ROOT, route.entry)).href).then(
        (module: { handler: Handler }) => module.handler,
      )),
  };
};

/**
 * Whether API Gateway would pass a body of this `Content-Type` as text rather than base64. By media type,
 * never by a word anywhere in the header: the .xlsx type (`...openxmlformats...`) contains `xml`.
 */
export const isTextMediaType = (contentType: string): boolean => {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    media.startsWith('text/') ||
    /^application\/(json|xml|x-www-form-urlencoded|[\w.-]+\+(json|xml))$/.test(media)
  );
};

/** The body, or a PayloadTooLargeError as soon as it passes `limit` bytes: nothing more is kept. */
const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((done, fail) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) {
      fail(new PayloadTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      fail(new PayloadTooLargeError(limit));
    };
    request.on('data', onData);
    request.on('end', () => done(Buffer.concat(chunks)));
    request.on('error', fail);
  });

/**
 * A segment as written when it is not valid percent-encoding (`%E0%A4%A`): the route's `params` schema
 * then decides, so an id is a 400 on its field and a short link code the 404 page, as for any unknown code.
 */
const decodePathSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const hasBody = (request: IncomingMessage) =>
  Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;

/** How long a refused upload may go on being discarded after its answer before the socket is closed. */
const DISCARD_MS = 2_000;

/**
 * Answers a request whose body will not be read, then closes the connection. The rest of the body is
 * discarded for a moment, so the client reads the answer rather than a connection reset.
 */
const refuseBody = (request: IncomingMessage, response: ServerResponse) => {
  response.setHeader('connection', 'close');
  request.resume();
  response.once('finish', () => setTimeout(() => request.socket.destroy(), DISCARD_MS).unref());
};

export interface LocalApiOptions {
  routes: readonly RouteDef[];
  jwtSecret: Uint8Array;
  /**
   * Also serve the web console at `/` and its local sign-in, `POST /local/token` (local/console.ts), with
   * the runtime's public base URL in its config.json (short links in the message preview).
   */
  webConsole?: { publicBaseUrl: string };
  /** Where the stand-in for the files bucket keeps its files (default: a new temporary directory). */
  filesDir?: string;
}

/** The address a client reaches a listening server at: a wildcard address is reached on loopback. */
const reachableUrl = ({ address, family, port }: AddressInfo): string => {
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  return `http://${family === 'IPv6' && host !== '127.0.0.1' ? `[${host}]` : host}:${port}`;
};

/**
 * The local stand-in for API Gateway (HTTP API, payload v2): matches the route, verifies the JWT as the
 * Cognito authorizer would, builds the v2 event and calls the very handler that runs in Lambda.
 */
export const createLocalApi = ({ routes, jwtSecret, webConsole, filesDir }: LocalApiOptions): Server => {
  const compiled = [...routes]
    .sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0))
    .map(compile);

  const respond = async (response: ServerResponse, result: ApiResult) => {
    response.writeHead(result.statusCode, result.headers);
    if (!isStreamed(result)) {
      response.end(result.body ?? '');
      return;
    }
    try {
      for await (const chunk of result.stream) {
        // Wait for the socket to drain rather than holding a whole report in memory.
        if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
        if (response.destroyed) return;
      }
      response.end();
    } catch (error) {
      // The status line is gone already: all that is left is to cut the answer short.
      logger.error('Streaming an answer failed', error as Error);
      response.destroy();
    }
  };

  const server = createServer(async (request, response) => {
    let bodyRead = false;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = (request.method ?? 'GET').toUpperCase();
      // What S3 serves in AWS: a pre-signed URL's download or upload, authorised by its own signature.
      if (isLocalFilePath(method, url.pathname)) {
        await serveLocalFile(request, response, url, async () => {
          const body = await readBody(request, LOCAL_MAX_UPLOAD_BYTES);
          bodyRead = true;
          return body;
        });
        return;
      }
      if (webConsole && (method === 'GET' || method === 'HEAD') && isConsolePath(url.pathname)) {
        serveConsole(request, response, url.pathname, {
          config: { shortLinkBaseUrl: webConsole.publicBaseUrl },
        });
        return;
      }
      if (webConsole && method === 'POST' && url.pathname === LOCAL_TOKEN_PATH) {
        const body = await readBody(request, LOCAL_TOKEN_MAX_BYTES);
        bodyRead = true;
        const answer = await localToken(jwtSecret, body.toString('utf8'));
        await respond(response, {
          statusCode: 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          body: JSON.stringify(answer),
        });
        return;
      }
      const match = compiled
        .filter((candidate) => candidate.route.method === method)
        .map((candidate) => ({ candidate, found: candidate.pattern.exec(url.pathname) }))
        .find(({ found }) => found);
      if (!match?.found) throw new NotFoundError(`${method} ${url.pathname}`);

      const { candidate, found } = match;
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(',') : (value ?? ''),
        ]),
      );
      const claims =
        // Partners' webhooks carry a Standard Webhooks signature, checked by their handler, not a JWT.
        candidate.route.auth === 'public' || candidate.route.auth === 'signature'
          ? undefined
          : await verifyToken(jwtSecret, headers.authorization);
      // As API Gateway's authorizer does: a caller without a valid token or role waits for no upload.
      if (candidate.route.auth !== 'public' && candidate.route.auth !== 'signature')
        authorize(candidate.route.auth, claims);
      const body = await readBody(request, candidate.route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      bodyRead = true;
      const query = Object.fromEntries(url.searchParams);
      const params = Object.fromEntries(
        candidate.paramNames.map((name, i) => [name, decodePathSegment(found[i + 1] ?? '')]),
      );
      const isText = body.length === 0 || isTextMediaType(headers['content-type'] ?? '');

      const event: ApiEvent = {
        version: '2.0',
        routeKey: `${candidate.route.method} ${candidate.route.path}`,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(candidate.paramNames.length ? { pathParameters: params } : {}),
        body: isText ? body.toString('utf8') : body.toString('base64'),
        isBase64Encoded: !isText,
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'local',
          http: {
            method,
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId: randomUUID(),
          routeKey: `${candidate.route.method} ${candidate.route.path}`,
          stage: '$default',
          time: new Date().toISOString(),
          timeEpoch: Date.now(),
          ...(claims ? { authorizer: { jwt: { claims } } } : {}),
        },
      };
      const handler = await candidate.load();
      // This server writes a streamed answer out as it comes (report.csv); Lambda's would be joined.
      const streaming: Handler = async (apiEvent, context) => {
        const result = await handler(apiEvent, streamsAnswers(context));
        return isStreamed(result) ? { ...result, stream: readWithinInvocation(result.stream) } : result;
      };
      await respond(response, await invokeLocally(candidate.route.id, streaming, event));
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (!bodyRead && hasBody(request)) refuseBody(request, response);
      await respond(response, errorResult(error, languageOf(request.headers['accept-language'])));
    }
  });
  // The file store's URLs point here (the last local API to listen in this process).
  server.on('listening', () => {
    const address = server.address();
    if (address && typeof address === 'object') serveLocalFilesAt(reachableUrl(address), filesDir);
  });
  return server;
};
