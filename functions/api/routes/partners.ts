import * as z from 'zod';
import { PartnerInput, PartnerView, PartnerWithSecret } from '#core/partner.js';
import { ListQuery } from '#http/schemas.js';
import { partnerParams } from './params.js';
import { listRoute, notFound, readRoute, userRoute } from './shapes.js';

export const partnerRoutes = {
  putPartner: userRoute({
    id: 'putPartner',
    method: 'PUT',
    path: '/v1/partners/{partnerId}',
    entry: 'functions/api/partners/put.ts',
    summary: 'Create or update a telecom partner',
    tag: 'Partners',
    auth: 'admin',
    table: 'write',
    // A new partner's secret is sealed before it is stored (and an old item's clear one at its update).
    uses: ['sealSecrets'],
    params: partnerParams,
    body: PartnerInput,
    responses: {
      200: { description: 'Updated', schema: PartnerView },
      201: {
        description: 'Created; the only answer besides rotate that shows the secret',
        schema: PartnerWithSecret,
      },
    },
  }),
  getPartner: readRoute({
    id: 'getPartner',
    path: '/v1/partners/{partnerId}',
    entry: 'functions/api/partners/get.ts',
    summary: 'Read a partner (never its secret)',
    tag: 'Partners',
    auth: 'admin',
    params: partnerParams,
    responses: { 200: { description: 'The partner', schema: PartnerView }, ...notFound('Unknown') },
  }),
  listPartners: listRoute({
    id: 'listPartners',
    path: '/v1/partners',
    entry: 'functions/api/partners/list.ts',
    summary: 'List partners',
    tag: 'Partners',
    auth: 'admin',
    indexes: ['lists'],
    query: ListQuery,
    item: PartnerView,
    responses: {},
    pageDescription: 'A page of partners',
  }),
  rotatePartnerSecret: userRoute({
    id: 'rotatePartnerSecret',
    method: 'POST',
    path: '/v1/partners/{partnerId}/rotate-secret',
    entry: 'functions/api/partners/rotate-secret.ts',
    summary: 'Issue a new signing secret; the old one stays valid for 24 h',
    tag: 'Partners',
    auth: 'admin',
    table: 'write',
    uses: ['sealSecrets'],
    params: partnerParams,
    responses: {
      200: { description: 'The new secret', schema: z.object({ signingSecret: z.string() }) },
      ...notFound('Unknown'),
    },
  }),
};
