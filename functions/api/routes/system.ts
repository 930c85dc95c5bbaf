import * as z from 'zod';
import { defineRoute } from '#http/route.js';

export const systemRoutes = {
  health: defineRoute({
    id: 'health',
    method: 'GET',
    path: '/health',
    entry: 'functions/api/health.ts',
    summary: 'Liveness check',
    tag: 'System',
    auth: 'public',
    table: 'none',
    responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
  }),
  openapi: defineRoute({
    id: 'openapi',
    method: 'GET',
    path: '/v1/openapi.json',
    entry: 'functions/api/openapi.ts',
    summary: 'This OpenAPI 3.1 document',
    tag: 'System',
    auth: 'public',
    table: 'none',
    responses: { 200: { description: 'OpenAPI document' } },
  }),
};
