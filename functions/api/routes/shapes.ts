import type * as z from 'zod';
import type { Access } from '#core/roles.js';
import { type BodyMediaType, type ResponseDef, type RouteDef, defineRoute } from '#http/route.js';
import { ErrorBody, commonErrors, page } from '#http/schemas.js';

/**
 * The shapes the route table repeats: a route called with a JWT (it may also answer 400, 401 and 403),
 * a read of one resource (GET, read access, 404 when there is none) and a page of a list.
 */

type Responses = Record<number, ResponseDef>;

/** A 404 in the words of the route that answers it. */
export const notFound = (description: string) => ({ 404: { description, schema: ErrorBody } });

/** A route called with a JWT: its own answers plus the three every such route may give. */
export const userRoute = <
  TBody extends z.ZodType = never,
  TQuery extends z.ZodType = never,
  TParams extends z.ZodType = never,
  TMedia extends BodyMediaType = 'application/json',
  const TResponses extends Responses = Responses,
>(
  route: RouteDef<TBody, TQuery, TParams, TMedia, TResponses> & { auth: Access },
) => defineRoute({ ...route, responses: { ...route.responses, ...commonErrors } });

type ReadDef<TQuery extends z.ZodType, TParams extends z.ZodType, TResponses extends Responses> = Omit<
  RouteDef<never, TQuery, TParams, 'application/json', TResponses>,
  'method' | 'table' | 'body' | 'bodyTypes' | 'maxBodyBytes' | 'idempotent'
> & { auth: Access };

/** A GET that reads the table and changes nothing. */
export const readRoute = <
  TQuery extends z.ZodType = never,
  TParams extends z.ZodType = never,
  const TResponses extends Responses = Responses,
>(
  route: ReadDef<TQuery, TParams, TResponses>,
) =>
  userRoute<never, TQuery, TParams, 'application/json', TResponses>({
    ...route,
    method: 'GET',
    table: 'read',
  });

/**
 * A GET of one page of a list (its query is ListQuery, `limit` and `cursor`, or extends it): 200 with a page of
 * `item`, and whatever else the route may answer (`responses`, e.g. a 404 for the list's owner).
 */
export const listRoute = <
  TItem extends z.ZodType,
  TQuery extends z.ZodType,
  const TResponses extends Responses,
  TParams extends z.ZodType = never,
>({
  item,
  pageDescription,
  responses,
  ...route
}: Omit<ReadDef<TQuery, TParams, TResponses>, 'responses'> & {
  query: TQuery;
  item: TItem;
  pageDescription: string;
  /** What else the route may answer (`{}` when nothing). */
  responses: TResponses;
}) =>
  readRoute<
    TQuery,
    TParams,
    { 200: { description: string; schema: ReturnType<typeof page<TItem>> } } & TResponses
  >({
    ...route,
    responses: {
      200: { description: pageDescription, schema: page(item) },
      ...responses,
    },
  });
