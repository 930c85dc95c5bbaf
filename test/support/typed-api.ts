import { expect } from 'vitest';
import type { z } from 'zod';
import { ErrorBody } from '#http/schemas.js';
import { routes } from '#api/routes.js';
import {
  XLSX_MEDIA_TYPE,
  type BodyMediaType,
  type HttpMethod,
  type ResponseDef,
  type SchemaInput,
} from '#http/route.js';
import type { Caller, RawAnswer, TestApi } from './api.js';

/**
 * A test client typed by the route table: a call names its route, sends what the route's schemas take
 * (params, query, a JSON body, a CSV or .xlsx body where the route takes one) and gets back one answer per status
 * the route declares, its body typed by that status's schema. Each answer is also checked against the
 * route at run time (a status it does not declare, or a body its schema refuses, fails the call), so the
 * types cannot lie about what the API answered. Input the route refuses on purpose goes in `badJson`,
 * `badQuery` or `rawBody`; what no route declares goes through `api.sendRaw`.
 */
type Routes = typeof routes;
export type RouteId = keyof Routes;

/** The parts of a route definition the client reads (the route table's entries, or a test's fixture). */
interface AnyRoute {
  method: HttpMethod;
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  bodyTypes?: readonly BodyMediaType[];
  responses: Record<number, ResponseDef>;
}

/** A body with a schema has its type; one of a declared non-JSON type is text; any other is not known. */
type BodyOf<D> = D extends { schema: infer S extends z.ZodType }
  ? z.output<S>
  : D extends { contentType: string }
    ? string
    : unknown;

/** A status key as a number: spread objects (`...commonErrors`) turn numeric keys into strings. */
type StatusOf<K> = K extends number ? K : K extends `${infer N extends number}` ? N : never;

/** Every status the route declares, each with its body's type. */
export type AnswerOf<R extends AnyRoute> = {
  [K in keyof R['responses']]: { status: StatusOf<K>; body: BodyOf<R['responses'][K]>; headers: Headers };
}[keyof R['responses']];
export type Answer<Id extends RouteId> = AnswerOf<Routes[Id]>;

/** The body of the route's answer with this status. */
export type AnswerBody<Id extends RouteId, S extends Answer<Id>['status']> = Extract<
  Answer<Id>,
  { status: S }
>['body'];

type PathParams<R extends AnyRoute> = SchemaInput<R['params']>;

/** A part the route leaves out cannot be sent; a part it declares is typed by its schema's input. */
type Part<Name extends string, T> = [T] extends [undefined]
  ? { [K in Name]?: undefined }
  : { [K in Name]?: T };

export type CallOptionsOf<R extends AnyRoute> = {
  as?: Caller;
  headers?: Record<string, string>;
  /** Sent as the `Idempotency-Key` header (contract §1). */
  idempotencyKey?: string;
  /** A JSON body the route's schema refuses, for the tests of that refusal. */
  badJson?: unknown;
  /** Query parameters the route's schema refuses, for the tests of that refusal. */
  badQuery?: Record<string, string>;
  /** Raw text sent as it is (malformed JSON, a media type the route refuses), its type in `headers`. */
  rawBody?: string;
} & Part<'query', SchemaInput<R['query']>> &
  Part<'json', SchemaInput<R['body']>> &
  ('text/csv' extends NonNullable<R['bodyTypes']>[number] ? { csv?: string } : { csv?: undefined }) &
  (typeof XLSX_MEDIA_TYPE extends NonNullable<R['bodyTypes']>[number]
    ? { /** The bytes of an Excel workbook. */ xlsx?: Uint8Array }
    : { xlsx?: undefined }) &
  ([PathParams<R>] extends [undefined] ? { params?: undefined } : { params: PathParams<R> });
export type RouteCallOptions<Id extends RouteId> = CallOptionsOf<Routes[Id]>;
/** The JSON body a route takes, as a caller writes it. */
export type RouteJson<Id extends RouteId> = NonNullable<RouteCallOptions<Id>['json']>;

type OptionsArg<R extends AnyRoute> = [PathParams<R>] extends [undefined]
  ? [options?: CallOptionsOf<R>]
  : [options: CallOptionsOf<R>];

const pathOf = (template: string, params: Record<string, unknown> | undefined): string =>
  template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(params?.[name])));

const queryOf = (query: unknown, badQuery: Record<string, string> | undefined): string => {
  const typed = typeof query === 'object' && query !== null ? query : {};
  const entries = Object.entries({ ...typed, ...badQuery }).flatMap(([name, value]) =>
    value === undefined || value === null ? [] : [[name, String(value)]],
  );
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
};

