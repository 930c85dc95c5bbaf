import type * as z from 'zod';
import {
  detail,
  InvalidJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorDetail,
} from '#core/errors.js';
import {
  BODY_PATH,
  codeOfSchemaMessage,
  isDetailCode,
  type DetailCode,
  type MessageParams,
  type ParamValue,
} from '#core/messages.js';
import type { BodyMediaType, RouteDef, SchemaOutput } from './route.js';

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

const unitOf = (origin: string): string =>
  origin === 'string' ? 'characters' : origin === 'array' || origin === 'set' ? 'items' : '';

/** A zod issue's catalogue code and parameters: a schema's own message first, else zod's issue code. */
const codeOf = (issue: z.core.$ZodIssue): { code: DetailCode; params?: MessageParams } => {
  const known = codeOfSchemaMessage(issue.message);
  if (known) return known;
  switch (issue.code) {
    case 'invalid_type':
      // Only a parse with `reportInput` keeps `input`: without it a missing field is just the wrong type.
      return 'input' in issue && issue.input === undefined
        ? { code: 'required' }
        : { code: 'invalid_type', params: { expected: issue.expected } };
    case 'too_small':
      return { code: 'too_small', params: { minimum: Number(issue.minimum), unit: unitOf(issue.origin) } };
    case 'too_big':
      return { code: 'too_big', params: { maximum: Number(issue.maximum), unit: unitOf(issue.origin) } };
    case 'invalid_format':
      return { code: 'invalid_format', params: { format: issue.format } };
    case 'invalid_value':
      return { code: 'invalid_value', params: { values: issue.values.map(String).join(', ') } };
    case 'not_multiple_of':
      return { code: 'not_multiple_of', params: { divisor: Number(issue.divisor) } };
    case 'custom': {
      const { code, ...params } = (issue.params ?? {}) as Record<string, unknown>;
      if (!isDetailCode(code)) return { code: 'invalid_input' };
      const values = Object.entries(params).filter(
        (entry): entry is [string, ParamValue] =>
          typeof entry[1] === 'string' || typeof entry[1] === 'number',
      );
      return { code, params: Object.fromEntries(values) };
    }
    default:
      return { code: 'invalid_input' };
  }
};

/** A field as a detail names it: an empty key (`?=x`, `{"": 1}`) as `""`, so no path is ever empty. */
const fieldName = (key: PropertyKey): string => (key === '' ? '""' : String(key));

/**
 * zod issues → contract details: one entry per field, unknown fields named one by one, each with its
 * catalogue code. All of them: the error answer lists the first MAX_ERROR_DETAILS and counts the rest
 * (errorResult). `input` is only read to tell a missing field (`required`) from a wrong one.
 */
export const issuesToDetails = (issues: readonly z.core.$ZodIssue[], prefix?: string): ErrorDetail[] =>
  issues.flatMap((issue): ErrorDetail[] => {
    const base = [prefix, ...issue.path.map(fieldName)].filter(Boolean);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => detail([...base, fieldName(key)].join('.'), 'unrecognized_keys'));
    }
    // A record's key refused by its own schema (a variant's language tag): that schema's reasons, not zod's
    // bare `invalid_key`.
    if (issue.code === 'invalid_key') return issuesToDetails(issue.issues, base.join('.'));
    const { code, params } = codeOf(issue);
    return [
      { path: base.join('.') || BODY_PATH, code, message: issue.message, ...(params ? { params } : {}) },
    ];
  });

/**
 * A part checked against its schema; a part the route leaves out is `undefined`. The two assertions are
 * where zod's runtime answer meets the conditional type: TypeScript cannot narrow a generic conditional
 * return type, and `SchemaOutput<S>` is exactly what each branch returns.
 */
