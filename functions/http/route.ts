import type * as z from 'zod';
import type { IndexName } from '#adapters/table.js';
import type { FilePrefix } from '#core/files.js';
import { XLSX_MEDIA_TYPE } from '#core/media-types.js';
import type { Access } from '#core/roles.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: a role level (JWT), `public` (no auth: health, short links, the OpenAPI document)
 * or `signature` (partners' webhooks, authenticated by a Standard Webhooks signature instead of a JWT).
 */
export type RouteAuth = Access | 'public' | 'signature';

/**
 * Media types a route may accept a body in; JSON is parsed and validated, any other arrives as it came,
 * as text (`rawBody`) and as bytes (`bodyBytes`, what a binary type such as `.xlsx` is read from).
 */
export type BodyMediaType = 'application/json' | 'text/csv' | typeof XLSX_MEDIA_TYPE;

export { XLSX_MEDIA_TYPE };

/**
 * Objects of the file store (issue #18) a handler reads or writes under one prefix, itself or through the
 * URLs it signs (a URL acts with its signer's rights): the CDK grants exactly these.
 */
export interface FileAccess {
  readonly prefix: FilePrefix;
  readonly actions: readonly ('read' | 'write')[];
}

export interface ResponseDef {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/**
 * One HTTP route: the single description that the handler, the local runtime, the CDK API and the OpenAPI
 * document all read, so they cannot drift apart.
 */
export interface RouteDef<
  TBody extends z.ZodType = z.ZodType,
  TQuery extends z.ZodType = z.ZodType,
  TParams extends z.ZodType = z.ZodType,
  TMedia extends BodyMediaType = BodyMediaType,
  TResponses extends Record<number, ResponseDef> = Record<number, ResponseDef>,
> {
  id: string;
  method: HttpMethod;
  /** API Gateway style, e.g. `/v1/partners/{partnerId}`. */
  path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  summary: string;
  /** Longer words for the OpenAPI document (Markdown). */
  description?: string;
  tag: string;
  auth: RouteAuth;
  /** DynamoDB access the Lambda is granted. */
  table: 'none' | 'read' | 'write';
  /**
   * The table's indexes the handler queries (none when left out): the CDK grants `Query` on exactly these
   * (`<table ARN>/index/<name>`), and the route-access test checks the handler queries these and no other.
   */
  indexes?: readonly IndexName[];
  body?: TBody;
  /** Media types accepted for the body (default `application/json`). */
  bodyTypes?: readonly TMedia[];
  query?: TQuery;
  params?: TParams;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Lambda sizing for heavy routes (defaults: 512 MB, 10 s; API Gateway waits at most 29 s). */
  lambda?: { memoryMb?: number; timeoutSeconds?: number };
  /**
   * AWS services besides the table the handler calls; the CDK grants exactly these. `sealSecrets` /
   * `openSecrets`: KMS Encrypt / Decrypt of partners' signing secrets (docs/partners.md). `importJobs`:
   * invoking the import-job Lambda (issue #17).
   */
  uses?: readonly ('events' | 'scheduler' | 'batchTopic' | 'sealSecrets' | 'openSecrets' | 'importJobs')[];
  /** The file store's objects the handler uses (none by default). */
  files?: FileAccess;
  /** A creating POST: honours the `Idempotency-Key` header (contract §1). */
  idempotent?: boolean;
  responses: TResponses;
}

/**
 * A route with its schemas' types kept: a part the route leaves out is `never` here, so a handler's
 * request and a test client's call know it is absent (see ApiRequest).
 */
export const defineRoute = <
  TBody extends z.ZodType = never,
  TQuery extends z.ZodType = never,
  TParams extends z.ZodType = never,
  TMedia extends BodyMediaType = 'application/json',
  const TResponses extends Record<number, ResponseDef> = Record<number, ResponseDef>,
>(
  route: RouteDef<TBody, TQuery, TParams, TMedia, TResponses>,
): RouteDef<TBody, TQuery, TParams, TMedia, TResponses> => route;

/** zod's output for a part the route declares, `undefined` for one it leaves out (`never`). */
export type SchemaOutput<T> = [NonNullable<T>] extends [never]
  ? undefined
  : NonNullable<T> extends z.ZodType
    ? z.output<NonNullable<T>>
    : undefined;
/** What a caller sends for that part: zod's input type. */
export type SchemaInput<T> = [NonNullable<T>] extends [never]
  ? undefined
  : NonNullable<T> extends z.ZodType
    ? z.input<NonNullable<T>>
    : undefined;
