import { z } from 'zod';
import { PartnerId, PartnerInput, PartnerView, PartnerWithSecret } from '../core/partner.js';
import { defineRoute } from '../http/route.js';
import { ErrorBody, ListQuery, page } from '../http/schemas.js';

const partnerParams = z.strictObject({ partnerId: PartnerId });
const errors = {
  400: { description: 'Invalid input', schema: ErrorBody },
  401: { description: 'Missing or invalid token', schema: ErrorBody },
  403: { description: 'Role not allowed', schema: ErrorBody },
};

export const routes = {
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
  putPartner: defineRoute({
    id: 'putPartner',
    method: 'PUT',
    path: '/v1/partners/{partnerId}',
    entry: 'functions/api/partners/put.ts',
    summary: 'Create or update a telecom partner',
    tag: 'Partners',
    auth: 'admin',
    table: 'write',
    params: partnerParams,
    body: PartnerInput,
    responses: {
      200: { description: 'Updated', schema: PartnerView },
      201: {
        description: 'Created; the only answer besides rotate that shows the secret',
        schema: PartnerWithSecret,
      },
      ...errors,
    },
  }),
  getPartner: defineRoute({
    id: 'getPartner',
    method: 'GET',
    path: '/v1/partners/{partnerId}',
    entry: 'functions/api/partners/get.ts',
    summary: 'Read a partner (never its secret)',
    tag: 'Partners',
    auth: 'admin',
    table: 'read',
    params: partnerParams,
    responses: {
      200: { description: 'The partner', schema: PartnerView },
      404: { description: 'Unknown', schema: ErrorBody },
      ...errors,
    },
  }),
  listPartners: defineRoute({
    id: 'listPartners',
    method: 'GET',
    path: '/v1/partners',
    entry: 'functions/api/partners/list.ts',
    summary: 'List partners',
    tag: 'Partners',
    auth: 'admin',
    table: 'read',
    query: ListQuery,
    responses: { 200: { description: 'A page of partners', schema: page(PartnerView) }, ...errors },
  }),
  rotatePartnerSecret: defineRoute({
    id: 'rotatePartnerSecret',
    method: 'POST',
    path: '/v1/partners/{partnerId}/rotate-secret',
    entry: 'functions/api/partners/rotate-secret.ts',
    summary: 'Issue a new signing secret; the old one stays valid for 24 h',
    tag: 'Partners',
    auth: 'admin',
    table: 'write',
    params: partnerParams,
    responses: {
      200: { description: 'The new secret', schema: z.object({ signingSecret: z.string() }) },
      404: { description: 'Unknown', schema: ErrorBody },
      ...errors,
    },
  }),
};

export type RouteId = keyof typeof routes;
export const allRoutes = Object.values(routes);
