import { z } from 'zod';
import { PartnerId, PartnerInput, PartnerView, PartnerWithSecret } from '../../core/partner.js';
import { defineRoute } from '../../http/route.js';
import { ErrorBody, ListQuery, commonErrors, page } from '../../http/schemas.js';

const partnerParams = z.strictObject({ partnerId: PartnerId });

export const partnerRoutes = {
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
      ...commonErrors,
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
      ...commonErrors,
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
    responses: { 200: { description: 'A page of partners', schema: page(PartnerView) }, ...commonErrors },
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
      ...commonErrors,
    },
  }),
};
