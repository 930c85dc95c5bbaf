import * as z from 'zod';
import { ErrorBody } from './schemas.js';
import type { RouteDef } from './route.js';

type JsonSchema = Record<string, unknown>;

/** Issue #12: every operation answers its errors in Vietnamese when asked. */
const ACCEPT_LANGUAGE = {
  name: 'Accept-Language',
  in: 'header',
  required: false,
  description:
    '`vi` (or `vi-VN`, q-values respected) for Vietnamese error messages and import reasons; English otherwise',
  schema: { type: 'string', example: 'vi' },
};

/**
 * Builds the OpenAPI 3.1 document from the same zod schemas the handlers validate with (zod 4's own JSON
 * Schema output), so the document cannot drift from what the API accepts.
 */
export const openApiDocument = (routes: readonly RouteDef[]) => {
  const components: Record<string, JsonSchema> = {};

  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const suffix = io === 'input' ? '.input' : '';
    const {
      $schema: _ignored,
      $defs,
      ...json
    } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    const relink = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value), (key, v: unknown) =>
        key === '$ref' && typeof v === 'string'
          ? v.replace(/^#\/\$defs\/(.+)$/, `#/components/schemas/$1${suffix}`)
          : v,
      );
    for (const [id, def] of Object.entries($defs ?? {}))
      components[`${id}${suffix}`] = relink(def) as JsonSchema;
    return relink(json) as JsonSchema;
  };

  const parameters = (route: RouteDef) =>
    (['params', 'query'] as const).flatMap((part) => {
      const schema = route[part];
      if (!schema) return [];
      const json = toSchema(schema, 'input') as {
        properties?: Record<string, JsonSchema>;
        required?: string[];
      };
      return Object.entries(json.properties ?? {}).map(([name, property]) => ({
        name,
        in: part === 'params' ? 'path' : 'query',
        required: part === 'params' || (json.required ?? []).includes(name),
        schema: property,
      }));
    });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'public' || route.auth === 'signature' ? { security: [] } : {}),
      ...(route.auth === 'signature' || route.description
        ? {
            description: [
              route.auth === 'signature' ? 'Authenticated by a Standard Webhooks signature, not a JWT.' : '',
              route.description ?? '',
            ]
              .filter(Boolean)
              .join('\n\n'),
          }
        : {}),
      parameters: [
        ...parameters(route),
        ACCEPT_LANGUAGE,
        ...(route.idempotent
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                schema: { type: 'string', maxLength: 128 },
              },
            ]
          : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                (route.bodyTypes ?? ['application/json']).map((type) => [
                  type,
                  type === 'application/json'
                    ? { schema: toSchema(route.body as z.ZodType, 'input') }
                    : type.startsWith('text/')
                      ? { schema: { type: 'string' } }
                      : { schema: { type: 'string', format: 'binary' } },
                ]),
              ),
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [response.contentType ?? 'application/json']: {
                      schema: toSchema(response.schema, 'output'),
                    },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }

  toSchema(ErrorBody, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'SMS campaigns against human trafficking',
      version: '1.0.0',
      description:
        'Public API and partner webhooks (see contract.md and README.md). Every error detail and every ' +
        'rejected import row carries a stable `code`; its message is in Vietnamese when the request says ' +
        '`Accept-Language: vi` (q-values respected), in English otherwise.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
};