/** A call of a route of the route table: the path built from `params`, the answer checked against it. */
export const send = <Id extends RouteId>(
  api: Pick<TestApi, 'sendRaw'>,
  id: Id,
  ...options: OptionsArg<Routes[Id]>
): Promise<Answer<Id>> => sendTo(api, routes[id], ...options);

/** `send` for a route outside the table (a test's fixture route), typed by its definition. */
export const sendTo = async <R extends AnyRoute>(
  api: Pick<TestApi, 'sendRaw'>,
  route: R,
  ...[options]: OptionsArg<R>
): Promise<AnswerOf<R>> => {
  const { params, query, badQuery, json, badJson, csv, xlsx, rawBody, idempotencyKey, as, headers } =
    options ?? {};
  const path = pathOf(route.path, params ?? undefined) + queryOf(query, badQuery);
  const sent = json ?? badJson;
  const answer = await api.sendRaw(route.method, path, {
    as,
    ...(sent !== undefined ? { json: sent } : {}),
    body: csv ?? xlsx ?? rawBody,
    headers: {
      ...(csv !== undefined ? { 'content-type': 'text/csv; charset=utf-8' } : {}),
      ...(xlsx !== undefined ? { 'content-type': XLSX_MEDIA_TYPE } : {}),
      ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
      ...headers,
    },
  });
  return checkAnswerOf(route, answer);
};

/** The answer typed by the route table's route `id`, or a failure saying why that route does not declare it. */
export const checkAnswer = <Id extends RouteId, A extends RawAnswer>(id: Id, answer: A): A & Answer<Id> =>
  checkAnswerOf(routes[id], answer);

const checkAnswerOf = <R extends AnyRoute, A extends RawAnswer>(route: R, answer: A): A & AnswerOf<R> => {
  const problem = mismatchOf(route, answer);
  if (problem === undefined && declares(route, answer)) return answer;
  throw new Error(
    `${route.method} ${route.path} answered ${answer.status} ${JSON.stringify(answer.body)}: ${problem}`,
  );
};

/** Why an answer is not one the route declares, or `undefined` when it is. */
const mismatchOf = (route: AnyRoute, answer: RawAnswer): string | undefined => {
  const declared = route.responses[answer.status];
  if (!declared) return 'a status the route does not declare';
  const checked = declared.schema?.safeParse(answer.body);
  return checked && !checked.success
    ? `not its declared schema: ${JSON.stringify(checked.error.issues)}`
    : undefined;
};

const declares = <R extends AnyRoute, A extends RawAnswer>(route: R, answer: A): answer is A & AnswerOf<R> =>
  mismatchOf(route, answer) === undefined;

/** The answer of this status; an answer whose status is any number (a raw one, a `Response`) stays itself. */
type WithStatus<A extends { status: number }, S> = number extends A['status'] ? A : Extract<A, { status: S }>;

/** Asserts the status and narrows the answer to it, so its body has that status's type. */
export function expectStatus<A extends { status: number; body: unknown }, S extends A['status']>(
  answer: A,
  status: S,
): asserts answer is WithStatus<A, S> {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
}

/** Asserts the status and answers the body, typed by that status's schema. */
export const bodyOf = <A extends { status: number; body: unknown }, S extends A['status']>(
  answer: A,
  status: S,
): WithStatus<A, S>['body'] => {
  expectStatus(answer, status);
  return answer.body;
};

/** Asserts an error answer of contract §1 (this status, this code, a message) and narrows to it. */
export function expectError<A extends { status: number; body: unknown }, S extends A['status']>(
  answer: A,
  status: S,
  code: string,
): asserts answer is WithStatus<A, S> & { body: z.output<typeof ErrorBody> } {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ error: { code, message: expect.any(String) } });
  ErrorBody.parse(answer.body);
}

/**
 * Makes the same call twice (a client's retry under one Idempotency-Key) and expects the second answer
 * to replay the first: the same status and body, marked `idempotent-replayed`. Answers both, narrowed.
 */
export const expectReplayed = async <
  A extends { status: number; body: unknown; headers: Headers },
  S extends A['status'],
>(
  call: () => Promise<A>,
  status: S,
): Promise<{ first: WithStatus<A, S>; replay: WithStatus<A, S> }> => {
  const first = await call();
  const replay = await call();
  expectStatus(first, status);
  expectStatus(replay, status);
  expect(replay.body).toEqual(first.body);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  return { first, replay };
};

/** One page of a list answer (contract §1): its items and the cursor of the next page, if any. */
export interface Page<T> {
  items: readonly T[];
  nextCursor?: string | null;
}

/** Every item of a paged list, following `nextCursor` from the first page; `read` reads the page at a cursor. */
export const allPages = async <T>(read: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
};
