import fc from 'fast-check';
import { z } from 'zod';
import type { RouteDef } from '#http/route.js';
import { openApiDocument } from '#http/openapi.js';
import { DEFAULT_MAX_BODY_BYTES } from '#http/request.js';

/**
 * The endpoint fuzzer's generators (issue #17): requests for every route, built from the JSON Schema the
 * OpenAPI document derives from the routes' zod schemas, so the fuzzer sends what the document promises
 * (valid), one step off it (almost valid) and what an attacker would send (hostile).
 */

/** The part of JSON Schema zod 4 writes for our input schemas. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  example?: unknown;
}

export type Kind = 'valid' | 'almost' | 'hostile' | 'edge';

/** Values the fuzzer knows exist (a partner, an audience, a campaign), by property or parameter name. */
export type Hints = Record<string, fc.Arbitrary<string>>;

/** A JSON number written as it is (`1e309`, `-0`): JSON.stringify cannot say these. */
const RAW = '\u0000raw:';
const raw = (text: string) => `${RAW}${text}`;
const serialize = (value: unknown): string =>
  JSON.stringify(value).replace(/"\\u0000raw:([^"]*)"/g, (_match, text: string) => text);

const MAX_QUERY_VALUE = 300;

/** Strings that break naive code: encodings, control characters, injections, paths, number look-alikes. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF\uDFFF',
  '\u202Eevil\u202C',
  '\u200F\u200E\u061C',
  'e\u0301\u0302\u0303'.repeat(50),
  'Z̴̡̛̖͓̘̖̭̫̳̹̭͔̣̖̬̟͌̈́̂̃̊͆̍̌̎͒̇̊͘a̷',
  '\uFEFF',
  '👩‍👩‍👧‍👦'.repeat(20),
  '𝕏'.repeat(3_000),
  'Ệ'.repeat(70_000),
  'a'.repeat(200_000),
  '../../../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x10',
  'null',
  'undefined',
  'true',
  '\r\nSet-Cookie: x=1',
  'javascript:alert(1)',
  'http://169.254.169.254/latest/meta-data',
  'file:///etc/passwd',
];

/** Hostile non-strings; `raw` ones are written into the JSON as they are. */
const HOSTILE_NUMBERS = [
  raw('1e309'),
  raw('-1e309'),
  raw('-0'),
  raw('1e-400'),
  1.14e-230,
  Number.MIN_VALUE,
  raw('123456789012345678901234567890'),
  raw('0.1e1'),
  Number.MAX_SAFE_INTEGER + 2,
  -1,
  0,
  2 ** 31,
  1.5,
];

