import { expect } from 'vitest';
import type { z } from 'zod';
import { routes } from '../../functions/api/routes.js';
import type { ResponseDef, SchemaInput } from '../../functions/http/route.js';
import type { CallOptions, TestApi } from './api.js';

/**
 * A test client typed by the route table: a call names its route, sends what the route's schemas take
 * (params, query, JSON body) and gets back one answer per status the route declares, its body typed by
 * that status's schema. Each body is also checked against that schema at run time, so the types cannot
 * lie about what the API answered. Deliberately bad input goes in `badJson` or `body` (raw text).
 */
type Routes = typeof routes;
export type RouteId = keyof Routes;

type BodyOf<D> = D extends { schema: infer S extends z.ZodType } ? z.output<S> : string;

type Responses<Id extends RouteId> = Routes[Id]['responses'];
/** A status key as a number: spread objects (`...commonErrors`) turn numeric keys into strings. */
type StatusOf<K> = K extends number ? K : K extends `${infer N extends number}` ? N : never;

/** Every status the route declares, each with its body's type. */
export type Answer<Id extends RouteId> = {
  [K in keyof Responses<Id>]: { status: StatusOf<K>; body: BodyOf<Responses<Id>[K]>; headers: Headers };
}[keyof Responses<Id>];

type PathParams<Id extends RouteId> = SchemaInput<Routes[Id]['params']>;

export type RouteCallOptions<Id extends RouteId> = Pick<CallOptions, 'as' | 'headers' | 'body'> & {
  query?: Record<string, string | number | boolean | undefined>;
  json?: SchemaInput<Routes[Id]['body']>;
  /** A body the route's schema refuses, for the tests of that refusal. */
  badJson?: unknown;
} & ([PathParams<Id>] extends [undefined] ? { params?: undefined } : { params: PathParams<Id> });

const pathOf = (template: string, params: Record<string, unknown> | undefined): string =>
  template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(String(params?.[name])));

const queryOf = (query: RouteCallOptions<RouteId>['query']): string => {
  const entries = Object.entries(query ?? {}).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
};

/** `api.call` through the route table: the path built from `params`, the answer checked by its schema. */
export const send = async <Id extends RouteId>(
  api: Pick<TestApi, 'call'>,
  id: Id,
  ...[options]: [PathParams<Id>] extends [undefined]
    ? [options?: RouteCallOptions<Id>]
    : [options: RouteCallOptions<Id>]
): Promise<Answer<Id>> => {
  const route = routes[id];
  const { params, query, json, badJson, ...rest } = options ?? {};
  const path = pathOf(route.path, params ?? undefined) + queryOf(query);
  const sent = json ?? badJson;
  const answer = await api.call(route.method, path, {
    ...rest,
    ...(sent !== undefined ? { json: sent } : {}),
  });
  const problem = mismatchOf(id, answer);
  if (problem === undefined && declares(id, answer)) return answer;
  throw new Error(`${id} answered ${answer.status} ${JSON.stringify(answer.body)}: ${problem}`);
};

type RawAnswer = { status: number; body: unknown; headers: Headers };

/** Why an answer is not one the route declares, or `undefined` when it is. */
const mismatchOf = (id: RouteId, answer: RawAnswer): string | undefined => {
  const responses: Record<number, ResponseDef> = routes[id].responses;
  const declared = responses[answer.status];
  if (!declared) return 'a status the route does not declare';
  const checked = declared.schema?.safeParse(answer.body);
  return checked && !checked.success
    ? `not its declared schema: ${JSON.stringify(checked.error.issues)}`
    : undefined;
};

const declares = <Id extends RouteId>(id: Id, answer: RawAnswer): answer is Answer<Id> =>
  mismatchOf(id, answer) === undefined;

/** Asserts the status and narrows the answer to it, so its body has that status's type. */
export function expectStatus<A extends { status: number; body: unknown }, S extends A['status']>(
  answer: A,
  status: S,
): asserts answer is Extract<A, { status: S }> {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
}
