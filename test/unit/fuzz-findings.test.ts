import { describe, expect, it } from 'vitest';
import { routes } from '#api/routes.js';
import { errorResult } from '#http/api.js';
import { parseRequest } from '#http/request.js';
import { ContractError, violationOf } from '#support/fuzz.js';

/** Findings of the endpoint fuzzer (issue #17), each pinned at the layer it was fixed in. */

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    const result = errorResult(error);
    return { status: result.statusCode, body: JSON.parse(String(result.body)) as unknown };
  }
  throw new Error('the request was accepted');
};

describe('fuzzer findings', () => {
  it('names an unknown field with an empty name `""`, never with an empty path (GET /v1/calendar?=x)', () => {
    const answer = refusal(() =>
      parseRequest(routes.getCalendar, { headers: {}, queryStringParameters: { '': 'x' } }),
    );
    expect(answer.status).toBe(400);
    expect(ContractError.safeParse(answer.body).success).toBe(true);
    expect(answer.body).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: '""', code: 'unrecognized_keys' }] },
    });
  });

  it('names an empty key inside a body by its parent (`filters.""`)', () => {
    const answer = refusal(() =>
      parseRequest(routes.createCampaign, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filters: { '': ['x'] } }),
      }),
    );
    expect(ContractError.safeParse(answer.body).success).toBe(true);
    const details = (answer.body as { error: { details: { path: string }[] } }).error.details;
    expect(details.map((d) => d.path)).toContain('filters.""');
  });

  it('refuses a price per segment DynamoDB cannot store (1.14e-230 was a 500): at most 4 decimals', () => {
    const partner = {
      name: 'P',
      webhookUrl: 'https://sms.partner.example/v1/batches',
      carriers: ['*'],
      tps: 10,
      senderId: 'P',
    };
    for (const pricePerSegment of [1.1400752842556495e-230, 1e-5, 12.34567]) {
      const answer = refusal(() =>
        parseRequest(routes.putPartner, {
          headers: { 'content-type': 'application/json' },
          pathParameters: { partnerId: 'p-1' },
          body: JSON.stringify({ ...partner, pricePerSegment }),
        }),
      );
      expect(answer.body).toMatchObject({
        error: { details: [{ path: 'pricePerSegment', code: 'not_multiple_of' }] },
      });
    }
    for (const pricePerSegment of [0, 1.1, 350.5, 0.0003, 1_000_000]) {
      const parsed = parseRequest(routes.putPartner, {
        headers: { 'content-type': 'application/json' },
        pathParameters: { partnerId: 'p-1' },
        body: JSON.stringify({ ...partner, pricePerSegment }),
      });
      expect(parsed.body).toMatchObject({ pricePerSegment });
    }
  });
});

describe("the fuzzer's own check", () => {
  const json = (body: unknown) => ({
    status: 200,
    contentType: 'application/json',
    text: JSON.stringify(body),
  });

  it('lets a route answer back a hostile value it stored (a template named file:///etc/passwd)', () => {
    expect(violationOf(json({ items: [{ name: 'file:///etc/passwd' }] }))).toBeUndefined();
  });

  it('still finds a source path or a stack frame beside it', () => {
    expect(violationOf(json({ name: 'file:///etc/passwd', at: 'file:///var/task/index.mjs' }))).toMatch(
      /internals/,
    );
    expect(violationOf(json({ error: 'TypeError: x\n    at parse (/var/task/index.mjs:1:2)' }))).toMatch(
      /internals/,
    );
  });
});