const deepArray = (depth: number): unknown => {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const deepObject = (depth: number): unknown => {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(deepArray(2_000), deepObject(2_000), deepArray(20), deepObject(20)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      JSON.parse('{"__proto__":{"isAdmin":true}}') as unknown,
      { constructor: { prototype: { isAdmin: true } } },
      { toString: 'x', valueOf: 1, hasOwnProperty: null },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

/** Turns JSON Schemas (with `$ref`s into `components`) into fast-check arbitraries. */
export class SchemaArbitraries {
  constructor(
    private readonly components: Record<string, JsonSchema>,
    private readonly hints: Hints = {},
  ) {}

  private deref(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; current.$ref && hops < 20; hops++) {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = this.components[name] ?? {};
    }
    return current;
  }

  /** A value the schema accepts (as far as JSON Schema can say: refinements may still refuse it). */
  valid(input: JsonSchema, name = '', depth = 0): fc.Arbitrary<unknown> {
    const schema = this.deref(input);
    const variants = schema.anyOf ?? schema.oneOf;
    if (variants) return fc.oneof(...variants.map((variant) => this.valid(variant, name, depth)));
    if (schema.allOf?.[0]) return this.valid(schema.allOf[0], name, depth);
    if ('const' in schema) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const own = this.base(schema, name, depth);
    const hint = this.hints[name];
    const example = schema.example === undefined ? [] : [fc.constant(schema.example)];
    return hint || example.length
      ? fc.oneof(...(hint ? [{ weight: 3, arbitrary: hint }] : []), ...example, own)
      : own;
  }

  private base(schema: JsonSchema, name: string, depth: number): fc.Arbitrary<unknown> {
    switch (schema.type) {
      case 'string':
        return this.validString(schema);
      case 'integer':
        return fc.integer({
          min: Math.ceil(schema.minimum ?? schema.exclusiveMinimum ?? -1_000_000),
          max: Math.floor(schema.maximum ?? schema.exclusiveMaximum ?? 1_000_000),
        });
      case 'number':
        if (schema.multipleOf) {
          const step = schema.multipleOf;
          const decimals = Math.max(0, Math.ceil(-Math.log10(step)));
          return fc
            .integer({
              min: Math.ceil((schema.minimum ?? 0) / step),
              max: Math.floor((schema.maximum ?? 1e6) / step),
            })
            .map((n) => Number((n * step).toFixed(decimals)));
        }
        return fc.double({
          min: schema.minimum ?? -1_000_000,
          max: schema.maximum ?? 1_000_000,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const minLength = schema.minItems ?? 0;
        const maxLength = Math.min(schema.maxItems ?? minLength + 5, minLength + 5);
        const items = schema.items ?? {};
        return depth > 6
          ? fc.constant([])
          : fc.array(this.valid(items, singular(name), depth + 1), { minLength, maxLength });
      }
      case 'object': {
        const properties = schema.properties ?? {};
        if (depth > 6) return fc.constant({});
        return fc.record(
          Object.fromEntries(
            Object.entries(properties).map(([key, property]) => [key, this.valid(property, key, depth + 1)]),
          ),
          { requiredKeys: (schema.required ?? []).filter((key) => key in properties) },
        );
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private validString(schema: JsonSchema): fc.Arbitrary<string> {
    if (schema.format === 'date-time') {
      const now = Date.UTC(2030, 0, 1);
      return fc.integer({ min: now, max: now + 365 * 86_400_000 }).map((ms) => new Date(ms).toISOString());
    }
    if (schema.format === 'uri') return fc.webUrl();
    if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
    const minLength = schema.minLength ?? 0;
    const maxLength = Math.min(schema.maxLength ?? minLength + 30, minLength + 30);
    return fc.string({ unit: 'grapheme', minLength, maxLength });
  }

  /** A value one step off the schema: wrong type, too long or short, out of range, missing, extra, off-enum. */
  almost(input: JsonSchema, name = '', depth = 0): fc.Arbitrary<unknown> {
    const schema = this.deref(input);
    const variants = schema.anyOf ?? schema.oneOf;
    if (variants?.[0]) return this.almost(variants[0], name, depth);
    const wrongType = fc.constantFrom<unknown>(42, 'text', true, null, [], {}, [1, 'a']);
    const options: fc.Arbitrary<unknown>[] = [wrongType];
    if (schema.enum || 'const' in schema) options.push(fc.constantFrom('not-a-member', 'DRAFT', ''));
    switch (schema.type) {
      case 'string': {
        if (schema.maxLength !== undefined && schema.maxLength < 500_000)
          options.push(fc.constant('y'.repeat(schema.maxLength + 1)));
        if (schema.minLength) options.push(fc.constant('y'.repeat(schema.minLength - 1)));
        if (schema.pattern || schema.format)
          options.push(fc.string({ maxLength: 20 }), fc.constantFrom('2027-13-45T99:00:00Z', 'not a url'));
        break;
      }
      case 'integer':
      case 'number': {
        if (schema.maximum !== undefined) options.push(fc.constant(schema.maximum + 1));
        if (schema.minimum !== undefined) options.push(fc.constant(schema.minimum - 1));
        options.push(fc.constantFrom<unknown>(1.5, '12', 'NaN', raw('1e309'), raw('-0')));
        // In the schema's range but not what it allows or the store keeps: half a step, and magnitudes
        // DynamoDB refuses (below 1e-130; 1.14e-230 was a 500 the fuzzer found with another seed).
        if (schema.multipleOf) options.push(fc.constant(schema.multipleOf / 2));
        if ((schema.minimum ?? -Infinity) <= 0 && (schema.maximum ?? Infinity) > 0)
          options.push(fc.constantFrom(1.14e-230, Number.MIN_VALUE));
        break;
      }
      case 'array': {
        const items = schema.items ?? {};
        if (schema.maxItems !== undefined && schema.maxItems <= 1_000)
          options.push(
            fc.array(this.valid(items, singular(name), depth + 1), {
              minLength: schema.maxItems + 1,
              maxLength: schema.maxItems + 1,
            }),
          );
        if (schema.minItems) options.push(fc.constant([]));
        if (depth <= 6)
          options.push(
            fc
              .tuple(
                fc.array(this.valid(items, singular(name), depth + 1), { minLength: 0, maxLength: 3 }),
                this.almost(items, singular(name), depth + 1),
              )
              .map(([good, bad]) => [...good, bad]),
          );
        break;
      }
      case 'object': {
        if (depth > 6) break;
        const valid = this.valid(schema, name, depth) as fc.Arbitrary<Record<string, unknown>>;
        options.push(valid.map((value) => ({ ...value, unexpectedField: 'x' })));
        for (const key of schema.required ?? []) {
          options.push(valid.map(({ [key]: _dropped, ...rest }) => rest));
        }
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
          options.push(
            fc
              .tuple(valid, this.almost(property, key, depth + 1))
              .map(([value, bad]) => ({ ...value, [key]: bad })),
          );
        }
        break;
      }
    }
    return fc.oneof(...options);
  }

  /** A valid value with one field (or the whole value) replaced by something hostile. */
  hostile(input: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    const schema = this.deref(input);
    if (schema.type !== 'object' || depth > 4) return hostileValue;
    const valid = this.valid(schema, '', depth) as fc.Arbitrary<Record<string, unknown>>;
    return fc.oneof(
      hostileValue,
      ...Object.entries(schema.properties ?? {}).map(([key, property]) =>
        fc.tuple(valid, this.hostile(property, depth + 1)).map(([value, bad]) => ({ ...value, [key]: bad })),
      ),
      // An own `__proto__` key, as JSON.parse makes one: JSON.stringify writes it like any other.
      valid.map((value) =>
        Object.defineProperty({ ...value }, '__proto__', { value: { polluted: true }, enumerable: true }),
      ),
    );
  }

  /**
   * The value with one field at one of its edges and the rest valid, an arbitrary for each: the longest
   * string allowed (in one-, three- and four-byte characters), a list at its most items, the smallest and
   * largest number, half a step, and magnitudes DynamoDB cannot store. Each is sent, not sampled among
   * others: a boundary is where a 5xx hides, and a random pick reaches one field's edge too seldom.
   */
  edges(input: JsonSchema, name = '', depth = 0): fc.Arbitrary<unknown>[] {
    const schema = this.deref(input);
    const variants = schema.anyOf ?? schema.oneOf;
    if (variants) return variants.flatMap((variant) => this.edges(variant, name, depth));
    if ('const' in schema || schema.enum) return [];
    switch (schema.type) {
      case 'string':
        return stringEdges(schema).map((value) => fc.constant(value));
      case 'integer':
      case 'number':
        return numberEdges(schema).map((value) => fc.constant(value));
      case 'array': {
        if (depth > 4) return [];
        const items = schema.items ?? {};
        const list = this.valid(schema, name, depth) as fc.Arbitrary<unknown[]>;
        const longest =
          schema.maxItems !== undefined && schema.maxItems <= 1_000
            ? [
                fc.array(this.valid(items, singular(name), depth + 1), {
                  minLength: schema.maxItems,
                  maxLength: schema.maxItems,
                }),
              ]
            : [];
        return [
          ...longest,
          ...this.edges(items, singular(name), depth + 1).map((edge) =>
            fc.tuple(list, edge).map(([values, bad]) => [bad, ...values.slice(1)]),
          ),
        ];
      }
      case 'object': {
        if (depth > 4) return [];
        const valid = this.valid(schema, name, depth) as fc.Arbitrary<Record<string, unknown>>;
        return Object.entries(schema.properties ?? {}).flatMap(([key, property]) =>
          this.edges(property, key, depth + 1).map((edge) =>
            fc.tuple(valid, edge).map(([value, bad]) => ({ ...value, [key]: bad })),
          ),
        );
      }
      default:
        return [];
    }
  }

  /** One of the three, weighted: mostly valid and almost valid, which reach deepest. */
  any(schema: JsonSchema, name = ''): fc.Arbitrary<{ kind: Kind; value: unknown }> {
    return fc.oneof(
      { weight: 3, arbitrary: this.valid(schema, name).map((value) => ({ kind: 'valid' as const, value })) },
      {
        weight: 3,
        arbitrary: this.almost(schema, name).map((value) => ({ kind: 'almost' as const, value })),
      },
      { weight: 2, arbitrary: this.hostile(schema).map((value) => ({ kind: 'hostile' as const, value })) },
    );
  }
}

/** A string at its longest, when nothing but its length constrains it. */
const stringEdges = (schema: JsonSchema): string[] => {
  const longest = schema.maxLength;
  if (schema.pattern || schema.format || longest === undefined || longest > 200_000) return [];
  // zod counts UTF-16 code units: 'ệ' is one (three bytes in UTF-8), '😀' two (four bytes).
  return ['y'.repeat(longest), 'ệ'.repeat(longest), '😀'.repeat(Math.floor(longest / 2))];
};

/** A number's bounds, half its step, and in its range magnitudes DynamoDB refuses (below 1e-130). */
const numberEdges = (schema: JsonSchema): number[] => {
  const bounds = [schema.minimum, schema.maximum].filter((bound) => bound !== undefined);
  if (schema.type === 'integer') return bounds;
  const coversZero = (schema.minimum ?? -Infinity) <= 0 && (schema.maximum ?? Infinity) > 0;
  return [
    ...bounds,
    ...(schema.multipleOf ? [schema.multipleOf / 2] : []),
    ...(coversZero ? [1.14e-230, Number.MIN_VALUE] : []),
  ];
};

/** `audienceIds` → `audienceId`, so a hint for ids fills the items of a list of them. */
const singular = (name: string) => name.replace(/s$/, '');

/** One HTTP request the fuzzer sends. */
export interface FuzzRequest {
  routeId: string;
  /** What the body is (path and query vary on their own). */
  kind: Kind;
  method: string;
  /** Path with its query string, as sent. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Sign the body as the known partner would (webhooks; only useful when the path names that partner). */
  sign: boolean;
}

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/jsonp',
  '',
  'text/csv',
  '*/*',
];

const MALFORMED_JSON = [
  '{',
  '{"a":',
  "{'a':1}",
  '{"a":1,}',
  '[1,2',
  'undefined',
  'NaN',
  '\uFEFF{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":1}{"b":2}',
  '"just a string"',
  'null',
  '0',
  '[]',
  '{"__proto__":null}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":' + '['.repeat(100_000),
];

const HOSTILE_SEGMENTS = [
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '%00',
  'a%00b',
  '%',
  '%E0%A4%A',
  '%uD800',
  '%ED%A0%80',
  encodeURIComponent('\u202Eabc'),
  encodeURIComponent('e\u0301'.repeat(100)),
  'x'.repeat(4_000),
  encodeURIComponent('Ệ'.repeat(600)),
  '__proto__',
  'constructor',
  '%20',
  '01ARZ3NDEKTSV4RRFFQ69G5FA%56',
];

/** Percent-encoding that also writes a lone surrogate, as its (invalid) three UTF-8 bytes. */
const encode = (value: string): string =>
  value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (unit) => {
    const code = unit.charCodeAt(0);
    if (unit.length === 2 || code < 0xd800 || code > 0xdfff) return encodeURIComponent(unit);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
      .map((byte) => `%${byte.toString(16).toUpperCase()}`)
      .join('');
  });

const queryString = (pairs: [string, string][]) =>
  pairs.length ? `?${pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&')}` : '';

const asQueryValue = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'object' ? serialize(value) : String(value);

/** Bodies just over each limit: prebuilt once, they are the same every time. */
const overLimit = new Map<number, string>();
const bodyOver = (limit: number) => {
  let body = overLimit.get(limit);
  if (!body) {
    body = `{"text":"${'a'.repeat(limit)}"}`;
    overLimit.set(limit, body);
  }
  return body;
};

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/** What the OpenAPI document says a route takes, with the arbitraries to fill it. */
const inputsOf = (route: RouteDef, hints: Hints) => {
  const document = openApiDocument([route]);
  const components = document.components.schemas as Record<string, JsonSchema>;
  const operation = (document.paths[route.path] as Record<string, Operation>)[route.method.toLowerCase()];
  const parameters = operation?.parameters ?? [];
  return {
    schemas: new SchemaArbitraries(components, hints),
    pathParams: parameters.filter((p) => p.in === 'path'),
    queryParams: parameters.filter((p) => p.in === 'query'),
    bodySchema: operation?.requestBody?.content['application/json']?.schema,
  };
};

/**
 * One request for each edge of each body field and query parameter of a route (`SchemaArbitraries.edges`),
 * everything else valid.
 */
export const edgeRequestsFor = (route: RouteDef, hints: Hints): fc.Arbitrary<FuzzRequest>[] => {
  const { schemas, pathParams, queryParams, bodySchema } = inputsOf(route, hints);
  const path = fc
    .record(
      Object.fromEntries(
        pathParams.map((p) => [p.name, schemas.valid(p.schema, p.name).map((v) => encode(asQueryValue(v)))]),
      ),
    )
    .map((values) => route.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? ''));
  const validBody = bodySchema
    ? schemas.valid(bodySchema).map((value): string | undefined => serialize(value))
    : fc.constant<string | undefined>(undefined);
  const request = (query: [string, string][], body: string | undefined, pathValue: string): FuzzRequest => ({
    routeId: route.id,
    kind: 'edge',
    method: route.method,
    path: `${pathValue}${queryString(query)}`,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
    sign: route.auth === 'signature',
  });
  const bodyEdges = bodySchema
    ? schemas
        .edges(bodySchema)
        .map((edge) => fc.tuple(path, edge).map(([at, value]) => request([], serialize(value), at)))
    : [];
  const queryEdges = queryParams.flatMap((p) =>
    schemas
      .edges(p.schema, p.name)
      .map((edge) =>
        fc
          .tuple(path, edge, validBody)
          .map(([at, value, body]) =>
            request([[p.name, asQueryValue(value).slice(0, MAX_QUERY_VALUE)]], body, at),
          ),
      ),
  );
  return [...bodyEdges, ...queryEdges];
};

/**
 * Requests for one route: path parameters, query, headers and body each valid, almost valid or hostile,
 * plus wrong content types, malformed JSON, bodies over the limit and repeated query keys.
 */
export const requestsFor = (route: RouteDef, hints: Hints): fc.Arbitrary<FuzzRequest> => {
  const { schemas, pathParams, queryParams, bodySchema } = inputsOf(route, hints);
  const limit = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const segment = (name: string, schema: JsonSchema) =>
    fc.oneof(
      { weight: 6, arbitrary: schemas.valid(schema, name).map((v) => encode(asQueryValue(v))) },
      { weight: 2, arbitrary: schemas.almost(schema, name).map((v) => encode(asQueryValue(v))) },
      { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    );
  const path = fc
    .record(Object.fromEntries(pathParams.map((p) => [p.name, segment(p.name, p.schema)])))
    .map((values) => route.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? ''));

  // Short enough that the request line stays under the gateway's limit (API Gateway: 10 KB of request
  // line and headers; Node: 16 KB): a longer one never reaches a handler.
  const queryValue = (name: string, schema: JsonSchema) =>
    schemas.any(schema, name).map(({ value }) => asQueryValue(value).slice(0, MAX_QUERY_VALUE));
  const query: fc.Arbitrary<[string, string][]> = fc
    .tuple(
      fc
        .subarray(queryParams)
        .chain((chosen) =>
          fc.tuple(
            ...chosen.map((p) => queryValue(p.name, p.schema).map((v): [string, string] => [p.name, v])),
          ),
        ),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant<[string, string][]>([]) },
        // Repeated keys (API Gateway joins them with commas; the local server keeps the last).
        {
          weight: 1,
          arbitrary: queryParams.length
            ? fc.constantFrom(...queryParams).chain((p) =>
                fc.array(
                  queryValue(p.name, p.schema).map((v): [string, string] => [p.name, v]),
                  { minLength: 2, maxLength: 4 },
                ),
              )
            : fc.constant<[string, string][]>([
                ['limit', '1'],
                ['limit', '2'],
              ]),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.constantFrom('unknown', '__proto__', 'constructor', 'limit[]', ''),
              fc.constantFrom(...HOSTILE_STRINGS).map((value) => value.slice(0, MAX_QUERY_VALUE)),
            )
            .map((pair): [string, string][] => [pair]),
        },
      ),
    )
    .map(([declared, extra]) => [...declared, ...extra]);

  const jsonBody = bodySchema
    ? schemas
        .any(bodySchema)
        .map(({ kind, value }) => ({ kind, body: serialize(value) as string | undefined }))
    : fc.constant({ kind: 'valid' as Kind, body: undefined as string | undefined });
  const body = fc.oneof(
    { weight: 60, arbitrary: jsonBody },
    {
      weight: 10,
      arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text) => ({ kind: 'hostile' as Kind, body: text })),
    },
    {
      weight: 5,
      arbitrary: fc
        .constantFrom('phone\n+84981234567\n', 'a,b\n"unterminated', '\u0000\u0001PK\u0003\u0004')
        .map((text) => ({ kind: 'hostile' as Kind, body: text as string | undefined })),
    },
    // Few: each is over a MiB.
    {
      weight: 1,
      arbitrary: fc.constant({ kind: 'hostile' as Kind, body: bodyOver(limit) as string | undefined }),
    },
  );

  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constantFrom(...WRONG_CONTENT_TYPES) },
  );
  const extraHeaders = fc.record(
    {
      'accept-language': fc.constantFrom('vi', 'vi-VN;q=0.9, en;q=0.1', 'xx', '*', '', 'vi;q=abc'),
      'idempotency-key': fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_.:-]{1,128}$/),
        fc.constantFrom('', ' ', 'ü', 'k'.repeat(200)),
      ),
    },
    { requiredKeys: [] },
  );

  return fc
    .record({ path, query, body, contentType, extraHeaders })
    .map(({ path, query, body, contentType, extraHeaders }) => {
      return {
        routeId: route.id,
        kind: body.kind,
        method: route.method,
        path: `${path}${queryString(query)}`,
        headers: {
          ...(body.body !== undefined && contentType !== '' ? { 'content-type': contentType } : {}),
          ...extraHeaders,
        },
        ...(body.body !== undefined ? { body: body.body } : {}),
        sign: route.auth === 'signature',
      };
    });
};

