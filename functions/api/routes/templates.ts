import * as z from 'zod';
import {
  TemplateAuditEntry,
  TemplateId,
  TemplateInput,
  TemplatePatch,
  TemplateVersionNumber,
  TemplateVersionView,
  TemplateView,
} from '#core/content/templates.js';
import { ErrorBody, ListQuery } from '#http/schemas.js';
import { listRoute, notFound, readRoute, userRoute } from './shapes.js';

/** The path parameters of every route under `/v1/templates/{templateId}`. */
const templateParams = z.strictObject({ templateId: TemplateId });
const templateNotFound = notFound('No such template');

export const templateRoutes = {
  createTemplate: userRoute({
    id: 'createTemplate',
    method: 'POST',
    path: '/v1/templates',
    entry: 'functions/api/templates/create.ts',
    summary: 'Create a message template (version 1): a vi text, its language variants, placeholders',
    tag: 'Templates',
    auth: 'author',
    table: 'write',
    idempotent: true,
    body: TemplateInput,
    responses: { 201: { description: 'Created, at version 1', schema: TemplateView } },
  }),
  listTemplates: listRoute({
    id: 'listTemplates',
    path: '/v1/templates',
    entry: 'functions/api/templates/list.ts',
    summary: 'List templates, newest first; archived ones only with ?archived=true',
    tag: 'Templates',
    auth: 'read',
    indexes: ['lists', 'byStatus'],
    query: ListQuery.extend({
      archived: z
        .enum(['true', 'false'])
        .default('false')
        .transform((value) => value === 'true')
        .meta({ description: 'true: include archived templates' }),
    }),
    item: TemplateView,
    responses: {},
    pageDescription: 'A page of templates, each at its current version',
  }),
  getTemplate: readRoute({
    id: 'getTemplate',
    path: '/v1/templates/{templateId}',
    entry: 'functions/api/templates/get.ts',
    summary: 'Read a template at its current version',
    tag: 'Templates',
    auth: 'read',
    params: templateParams,
    responses: { 200: { description: 'The template', schema: TemplateView }, ...templateNotFound },
  }),
  updateTemplate: userRoute({
    id: 'updateTemplate',
    method: 'PATCH',
    path: '/v1/templates/{templateId}',
    entry: 'functions/api/templates/update.ts',
    summary:
      'Edit a template: the next version, with the fields sent and the others kept (a patch that changes nothing makes none). Campaigns made from it keep their copy.',
    tag: 'Templates',
    auth: 'author',
    table: 'write',
    params: templateParams,
    body: TemplatePatch,
    responses: {
      200: { description: 'The template at its new version', schema: TemplateView },
      ...templateNotFound,
      409: {
        description:
          'Archived, or changed meanwhile (another edit won, or `version` is not the current one); nothing changed',
        schema: ErrorBody,
      },
    },
  }),
  listTemplateVersions: listRoute({
    id: 'listTemplateVersions',
    path: '/v1/templates/{templateId}/versions',
    entry: 'functions/api/templates/versions.ts',
    summary: 'The history of a template: every version, newest first, with who wrote it and when',
    tag: 'Templates',
    auth: 'read',
    params: templateParams,
    query: ListQuery,
    item: TemplateVersionView,
    pageDescription: 'A page of versions',
    responses: templateNotFound,
  }),
  getTemplateVersion: readRoute({
    id: 'getTemplateVersion',
    path: '/v1/templates/{templateId}/versions/{version}',
    entry: 'functions/api/templates/version.ts',
    summary: 'One version of a template, as it was written',
    tag: 'Templates',
    auth: 'read',
    params: templateParams.extend({ version: TemplateVersionNumber }),
    responses: {
      200: { description: 'The version', schema: TemplateVersionView },
      ...notFound('No such template or version'),
    },
  }),
  archiveTemplate: userRoute({
    id: 'archiveTemplate',
    method: 'POST',
    path: '/v1/templates/{templateId}/{action}',
    entry: 'functions/api/templates/archive.ts',
    summary:
      'archive | unarchive. An archived template is left out of the list and starts no campaign; campaigns made from it are unchanged. Twice changes nothing.',
    tag: 'Templates',
    auth: 'author',
    table: 'write',
    params: templateParams.extend({ action: z.enum(['archive', 'unarchive']) }),
    responses: {
      200: { description: 'The template after the action', schema: TemplateView },
      ...templateNotFound,
      409: { description: 'Changed by another request meanwhile', schema: ErrorBody },
    },
  }),
  listTemplateAudit: listRoute({
    id: 'listTemplateAudit',
    path: '/v1/templates/{templateId}/audit',
    entry: 'functions/api/templates/audit.ts',
    summary: 'The audit log of a template, newest first: who created, edited, archived or unarchived it',
    tag: 'Templates',
    auth: 'admin',
    params: templateParams,
    query: ListQuery,
    item: TemplateAuditEntry,
    pageDescription: 'A page of audit entries',
    responses: templateNotFound,
  }),
};
