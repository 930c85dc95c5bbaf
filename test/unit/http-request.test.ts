import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  AppError,
  detail,
  InvalidJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#core/errors.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  MAX_ERROR_DETAILS,
  issuesToDetails,
  parseRequest,
  type RawRequest,
} from '#http/request.js';
import { errorResult } from '#http/api.js';
import { defineRoute, type RouteDef } from '#http/route.js';
import { ListQuery } from '#http/schemas.js';
import { thrownBy } from '#support/errors.js';

/** A small campaign-like body, enough to produce nested paths such as `schedule.sendAt`. */
const CampaignBody = z.strictObject({
  name: z.string().min(1),
  schedule: z.strictObject({ sendAt: z.iso.datetime({ offset: true }) }),
  audienceIds: z.array(z.string().min(1)).min(1).optional(),
});

const base = {
  entry: 'not-loaded.ts',
  summary: 'test route',
  tag: 'Test',
  auth: 'edit',
  table: 'none',
  responses: { 200: { description: 'ok' } },
} as const;

const bodyRoute = defineRoute({
  ...base,
  id: 'testCreate',
  method: 'POST',
  path: '/v1/things/{thingId}',
  params: z.strictObject({ thingId: z.string().regex(/^[a-z]+$/) }),
  body: CampaignBody,
});
const listRoute = defineRoute({
  ...base,
  id: 'testList',
  method: 'GET',
  path: '/v1/things',
  query: ListQuery,
});
const noBodyRoute = defineRoute({ ...base, id: 'testAction', method: 'POST', path: '/v1/things/act' });
const csvRoute = defineRoute({
  ...base,
  id: 'testUpload',
  method: 'POST',
  path: '/v1/things/upload',
  body: z.strictObject({ rows: z.array(z.string()) }),
  bodyTypes: ['application/json', 'text/csv'],
});
const smallRoute = defineRoute({
  ...base,
  id: 'testSmall',
  method: 'POST',
  path: '/v1/small',
  body: z.strictObject({ text: z.string() }),
  maxBodyBytes: 20,
});

const validBody = { name: '30/7 Bắc Kạn', schedule: { sendAt: '2027-07-30T08:00:00+07:00' } };

const json = (body: unknown, extra: Partial<RawRequest> = {}): RawRequest => ({
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  pathParameters: { thingId: 'abc' },
  ...extra,
});

/** Runs `parseRequest` expecting it to throw, and returns the error for inspection. */
const failure = (route: RouteDef, event: RawRequest): AppError =>
  thrownBy(() => parseRequest(route, event), AppError);

describe('parseRequest: body size (413)', () => {
  it('accepts a body of exactly the route limit', () => {
    const body = JSON.stringify({ text: 'x'.repeat(9) });
    expect(Buffer.byteLength(body)).toBe(20);
    expect(parseRequest(smallRoute, json(body)).body).toEqual({ text: 'x'.repeat(9) });
  });

  it('rejects one byte over the route limit with payload_too_large', () => {
    const error = failure(smallRoute, json({ text: 'x'.repeat(10) }));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(error.message).toContain('20 bytes');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const body = JSON.stringify({ text: 'ệệệx' }); // 15 characters, 21 bytes: "ệ" is 3 bytes in UTF-8
    expect(body.length).toBeLessThanOrEqual(20);
    expect(Buffer.byteLength(body)).toBe(21);
    expect(failure(smallRoute, json(body))).toBeInstanceOf(PayloadTooLargeError);
  });

  it('applies the 1 MiB default to routes without their own limit', () => {
    const padding = (size: number) => ({ ...validBody, name: 'x'.repeat(size) });
    const overhead = JSON.stringify(padding(0)).length;
    expect(parseRequest(bodyRoute, json(padding(DEFAULT_MAX_BODY_BYTES - overhead))).body).toBeDefined();
    expect(failure(bodyRoute, json(padding(DEFAULT_MAX_BODY_BYTES - overhead + 1)))).toBeInstanceOf(
      PayloadTooLargeError,
    );
  });

  it('checks the size before the media type and the JSON syntax', () => {
    const error = failure(smallRoute, {
      headers: { 'content-type': 'text/plain' },
      body: 'not json at all, and long',
    });
    expect(error).toBeInstanceOf(PayloadTooLargeError);
  });
});

