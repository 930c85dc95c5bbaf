import { describe, expect, it } from 'vitest';
import { apiGatewayGet, testRoute } from './fixtures.js';

/**
 * A handler that runs out of time (the Lambda's timeout, which middy anticipates by a few milliseconds)
 * answers 503 with a code and a Retry-After, not the 500 of an unknown failure: the scale benchmark's
 * import into a large audience got "internal_error" when it ran past the route's 29 s.
 */
describe('a handler that runs out of time', () => {
  it('answers 503 timed_out in the contract shape, with Retry-After', async () => {
    const { api } = await import('#http/api.js');
    const { lambdaContext } = await import('#local/invoke.js');
    const route = testRoute('testNeverAnswers', '/v1/test/slow');
    const handler = api(route, () => new Promise(() => {}));
    const event = apiGatewayGet('/v1/test/slow', { 'accept-language': 'vi' });
    const context = { ...lambdaContext('testNeverAnswers'), getRemainingTimeInMillis: () => 50 };
    const result = await handler(event, context);
    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('30');
    const body = JSON.parse(String(result.body)) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('timed_out');
    expect(body.error.message).toMatch(/quá thời gian/);
  });
});
