import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  AnswerTooLargeError,
  AppError,
  isTimeout,
  TimedOutError,
  type CataloguedMessage,
} from '#core/errors.js';
import { detailMessage, languageOf, messageFor, type Lang } from '#core/messages.js';
import type { Actor } from '#core/roles.js';
import type { SignedRequest } from '#core/webhooks/signature.js';
import { logger } from '#adapters/logger.js';
import { authorize } from './auth.js';
import {
  idempotencyKeyOf,
  replayOrProceed,
  requestHash,
  type IdempotencyScope,
  type IdempotencyStore,
  type StoredResponse,
} from './idempotency.js';
import { lowerCaseHeaders, MAX_ERROR_DETAILS, parseRequest, type ParsedRequest } from './request.js';
import type { RouteDef } from './route.js';
import { lambdaChain } from '#adapters/lambda-chain.js';

type Claims = Record<string, string | number | boolean | string[]>;

/** HTTP API v2 event; `authorizer.jwt` is set by API Gateway's JWT authorizer, or by the local runtime. */
export type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: { jwt?: { claims?: Claims } } };
};
export type ApiResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/**
 * What a handler gets: the parsed request (its body typed by what it was read as, see RequestBody), the
 * caller, the event and the answer's language.
 */
export type ApiRequest<R extends RouteDef> = ParsedRequest<R> & RequestContext;

interface RequestContext {
  /** The authenticated caller; for public and signature routes an anonymous actor with no roles. */
  actor: Actor;
  /** The answer's language, from `Accept-Language` (English unless Vietnamese is preferred). */
  lang: Lang;
  event: ApiEvent;
}

/**
 * What a handler answers: JSON by default, a ready text body (CSV, HTML) with its content type, or a text
 * body in chunks (`stream`) that the local server writes out as they come. API Gateway's HTTP API cannot
 * stream a Lambda's answer: there, `collectStream` first joins the chunks (6 MB Lambda answer limit).
 */
export type ApiResponse =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> }
  | {
      status: number;
      stream: AsyncIterable<string>;
      contentType: string;
      headers?: Record<string, string>;
      /** What a 413 tells the caller to do where the answer must be joined and is too large. */
      tooLargeHint?: string;
    };

/** A result whose body is still to come, chunk by chunk: only the local server gets one. */
export type StreamedResult = ApiResult & { stream: AsyncIterable<string> };

export const isStreamed = (result: ApiResult): result is StreamedResult => 'stream' in result;

/** A Lambda's answer through API Gateway is at most 6 MB; headers and JSON escaping need some of it. */
export const LAMBDA_ANSWER_LIMIT_BYTES = 5_500_000;

/**
 * A streamed answer as one text body, for where nothing can stream it (Lambda behind HTTP API). Stops
 * reading as soon as the body passes `maxBytes`, and answers 413 with `hint` rather than a broken 502.
 */
export const collectStream = async (
  response: ApiResponse,
  {
    maxBytes = LAMBDA_ANSWER_LIMIT_BYTES,
    hint = ('stream' in response && response.tooLargeHint) || 'ask for less',
  } = {},
): Promise<ApiResponse> => {
  if (!('stream' in response)) return response;
  const { stream, tooLargeHint: _hint, ...rest } = response;
  let text = '';
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += Buffer.byteLength(chunk);
    if (bytes > maxBytes) throw new AnswerTooLargeError(maxBytes, hint);
    text += chunk;
  }
  return { ...rest, text };
};

/** Invocations whose invoker writes a streamed answer out as it comes: the local server marks its own. */
const streamingInvocations = new WeakSet<Context>();

/**
 * Marks an invocation as one whose answer may stream. Lambda behind API Gateway's HTTP API cannot stream,
 * so an unmarked invocation gets a streamed answer joined (`collectStream`): the invoker decides, never the
 * handler.
 */
export const streamsAnswers = (context: Context): Context => {
  streamingInvocations.add(context);
  return context;
};

