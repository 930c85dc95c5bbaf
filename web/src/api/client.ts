import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';
import { ApiError, apiErrorFrom } from './errors.js';

export type Schemas = components['schemas'];
export type Campaign = Schemas['Campaign'];
export type Audience = Schemas['Audience'];
export type ImportResult = Schemas['ImportResult'];
export type CampaignInput = Schemas['CampaignInput.input'];
export type CampaignPatch = Schemas['CampaignPatch.input'];

export interface ApiOptions {
  baseUrl: string;
  token: () => string | undefined;
  lang: () => string;
  /** Called on a 401: the session has ended. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

/**
 * The typed API client: openapi-fetch over the types generated from the API's own OpenAPI document, with
 * the bearer token and the user's language on every request.
 */
export const createApi = (options: ApiOptions) => {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = options.token();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      request.headers.set('Accept-Language', options.lang());
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized?.();
      return response;
    },
  };
  client.use(auth);
  return client;
};

export type Api = ReturnType<typeof createApi>;

/**
 * The data of an openapi-fetch answer, or an ApiError carrying its status and details; a request that
 * never reached the server is an ApiError with status 0.
 */
export const unwrap = async <T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> => {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  }
  if (!result.response.ok) throw apiErrorFrom(result.response.status, result.error);
  return result.data as T;
};

/**
 * An `Idempotency-Key` for one form (contract §1): a retry after a lost answer repeats it and creates
 * nothing new. getRandomValues works outside secure contexts too, unlike crypto.randomUUID.
 */
export const idempotencyKey = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join(
    '',
  );