describe('parseRequest: media type (415)', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['a JSON look-alike', 'application/jsonp'],
    ['no content type', undefined],
  ])('rejects a body sent as %s', (_case, contentType) => {
    const error = failure(bodyRoute, {
      headers: contentType ? { 'content-type': contentType } : {},
      body: JSON.stringify(validBody),
      pathParameters: { thingId: 'abc' },
    });
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(error.message).toContain('application/json');
  });

  it.each([
    ['with a charset', 'application/json; charset=utf-8'],
    ['in upper case', 'Application/JSON'],
    ['with spaces around the parameter', 'application/json ;charset=UTF-8'],
  ])('accepts JSON %s', (_case, contentType) => {
    const parsed = parseRequest(bodyRoute, json(validBody, { headers: { 'Content-Type': contentType } }));
    expect(parsed.body).toEqual(validBody);
    expect(parsed.contentType).toBe('application/json');
  });

  it('lists every accepted type in the 415 message', () => {
    const error = failure(csvRoute, { headers: { 'content-type': 'text/plain' }, body: 'phone\n0981234567' });
    expect(error.message).toContain('application/json, text/csv');
  });

  it('passes a non-JSON body of an accepted type through unparsed, for the handler to read', () => {
    const csv = 'phone,province\n0981234567,Bắc Kạn\n';
    const parsed = parseRequest(csvRoute, { headers: { 'content-type': 'text/csv' }, body: csv });
    expect(parsed).toMatchObject({ body: undefined, rawBody: csv, contentType: 'text/csv' });
    expect(parsed.bodyType).toBe('text/csv');
  });

  it('types the body by what it was read as: a CSV body is not the output of the JSON schema (issue #14)', () => {
    const parsed = parseRequest(csvRoute, { headers: { 'content-type': 'text/csv' }, body: 'rows\nx' });
    expectTypeOf(parsed.body).toEqualTypeOf<{ rows: string[] } | undefined>();
    if (parsed.bodyType === 'application/json') expectTypeOf(parsed.body).toEqualTypeOf<{ rows: string[] }>();
    else expectTypeOf(parsed.bodyType).toEqualTypeOf<'text/csv'>();
    expect(parsed.bodyType).toBe('text/csv');
  });

  it('reads a JSON body as JSON on a route that also takes CSV', () => {
    const parsed = parseRequest(csvRoute, json({ rows: ['a'] }));
    expect(parsed).toMatchObject({ bodyType: 'application/json', body: { rows: ['a'] } });
  });

  it('types the parts a route leaves out as undefined', () => {
    const parsed = parseRequest(noBodyRoute, { headers: {} });
    expectTypeOf(parsed.body).toEqualTypeOf<undefined>();
    expectTypeOf(parsed.query).toEqualTypeOf<undefined>();
    expectTypeOf(parsed.params).toEqualTypeOf<undefined>();
    expectTypeOf(parseRequest(listRoute, { headers: {} }).query).toEqualTypeOf<z.output<typeof ListQuery>>();
    expect(parsed).toMatchObject({ bodyType: 'none', body: undefined, query: undefined, params: undefined });
  });
});

