import { z } from 'zod';
import {
  AudienceId,
  AudienceInput,
  AudienceView,
  ImportResult,
  MAX_IMPORT_ROWS,
  SubscribersInput,
} from '../../core/audience.js';
import { defineRoute } from '../../http/route.js';
import { ErrorBody, ListQuery, commonErrors, page } from '../../http/schemas.js';

const audienceParams = z.strictObject({ audienceId: AudienceId });

export const audienceRoutes = {
  createAudience: defineRoute({
    id: 'createAudience',
    method: 'POST',
    path: '/v1/audiences',
    entry: 'functions/api/audiences/create.ts',
    summary: 'Create an empty audience',
    tag: 'Audiences',
    auth: 'edit',
    table: 'write',
    idempotent: true,
    body: AudienceInput,
    responses: { 201: { description: 'Created', schema: AudienceView }, ...commonErrors },
  }),
  listAudiences: defineRoute({
    id: 'listAudiences',
    method: 'GET',
    path: '/v1/audiences',
    entry: 'functions/api/audiences/list.ts',
    summary: 'List audiences, newest first',
    tag: 'Audiences',
    auth: 'read',
    table: 'read',
    query: ListQuery,
    responses: { 200: { description: 'A page of audiences', schema: page(AudienceView) }, ...commonErrors },
  }),
  getAudience: defineRoute({
    id: 'getAudience',
    method: 'GET',
    path: '/v1/audiences/{audienceId}',
    entry: 'functions/api/audiences/get.ts',
    summary: 'Read an audience: its size and members per carrier and province',
    tag: 'Audiences',
    auth: 'read',
    table: 'read',
    params: audienceParams,
    responses: {
      200: { description: 'The audience', schema: AudienceView },
      404: { description: 'Unknown', schema: ErrorBody },
      ...commonErrors,
    },
  }),
  importSubscribers: defineRoute({
    id: 'importSubscribers',
    method: 'POST',
    path: '/v1/audiences/{audienceId}/subscribers',
    entry: 'functions/api/audiences/import-subscribers.ts',
    summary: `Add up to ${MAX_IMPORT_ROWS} subscribers from JSON or CSV (header phone,province,district,tags)`,
    tag: 'Audiences',
    auth: 'edit',
    table: 'write',
    idempotent: true,
    params: audienceParams,
    body: SubscribersInput,
    bodyTypes: ['application/json', 'text/csv'],
    maxBodyBytes: 10 * 1024 * 1024,
    lambda: { memoryMb: 1769, timeoutSeconds: 29 },
    responses: {
      200: { description: 'What was accepted, found twice and rejected (row by row)', schema: ImportResult },
      404: { description: 'Unknown audience', schema: ErrorBody },
      409: { description: 'Another import into this audience is running', schema: ErrorBody },
      413: { description: 'Body over 10 MiB', schema: ErrorBody },
      415: { description: 'Neither JSON nor CSV', schema: ErrorBody },
      ...commonErrors,
    },
  }),
};
