import type { z } from 'zod';
import {
  InvalidJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorDetail,
} from '../core/errors.js';
import type { RouteDef } from './route.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface RawRequest {
  headers: Record<string, string | undefined>;
  body?: string | undefined;
  isBase64Encoded?: boolean;
  queryStringParameters?: Record<string, string | undefined> | undefined;
  pathParameters?: Record<string, string | undefined> | undefined;
}

export const lowerCaseHeaders = (headers: Record<string, string | undefined> = {}): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [name.toLowerCase(), value]),
  );

/** A body with thousands of bad fields still gets an answer of readable size (errorResult). */
export const MAX_ERROR_DETAILS = 100;

/**
 * zod issues → contract details: one entry per field, unknown fields named one by one. All of them: the
 * error answer lists the first MAX_ERROR_DETAILS and counts the rest (errorResult).
 */
export const issuesToDetails = (issues: readonly z.core.$ZodIssue[], prefix?: string): ErrorDetail[] =>
  issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'is not a known field' }));
    }
    return [{ path: base.join('.') || '(body)', message: issue.message }];
  });

const validate = <T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.output<T> | undefined => {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`Invalid ${where}`, issuesToDetails(result.error.issues));
  return result.data;
};

export interface ParsedRequest {
  body: unknown;
  query: unknown;
  params: unknown;
  rawBody: string;
  contentType: string;
  headers: Record<string, string>;
}

const mediaType = (header: string | undefined): string =>
  (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Contract §1: size (413), media type (415), JSON syntax (400 invalid_json), schema (400 validation_failed). */
export const parseRequest = (route: RouteDef, event: RawRequest): ParsedRequest => {
  const headers = lowerCaseHeaders(event.headers);
  const rawBody = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  const limit = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (Buffer.byteLength(rawBody, 'utf8') > limit) throw new PayloadTooLargeError(limit);

  const contentType = mediaType(headers['content-type']);
  let body: unknown = undefined;
  if (route.body) {
    const accepted = route.bodyTypes ?? ['application/json'];
    const bodyIsEmpty = rawBody.trim() === '';
    if (!bodyIsEmpty && !accepted.includes(contentType)) throw new UnsupportedMediaTypeError(accepted);
    if (contentType === 'application/json' || bodyIsEmpty) {
      body = parseJson(rawBody);
      body = validate(route.body, body, 'request body');
    }
  } else if (!isNoBody(rawBody)) {
    throw new ValidationError('This endpoint takes no request body', [
      { path: '(body)', message: 'must be empty' },
    ]);
  }

  return {
    body,
    query: validate(route.query, definedEntries(event.queryStringParameters), 'query string'),
    params: validate(route.params, definedEntries(event.pathParameters), 'path'),
    rawBody,
    contentType,
    headers,
  };
};

/** Many HTTP clients send `{}` with every POST: on a route that takes no body it means none. */
const isNoBody = (raw: string): boolean => {
  const text = raw.trim();
  return text === '' || /^\{\s*\}$/.test(text);
};

const parseJson = (raw: string): unknown => {
  if (raw.trim() === '') return undefined;
  try {
    // Contract §1: Vietnamese text is NFC-normalised on input (a composed "ệ", not "e" + two marks).
    return JSON.parse(raw, (_key, value: unknown) =>
      typeof value === 'string' ? value.normalize('NFC') : value,
    ) as unknown;
  } catch (error) {
    throw new InvalidJsonError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
};

const definedEntries = (record: Record<string, string | undefined> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(record ?? {})
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [name, value.normalize('NFC')]),
  );