export interface ApiOptions {
  /** Required for routes marked `idempotent`. */
  idempotency?: IdempotencyStore;
  /**
   * Runs before the body is parsed or validated: signature routes verify the raw body here, so a bad
   * signature is a 401 whatever the body holds, and nothing is read or recorded before it is checked.
   */
  verify?: (request: SignedRequest) => Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** DynamoDB items hold 400 KB; an answer larger than this is not kept for replay (the key is freed). */
const MAX_REPLAYABLE_BODY = 300_000;
const ANONYMOUS: Actor = { userId: 'anonymous', roles: [] };

export const toResult = (response: ApiResponse): ApiResult => {
  if ('stream' in response) {
    const streamed: StreamedResult = {
      statusCode: response.status,
      headers: { 'content-type': response.contentType, ...response.headers },
      stream: response.stream,
    };
    return streamed;
  }
  if ('text' in response) {
    return {
      statusCode: response.status,
      headers: { 'content-type': response.contentType, ...response.headers },
      body: response.text,
    };
  }
  return {
    statusCode: response.status,
    headers: { 'content-type': JSON_TYPE, ...response.headers },
    body: response.body === undefined ? '' : JSON.stringify(response.body),
  };
};

/** Longest `path` and `message` of one error detail: a detail quotes input, and input can be huge. */
const MAX_DETAIL_PATH = 200;
const MAX_DETAIL_MESSAGE = 500;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** English keeps each error's own words; another language takes the catalogue's, where it has them. */
const topMessage = (error: AppError, lang: Lang): string =>
  lang === 'en' || !error.catalogued ? error.message : catalogued(error.catalogued, lang);

const catalogued = ({ code, params }: CataloguedMessage, lang: Lang) => messageFor(code, params, lang);

/**
 * At most MAX_ERROR_DETAILS details, each of readable length, in `lang`; the message says how many were
 * left out.
 */
export const errorBody = (error: AppError, lang: Lang) => {
  const details = error.details ?? [];
  const omitted = details.length - MAX_ERROR_DETAILS;
  const message = topMessage(error, lang);
  return {
    code: error.code,
    message: omitted > 0 ? messageFor('more_problems', { message, omitted }, lang) : message,
    ...(details.length
      ? {
          details: details.slice(0, MAX_ERROR_DETAILS).map((detail) => ({
            path: cut(detail.path, MAX_DETAIL_PATH),
            code: detail.code,
            message: cut(detailMessage(detail, lang), MAX_DETAIL_MESSAGE),
          })),
        }
      : {}),
  };
};

/**
 * Contract §1 error body, in `lang` (issue #12: `Accept-Language: vi`). 5xx answers never carry internals:
 * the cause goes to the log only.
 */
export const errorResult = (error: unknown, lang: Lang = 'en'): ApiResult => {
  if (error instanceof AppError) {
    return toResult({
      status: error.status,
      headers: error.headers ?? {},
      body: { error: errorBody(error, lang) },
    });
  }
  if (isTimeout(error)) {
    logger.error('The handler ran out of time', error as Error);
    return errorResult(new TimedOutError(), lang);
  }
  logger.error('Unhandled error', error as Error);
  return toResult({
    status: 500,
    body: { error: { code: 'internal_error', message: messageFor('internal_error', {}, lang) } },
  });
};

/** The language a request asks its answers in. */
export const languageOfRequest = (headers: Record<string, string | undefined> | undefined): Lang =>
  languageOf(lowerCaseHeaders(headers)['accept-language']);

/**
 * The one middy chain every API handler uses: parse and validate the request against its route, authorise
 * the caller, replay or record `Idempotency-Key`s, call the use case, and shape the answer or the error.
 */
export const api = <R extends RouteDef>(
  route: R,
  handle: (request: ApiRequest<R>) => Promise<ApiResponse>,
  options: ApiOptions = {},
) => {
  const run = async (event: ApiEvent, invocation: Context): Promise<ApiResult> => {
    const actor = authorize(route.auth, event.requestContext.authorizer?.jwt?.claims) ?? ANONYMOUS;
    if (options.verify) {
      // The body exactly as it came: the signature was computed over these bytes.
      const raw = event.isBase64Encoded
        ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
        : event.body;
      await options.verify({
        pathParameters: event.pathParameters ?? {},
        headers: lowerCaseHeaders(event.headers),
        rawBody: raw ?? '',
      });
    }
    const parsed = parseRequest(route, event);
    const requestContext: RequestContext = { actor, event, lang: languageOfRequest(parsed.headers) };
    // Object.assign keeps the parsed request's type whole: a spread would flatten its body union away.
    const request: ApiRequest<R> = Object.assign({}, parsed, requestContext);
    const key = route.idempotent ? idempotencyKeyOf(parsed.headers) : undefined;
    const answer = async () => {
      const response = await handle(request);
      return toResult(streamingInvocations.has(invocation) ? response : await collectStream(response));
    };
    if (!key || !options.idempotency) return answer();
    return runOnce(
      options.idempotency,
      { userId: actor.userId, routeId: route.id },
      key,
      requestHash(route.method, event.rawPath, parsed.bodyBytes),
      answer,
    );
  };

  // Each invocation logs with its own Lambda context and route; clearState drops them when it ends.
  return lambdaChain<ApiEvent, ApiResult>()
    .use({
      before: () => {
        logger.appendKeys({ route: route.id });
      },
      onError: (request) => {
        request.response = errorResult(request.error, languageOfRequest(request.event.headers));
      },
    })
    .handler(run);
};

const runOnce = async (
  store: IdempotencyStore,
  scope: IdempotencyScope,
  key: string,
  hash: string,
  execute: () => Promise<ApiResult>,
): Promise<ApiResult> => {
  const earlier = replayOrProceed(await store.claim(scope, key, hash), hash);
  if (earlier) return { ...earlier, headers: { ...earlier.headers, 'idempotent-replayed': 'true' } };
  let result: ApiResult;
  try {
    result = await execute();
  } catch (error) {
    await store.release(scope, key);
    throw error;
  }
  if (result.statusCode >= 400 || String(result.body ?? '').length > MAX_REPLAYABLE_BODY) {
    await store.release(scope, key);
    return result;
  }
  const stored: StoredResponse = {
    statusCode: result.statusCode,
    headers: result.headers,
    body: String(result.body ?? ''),
  };
  await store.complete(scope, key, stored);
  return result;
};
