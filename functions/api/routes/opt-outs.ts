import { OptOutInput, OptOutParams, OptOutView } from '../../core/opt-out.js';
import { defineRoute } from '../../http/route.js';
import { ErrorBody, commonErrors } from '../../http/schemas.js';

export const optOutRoutes = {
  createOptOut: defineRoute({
    id: 'createOptOut',
    method: 'POST',
    path: '/v1/opt-outs',
    entry: 'functions/api/opt-outs/create.ts',
    summary: 'Opt a phone out of every campaign',
    tag: 'Opt-outs',
    auth: 'edit',
    table: 'write',
    idempotent: true,
    body: OptOutInput,
    responses: {
      201: { description: 'Opted out', schema: OptOutView },
      200: { description: 'Already opted out: the existing record', schema: OptOutView },
      ...commonErrors,
    },
  }),
  getOptOut: defineRoute({
    id: 'getOptOut',
    method: 'GET',
    path: '/v1/opt-outs/{phone}',
    entry: 'functions/api/opt-outs/get.ts',
    summary: 'Whether a phone (URL-encoded, any accepted format) is opted out',
    tag: 'Opt-outs',
    auth: 'read',
    table: 'read',
    params: OptOutParams,
    responses: {
      200: { description: 'Opted out', schema: OptOutView },
      404: { description: 'Not opted out', schema: ErrorBody },
      ...commonErrors,
    },
  }),
  deleteOptOut: defineRoute({
    id: 'deleteOptOut',
    method: 'DELETE',
    path: '/v1/opt-outs/{phone}',
    entry: 'functions/api/opt-outs/delete.ts',
    summary: 'Re-consent: the phone may receive campaign messages again',
    tag: 'Opt-outs',
    auth: 'admin',
    table: 'write',
    params: OptOutParams,
    responses: {
      204: { description: 'No longer opted out' },
      404: { description: 'Not opted out', schema: ErrorBody },
      ...commonErrors,
    },
  }),
};
