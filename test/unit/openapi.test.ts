import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allRoutes } from '#api/routes.js';
import { openApiDocument } from '#http/openapi.js';
import { defineRoute, type RouteDef } from '#http/route.js';
import { ErrorBody, ListQuery } from '#http/schemas.js';
import { DETAIL_CODES } from '#core/messages.js';

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
}
interface Operation {
  operationId: string;
  security?: unknown[];
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  description?: string;
}

type Document = ReturnType<typeof openApiDocument>;

const operationOf = (doc: Document, route: RouteDef): Operation | undefined =>
  doc.paths[route.path]?.[route.method.toLowerCase()] as Operation | undefined;

/** Every `$ref` anywhere in a JSON value, with where it was found. */
const refsIn = (value: unknown, at = '#'): { at: string; ref: string }[] => {
  if (Array.isArray(value)) return value.flatMap((item, i) => refsIn(item, `${at}/${i}`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [{ at, ref: child }] : refsIn(child, `${at}/${key}`),
  );
};

const pathParamsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

const isPublic = (route: RouteDef) => route.auth === 'public' || route.auth === 'signature';

describe('openApiDocument(allRoutes)', () => {
  const doc = openApiDocument(allRoutes);

  it('is an OpenAPI 3.1 document with bearer JWT security by default', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('documents every operation once, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(allRoutes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has unique operation ids', () => {
    const ids = allRoutes.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(allRoutes.map((route) => [route.id, route] as const))(
    '%s appears under its path and method with its operationId and responses',
    (id, route) => {
      const operation = operationOf(doc, route);
      expect(operation?.operationId).toBe(id);
      expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(
        Object.keys(route.responses).map(String).sort(),
      );
    },
  );

  it.each(allRoutes.filter((r) => pathParamsOf(r.path).length).map((r) => [r.id, r] as const))(
    '%s documents each path parameter as required',
    (_id, route) => {
      const inPath = operationOf(doc, route)?.parameters.filter((p) => p.in === 'path') ?? [];
      expect(inPath.map((p) => p.name).sort()).toEqual(pathParamsOf(route.path).sort());
      for (const parameter of inPath) expect(parameter.required).toBe(true);
    },
  );

  it.each(allRoutes.filter((r) => r.query).map((r) => [r.id, r] as const))(
    '%s documents each query parameter, optional unless the schema requires it',
    (_id, route) => {
      const inQuery = operationOf(doc, route)?.parameters.filter((p) => p.in === 'query') ?? [];
      const shape = (route.query as z.ZodObject).shape;
      expect(inQuery.map((p) => p.name).sort()).toEqual(Object.keys(shape).sort());
      for (const parameter of inQuery) {
        const optional = (shape[parameter.name] as z.ZodType).safeParse(undefined).success;
        expect(parameter.required, parameter.name).toBe(!optional);
      }
    },
  );

  it.each(allRoutes.filter((r) => r.body).map((r) => [r.id, r] as const))(
    '%s documents a required request body for each accepted media type',
    (_id, route) => {
      const body = operationOf(doc, route)?.requestBody;
      expect(body?.required).toBe(true);
      expect(Object.keys(body?.content ?? {}).sort()).toEqual(
        [...(route.bodyTypes ?? ['application/json'])].sort(),
      );
    },
  );

  it('resolves every $ref to a key in components.schemas', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const { at, ref } of refs) {
      expect(ref, at).toMatch(/^#\/components\/schemas\/[^/]+$/);
      expect(doc.components.schemas, `${ref} at ${at}`).toHaveProperty([
        ref.replace('#/components/schemas/', ''),
      ]);
    }
  });

  it('keeps the error body as the shared Error component', () => {
    expect(doc.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { required: ['code', 'message'] } },
    });
  });

  it('lists every detail code of the message catalogue in the Error component (issue #12)', () => {
    const error = doc.components.schemas.Error as {
      properties: { error: { properties: { details: { items: Record<string, unknown> } } } };
    };
    const item = error.properties.error.properties.details.items as {
      required: string[];
      properties: { code: { enum: string[] } };
    };
    expect(item.required).toEqual(['path', 'code', 'message']);
    expect(item.properties.code.enum).toEqual(DETAIL_CODES);
    expect(item.properties.code.enum).toEqual(
      expect.arrayContaining(['landline', 'too_short', 'past_send_at', 'too_small', 'unrecognized_keys']),
    );
  });

  it('documents the campaign filters, with the suggested group tags as examples, and the estimate by province', () => {
    const filters = doc.components.schemas['CampaignFilters.input'] as {
      properties: Record<string, { description: string; example?: unknown }>;
    };
    expect(Object.keys(filters.properties)).toEqual(['provinces', 'communes', 'tags']);
    for (const tag of [
      'vung-bien',
      'vung-sau-vung-xa',
      'dan-toc-thieu-so',
      'hoc-sinh-sinh-vien',
      'lao-dong-di-nuoc-ngoai',
    ])
      expect(filters.properties.tags?.description).toContain(`\`${tag}\``);
    expect(filters.properties.tags?.example).toEqual({
      any: ['vung-bien', 'vung-sau-vung-xa'],
      none: ['lao-dong-di-nuoc-ngoai'],
    });
    expect(filters.properties.provinces?.description).toMatch(/two-digit code/);
    const estimate = doc.components.schemas.CampaignEstimate as {
      properties: Record<string, { description?: string }>;
    };
    expect(estimate.properties.byProvince?.description).toMatch(/current canonical names/);
  });

  it('gives each rejected import row a code from the catalogue', () => {
    const row = doc.components.schemas.ImportResult as {
      properties: { rejected: { items: { required: string[]; properties: { code: { enum: string[] } } } } };
    };
    expect(row.properties.rejected.items.required).toEqual(['row', 'phone', 'code', 'reason']);
    expect(row.properties.rejected.items.properties.code.enum).toEqual(DETAIL_CODES);
  });

  it.each(allRoutes.map((route) => [route.id, route] as const))(
    '%s documents the optional Accept-Language header that selects Vietnamese',
    (_id, route) => {
      expect(operationOf(doc, route)?.parameters).toContainEqual(
        expect.objectContaining({ name: 'Accept-Language', in: 'header', required: false }),
      );
    },
  );

  it('says in its description that Accept-Language: vi answers in Vietnamese', () => {
    expect(doc.info.description).toMatch(/Accept-Language: vi/);
  });

  it('rejects unknown fields in documented request bodies, as the API does', () => {
    const operation = operationOf(doc, allRoutes.find((r) => r.id === 'putPartner') as RouteDef);
    const ref = operation?.requestBody?.content['application/json']?.schema.$ref;
    const schema = doc.components.schemas[String(ref).replace('#/components/schemas/', '')];
    expect(schema).toMatchObject({ additionalProperties: false });
  });

  it.each(allRoutes.map((r) => [r.id, r.auth, r] as const))(
    '%s (%s) says whether it needs a token',
    (_id, _auth, route) => {
      const operation = operationOf(doc, route);
      if (isPublic(route)) expect(operation?.security).toEqual([]);
      else expect(operation).not.toHaveProperty('security');
    },
  );

  it('survives a JSON round trip unchanged (what GET /v1/openapi.json serves)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('openApiDocument for route features not yet in allRoutes', () => {
  const Thing = z.strictObject({ name: z.string(), size: z.int().default(1) }).meta({ id: 'Thing' });
  const base = {
    entry: 'not-loaded.ts',
    summary: 'test',
    tag: 'Test',
    table: 'none',
  } as const;
  const create = defineRoute({
    ...base,
    id: 'createThing',
    method: 'POST',
    path: '/v1/groups/{groupId}/things',
    auth: 'edit',
    params: z.strictObject({ groupId: z.string() }),
    query: ListQuery,
    body: Thing,
    bodyTypes: ['application/json', 'text/csv'],
    idempotent: true,
    responses: {
      201: { description: 'Created', schema: Thing },
      400: { description: 'Bad', schema: ErrorBody },
    },
  });
  const webhook = defineRoute({
    ...base,
    id: 'thingWebhook',
    method: 'POST',
    path: '/v1/webhooks/{partnerId}/things',
    auth: 'signature',
    params: z.strictObject({ partnerId: z.string() }),
    responses: { 200: { description: 'Processed' } },
  });
  const calendar = defineRoute({
    ...base,
    id: 'thingCalendar',
    method: 'GET',
    path: '/v1/things/{year}',
    auth: 'read',
    params: z.strictObject({ year: z.string().optional() }),
    query: z.strictObject({ province: z.string(), limit: z.coerce.number().optional() }),
    responses: { 200: { description: 'The calendar' } },
  });
  const doc = openApiDocument([create, webhook, calendar]);
  const createOp = operationOf(doc, create);

  it('documents the optional Idempotency-Key header on idempotent routes only', () => {
    expect(createOp?.parameters).toContainEqual({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', maxLength: 128 },
    });
    expect(operationOf(doc, webhook)?.parameters.some((p) => p.name === 'Idempotency-Key')).toBe(false);
  });

  it('keeps a schema used as input and as output apart (defaults make fields optional only in input)', () => {
    const input = createOp?.requestBody?.content['application/json']?.schema;
    expect(input).toEqual({ $ref: '#/components/schemas/Thing.input' });
    expect(createOp?.responses['201']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Thing',
    });
    expect(doc.components.schemas['Thing.input']).toMatchObject({ required: ['name'] });
    expect(doc.components.schemas.Thing).toMatchObject({ required: ['name', 'size'] });
  });

  it('marks a query parameter required exactly when its schema requires it', () => {
    const query = operationOf(doc, calendar)?.parameters.filter((p) => p.in === 'query');
    expect(query?.map(({ name, required }) => ({ name, required }))).toEqual([
      { name: 'province', required: true },
      { name: 'limit', required: false },
    ]);
  });

  it('marks a path parameter required even when its schema would allow it to be missing', () => {
    expect(operationOf(doc, calendar)?.parameters.find((p) => p.in === 'path')).toMatchObject({
      name: 'year',
      required: true,
    });
  });

  it('documents a non-JSON body type as a string', () => {
    expect(createOp?.requestBody?.content['text/csv']).toEqual({ schema: { type: 'string' } });
  });

  it('marks a signature route as needing no token and says how it is authenticated', () => {
    const operation = operationOf(doc, webhook);
    expect(operation?.security).toEqual([]);
    expect(operation?.description).toMatch(/signature/i);
    expect(createOp).not.toHaveProperty('security');
  });

  it('includes the Error component even when no route references it', () => {
    expect(openApiDocument([webhook]).components.schemas).toHaveProperty('Error');
  });
});