/** Contract §1: the error body every 4xx carries, nothing more. */
export const ContractError = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[a-z_]+$/),
    message: z.string().min(1),
    details: z
      .array(
        z.strictObject({
          path: z.string().min(1),
          code: z.string().regex(/^[a-z_]+$/),
          message: z.string().min(1),
        }),
      )
      .min(1)
      .optional(),
  }),
});

/** What an answer must never show: a stack frame, a source path, a module path. */
export const INTERNALS = /\n\s+at\s|\bat\s+\S+\s+\(|\/work\/|node_modules|file:\/\/|\.ts:\d+|\.js:\d+:\d+/;

/**
 * The fuzzer's own hostile strings that look like internals (`file:///etc/passwd`), as JSON writes them: a
 * route may store one and answer it back later (a template's name), which shows nothing of the server.
 */
const ECHOABLE_INTERNALS = HOSTILE_STRINGS.filter((text) => INTERNALS.test(text)).map((text) =>
  JSON.stringify(text).slice(1, -1),
);
export const withoutEchoedInput = (text: string): string =>
  ECHOABLE_INTERNALS.reduce((rest, echoed) => rest.replaceAll(echoed, ''), text);

export interface FuzzAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Why an answer breaks the contract, or undefined. `htmlNotFound`: routes whose 404 is an HTML page. */
export const violationOf = (answer: FuzzAnswer, { htmlNotFound = false } = {}): string | undefined => {
  if (answer.status >= 500) return `${answer.status} (5xx)`;
  if (INTERNALS.test(withoutEchoedInput(answer.text)))
    return 'internals (stack trace or source path) in the body';
  if (answer.status < 400) return undefined;
  if (htmlNotFound && answer.status === 404 && answer.contentType.startsWith('text/html')) return undefined;
  if (!answer.contentType.startsWith('application/json'))
    return `${answer.status} not JSON (${answer.contentType})`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${answer.status} body is not JSON`;
  }
  const checked = ContractError.safeParse(body);
  return checked.success
    ? undefined
    : `${answer.status} not the contract's error shape: ${checked.error.message}`;
};