describe('parseRequest: JSON syntax (invalid_json)', () => {
  it.each([
    ['a truncated object', '{"name": '],
    ['single quotes', "{'name': 'x'}"],
    ['a trailing comma', '{"name": "x",}'],
    ['plain text', 'hello'],
  ])('rejects %s with 400 invalid_json', (_case, body) => {
    const error = failure(bodyRoute, json(body));
    expect(error).toBeInstanceOf(InvalidJsonError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_json' });
  });

  it('NFC-normalises every string in the body, nested and in arrays (contract §1)', () => {
    const composed = 'Bắc Kạn – Chợ Đồn';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const parsed = parseRequest(
      bodyRoute,
      json({ name: decomposed, schedule: validBody.schedule, audienceIds: [decomposed] }),
    );
    expect(parsed.body).toEqual({ name: composed, schedule: validBody.schedule, audienceIds: [composed] });
  });

  it('keeps the raw body byte for byte (signatures and idempotency hashes are over it)', () => {
    const raw = JSON.stringify({ ...validBody, name: 'Bắc Kạn'.normalize('NFD') });
    expect(parseRequest(bodyRoute, json(raw)).rawBody).toBe(raw);
  });

  it('keeps Vietnamese text exactly', () => {
    const name = 'Cảnh giác mua bán người – Chợ Đồn';
    expect(parseRequest(bodyRoute, json({ ...validBody, name })).body).toMatchObject({ name });
  });
});

describe('parseRequest: validation (validation_failed)', () => {
  it('names each unknown field in its own detail, with its path', () => {
    const error = failure(bodyRoute, json({ ...validBody, password: 'x', role: 'admin' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(error.details).toEqual([
      { path: 'password', code: 'unrecognized_keys', message: 'is not a known field' },
      { path: 'role', code: 'unrecognized_keys', message: 'is not a known field' },
    ]);
  });

  it('names an unknown field inside a nested object by its full path', () => {
    const error = failure(
      bodyRoute,
      json({ ...validBody, schedule: { sendAt: '2027-07-30T08:00:00+07:00', timezone: 'UTC' } }),
    );
    expect(error.details).toEqual([
      { path: 'schedule.timezone', code: 'unrecognized_keys', message: 'is not a known field' },
    ]);
  });

  it.each([
    ['a bad nested field', { ...validBody, schedule: { sendAt: 'tomorrow' } }, ['schedule.sendAt']],
    ['a missing nested field', { ...validBody, schedule: {} }, ['schedule.sendAt']],
    ['a missing field', { schedule: validBody.schedule }, ['name']],
    ['a bad array item', { ...validBody, audienceIds: ['a', ''] }, ['audienceIds.1']],
    ['two bad fields', { name: '', schedule: { sendAt: 1 } }, ['name', 'schedule.sendAt']],
  ])('reports %s at its dotted path', (_case, body, paths) => {
    const error = failure(bodyRoute, json(body));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details?.map((d) => d.path)).toEqual(paths);
    for (const detail of error.details ?? []) expect(detail.message).not.toBe('');
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"thing"'],
    ['null', 'null'],
  ])('reports a body that is %s at the path (body)', (_case, body) => {
    const error = failure(bodyRoute, json(body));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details?.[0]?.path).toBe('(body)');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['only whitespace', ' \n\t'],
  ])('rejects a %s body on a route that requires one as validation_failed, not 415', (_case, body) => {
    const error = failure(bodyRoute, {
      headers: { 'content-type': 'text/plain' },
      body,
      pathParameters: { thingId: 'abc' },
    });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual([{ path: '(body)', code: 'required', message: expect.any(String) }]);
  });

  it.each([
    ['no body', undefined],
    ['an empty body', ''],
    ['only whitespace', '\r\n'],
    ['an empty JSON object, as many clients send with every POST', '{}'],
    ['an empty JSON object with spaces', ' { }\n'],
  ])('accepts %s on a route that takes none', (_case, body) => {
    expect(
      parseRequest(noBodyRoute, { headers: { 'content-type': 'application/json' }, body }).body,
    ).toBeUndefined();
  });

  it.each([
    ['a body with a secret field', { secret: 'mine' }],
    ['an object with a field', '{"a":1}'],
    ['an empty array', '[]'],
    ['null', 'null'],
    ['a number', '0'],
    ['text', 'go'],
    ['an object and more', '{}{}'],
  ])('still rejects %s on a route that takes none', (_case, body) => {
    const error = failure(noBodyRoute, json(body));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual([{ path: '(body)', code: 'body_not_empty', message: 'must be empty' }]);
  });

  it('validates path parameters and names the parameter', () => {
    const error = failure(bodyRoute, json(validBody, { pathParameters: { thingId: 'ABC' } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details?.map((d) => d.path)).toEqual(['thingId']);
  });
});

describe('parseRequest: query string', () => {
  it('coerces numbers and fills defaults', () => {
    expect(parseRequest(listRoute, { headers: {}, queryStringParameters: { limit: '20' } }).query).toEqual({
      limit: 20,
    });
    expect(parseRequest(listRoute, { headers: {} }).query).toEqual({ limit: 50 });
  });

  it('NFC-normalises query and path values', () => {
    const route = defineRoute({
      ...base,
      id: 'testSearch',
      method: 'GET',
      path: '/v1/provinces/{province}',
      params: z.strictObject({ province: z.string() }),
      query: z.strictObject({ district: z.string() }),
    });
    const parsed = parseRequest(route, {
      headers: {},
      pathParameters: { province: 'Bắc Kạn'.normalize('NFD') },
      queryStringParameters: { district: 'Chợ Đồn'.normalize('NFD') },
    });
    expect(parsed.params).toEqual({ province: 'Bắc Kạn' });
    expect(parsed.query).toEqual({ district: 'Chợ Đồn' });
  });

  it('ignores parameters passed as undefined rather than calling them unknown', () => {
    const parsed = parseRequest(listRoute, {
      headers: {},
      queryStringParameters: { limit: '7', sort: undefined },
    });
    expect(parsed.query).toEqual({ limit: 7 });
  });

  it.each([
    ['limit=0', { limit: '0' }, 'limit'],
    ['limit=501', { limit: '501' }, 'limit'],
    ['limit=2.5', { limit: '2.5' }, 'limit'],
    ['limit=abc', { limit: 'abc' }, 'limit'],
    ['an unknown parameter', { sort: 'name' }, 'sort'],
  ])('rejects %s naming the parameter', (_case, query, path) => {
    const error = failure(listRoute, { headers: {}, queryStringParameters: query });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details?.map((d) => d.path)).toEqual([path]);
  });
});

describe('parseRequest: base64 bodies (API Gateway binary mode)', () => {
  const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  it('decodes a base64 JSON body, Vietnamese included', () => {
    const body = { ...validBody, name: 'Tỉnh Bắc Kạn' };
    const parsed = parseRequest(bodyRoute, json(encode(JSON.stringify(body)), { isBase64Encoded: true }));
    expect(parsed.body).toEqual(body);
    expect(parsed.rawBody).toBe(JSON.stringify(body));
  });

  it('applies the size limit to the decoded body, not the base64 text', () => {
    const body = JSON.stringify({ text: 'x'.repeat(9) }); // 20 bytes, 28 in base64
    expect(encode(body).length).toBeGreaterThan(20);
    expect(parseRequest(smallRoute, json(encode(body), { isBase64Encoded: true })).body).toEqual({
      text: 'x'.repeat(9),
    });
  });

  it('leaves a body alone when it is not flagged as base64', () => {
    const encoded = encode(JSON.stringify(validBody));
    expect(failure(bodyRoute, json(encoded, { isBase64Encoded: false }))).toBeInstanceOf(InvalidJsonError);
  });
});

describe('parseRequest: headers', () => {
  it('lower-cases header names and drops undefined values', () => {
    const parsed = parseRequest(noBodyRoute, {
      headers: { 'Idempotency-Key': 'k-1', 'X-Empty': undefined },
    });
    expect(parsed.headers).toEqual({ 'idempotency-key': 'k-1' });
  });
});

describe('issuesToDetails', () => {
  const issuesOf = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value);
    if (result.success) throw new Error('expected the value to be invalid');
    return result.error.issues;
  };

  it('joins nested paths with dots, array indices included', () => {
    const schema = z.object({ filters: z.object({ provinces: z.array(z.string()) }) });
    expect(issuesToDetails(issuesOf(schema, { filters: { provinces: ['Bắc Kạn', 7] } }))).toEqual([
      {
        path: 'filters.provinces.1',
        code: 'invalid_type',
        message: expect.any(String),
        params: { expected: 'string' },
      },
    ]);
  });

  it('splits one unrecognized_keys issue into one detail per key', () => {
    const issues = issuesOf(z.strictObject({ a: z.string() }), { a: 'x', b: 1, c: 2 });
    expect(issues).toHaveLength(1);
    expect(issuesToDetails(issues)).toEqual([
      { path: 'b', code: 'unrecognized_keys', message: 'is not a known field' },
      { path: 'c', code: 'unrecognized_keys', message: 'is not a known field' },
    ]);
  });

  it('puts an optional prefix before every path, unknown keys included', () => {
    const schema = z.strictObject({ limit: z.number() });
    expect(issuesToDetails(issuesOf(schema, { limit: 'x', extra: 1 }), 'query')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'query.limit', code: 'invalid_type' }),
        { path: 'query.extra', code: 'unrecognized_keys', message: 'is not a known field' },
      ]),
    );
  });

  it('calls an issue with an empty path (body), or the prefix when there is one', () => {
    const issues = issuesOf(z.object({}), 'not an object');
    expect(issuesToDetails(issues)).toEqual([
      expect.objectContaining({ path: '(body)', code: 'invalid_type' }),
    ]);
    expect(issuesToDetails(issues, 'query')).toEqual([
      expect.objectContaining({ path: 'query', code: 'invalid_type' }),
    ]);
  });

  it('keeps zod’s message for ordinary issues', () => {
    const issues = issuesOf(z.object({ n: z.number().min(5, 'must be at least 5') }), { n: 1 });
    expect(issuesToDetails(issues)).toEqual([
      { path: 'n', code: 'too_small', message: 'must be at least 5', params: { minimum: 5, unit: '' } },
    ]);
  });

  it('returns nothing for no issues', () => {
    expect(issuesToDetails([])).toEqual([]);
  });
});