const validate = <S extends z.ZodType | undefined>(
  schema: S,
  value: unknown,
  where: string,
): SchemaOutput<S> => {
  if (!schema) return undefined as SchemaOutput<S>;
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationError(`Invalid ${where}`, issuesToDetails(result.error.issues));
  return result.data as SchemaOutput<S>;
};

type BodySchema<R extends RouteDef> = NonNullable<R['body']>;
type TextMediaOf<R extends RouteDef> = Exclude<NonNullable<R['bodyTypes']>[number], 'application/json'>;

/**
 * The request body by what it was read as (`bodyType`): JSON, parsed and validated (an empty body counts,
 * so an optional body is `undefined` here); an accepted text type, left in `rawBody` for the handler to
 * read; or nothing, on a route that takes no body.
 */
export type RequestBody<R extends RouteDef = RouteDef> = [BodySchema<R>] extends [never]
  ? { bodyType: 'none'; body: undefined }
  : | { bodyType: 'application/json'; body: SchemaOutput<R['body']> }
    | (TextMediaOf<R> extends infer M extends BodyMediaType
        ? M extends BodyMediaType
          ? { bodyType: M; body: undefined }
          : never
        : never);

export type ParsedRequest<R extends RouteDef = RouteDef> = RequestBody<R> & {
  query: SchemaOutput<R['query']>;
  params: SchemaOutput<R['params']>;
  /** The body as UTF-8 text (what a JSON or CSV body is read from). */
  rawBody: string;
  /** The body's bytes exactly as sent: API Gateway passes a binary body base64-encoded. */
  bodyBytes: Buffer;
  /** The `Content-Type` header's media type, lower case, as sent (`''` without one). */
  contentType: string;
  headers: Record<string, string>;
};

const mediaType = (header: string | undefined): string =>
  (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const isBodyMediaType = (type: string, accepted: readonly BodyMediaType[]): type is BodyMediaType =>
  accepted.some((media) => media === type);

/** Contract §1: size (413), media type (415), JSON syntax (400 invalid_json), schema (400 validation_failed). */
export const parseRequest = <R extends RouteDef>(route: R, event: RawRequest): ParsedRequest<R> => {
  const headers = lowerCaseHeaders(event.headers);
  const bodyBytes = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  const limit = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (bodyBytes.byteLength > limit) throw new PayloadTooLargeError(limit);
  const rawBody = bodyBytes.toString('utf8');

  const contentType = mediaType(headers['content-type']);
  return {
    ...readBody(route, rawBody, contentType),
    query: validate<R['query']>(route.query, definedEntries(event.queryStringParameters), 'query string'),
    params: validate<R['params']>(route.params, definedEntries(event.pathParameters), 'path'),
    rawBody,
    bodyBytes,
    contentType,
    headers,
  };
};

/**
 * Contract §1's order: a body on a route that takes none (400), a media type the route does not accept
 * (415), then JSON syntax and schema. Each branch returns one member of `RequestBody<R>`, the member the
 * route's own `body` and `bodyTypes` select; TypeScript cannot pick that member of a generic conditional
 * type, hence the assertions.
 */
const readBody = <R extends RouteDef>(route: R, rawBody: string, contentType: string): RequestBody<R> => {
  if (!route.body) {
    if (!isNoBody(rawBody)) {
      throw new ValidationError('This endpoint takes no request body', [detail(BODY_PATH, 'body_not_empty')]);
    }
    return { bodyType: 'none', body: undefined } as RequestBody<R>;
  }
  const accepted = route.bodyTypes ?? ['application/json'];
  const bodyIsEmpty = rawBody.trim() === '';
  if (!bodyIsEmpty && !isBodyMediaType(contentType, accepted)) throw new UnsupportedMediaTypeError(accepted);
  if (bodyIsEmpty || contentType === 'application/json') {
    const body = validate(route.body, parseJson(rawBody), 'request body');
    return { bodyType: 'application/json', body } as RequestBody<R>;
  }
  return { bodyType: contentType, body: undefined } as RequestBody<R>;
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
