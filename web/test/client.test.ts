import { describe, expect, it } from 'vitest';
import { createApi, idempotencyKey, unwrap } from '../src/api/client.js';
import { ApiError } from '../src/api/errors.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const recording = (answer: () => Response | Promise<Response>) => {
  const requests: Request[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    requests.push(input instanceof Request ? input : new Request(input, init));
    return answer();
  };
  return { requests, fetch: fetch as typeof globalThis.fetch };
};

describe('the typed API client', () => {
  it('sends the bearer token and the user’s language with every call', async () => {
    const { requests, fetch } = recording(() =>
      json(200, { year: 2027, occasions: [{ id: 'anti-trafficking-day', name: 'x', date: '2027-07-30' }] }),
    );
    const api = createApi({ baseUrl: 'http://api.test', token: () => 'tok', lang: () => 'vi', fetch });
    const calendar = await unwrap(api.GET('/v1/calendar', { params: { query: { year: 2027 } } }));
    expect(calendar.occasions[0]?.date).toBe('2027-07-30');
    expect(requests[0]?.url).toBe('http://api.test/v1/calendar?year=2027');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer tok');
    expect(requests[0]?.headers.get('accept-language')).toBe('vi');
  });

  it('turns an error answer into an ApiError with the field details, and ends the session on a 401', async () => {
    let ended = 0;
    const { fetch } = recording(() =>
      json(400, {
        error: {
          code: 'validation_failed',
          message: 'Invalid body',
          details: [{ path: 'name', message: 'bắt buộc' }],
        },
      }),
    );
    const api = createApi({
      baseUrl: 'http://api.test',
      token: () => undefined,
      lang: () => 'en',
      fetch,
      onUnauthorized: () => ended++,
    });
    const failure = unwrap(api.POST('/v1/audiences', { body: { name: '' } }));
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      details: [{ path: 'name', message: 'bắt buộc' }],
    });
    expect(ended).toBe(0);

    const unauthorised = recording(() => json(401, { error: { code: 'unauthorized', message: 'no token' } }));
    const signedOut = createApi({
      baseUrl: 'http://api.test',
      token: () => 'old',
      lang: () => 'vi',
      fetch: unauthorised.fetch,
      onUnauthorized: () => ended++,
    });
    await expect(unwrap(signedOut.GET('/v1/audiences', {}))).rejects.toMatchObject({ status: 401 });
    expect(ended).toBe(1);
  });

  it('reports a request that never reached the server as a network error', async () => {
    const { fetch } = recording(() => Promise.reject(new TypeError('Failed to fetch')));
    const api = createApi({ baseUrl: 'http://down.test', token: () => undefined, lang: () => 'vi', fetch });
    await expect(unwrap(api.GET('/v1/audiences', {}))).rejects.toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });

  it('makes idempotency keys the API accepts, a new one each time', () => {
    const key = idempotencyKey();
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(idempotencyKey()).not.toBe(key);
  });
});