describe('errorResult: details stay readable', () => {
  const bodyOf = (result: { body?: string }) =>
    JSON.parse(result.body ?? '') as {
      error: { message: string; details?: { path: string; message: string }[] };
    };

  it(`lists at most ${MAX_ERROR_DETAILS} details and says how many more there are`, () => {
    const details = Array.from({ length: 120_000 }, (_, i) => detail(`f${i}`, 'unrecognized_keys'));
    const result = errorResult(new ValidationError('Invalid request body', details));
    expect(result.statusCode).toBe(400);
    const body = bodyOf(result);
    expect(body.error.details).toHaveLength(MAX_ERROR_DETAILS);
    expect(body.error.details?.[0]).toEqual({
      path: 'f0',
      code: 'unrecognized_keys',
      message: 'is not a known field',
    });
    expect(body.error.message).toBe(`Invalid request body (119900 more problems not listed)`);
    expect((result.body ?? '').length).toBeLessThan(10_000);
  });

  it('cuts an overlong path or message short', () => {
    const result = errorResult(
      new ValidationError('Bad', [
        { path: 'p'.repeat(50_000), code: 'invalid_input', message: 'm'.repeat(50_000) },
      ]),
    );
    const [detail] = bodyOf(result).error.details ?? [];
    expect(detail?.path.length).toBeLessThanOrEqual(201);
    expect(detail?.message.length).toBeLessThanOrEqual(501);
    expect(detail?.message.endsWith('…')).toBe(true);
  });

  it('answers a body of 60,000 unknown fields with a short 400', () => {
    const fields = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`x${i}`, 1]));
    const result = errorResult(failure(bodyRoute, json({ ...validBody, ...fields })));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error.details).toHaveLength(MAX_ERROR_DETAILS);
    expect((result.body ?? '').length).toBeLessThan(10_000);
  });
});
