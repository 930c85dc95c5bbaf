import { OptOutInput, OptOutParams, OptOutView } from '#core/opt-out.js';
import { notFound, readRoute, userRoute } from './shapes.js';

export const optOutRoutes = {
  createOptOut: userRoute({
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
    },
  }),
  getOptOut: readRoute({
    id: 'getOptOut',
    path: '/v1/opt-outs/{phone}',
    entry: 'functions/api/opt-outs/get.ts',
    summary: 'Whether a phone (URL-encoded, any accepted format) is opted out',
    tag: 'Opt-outs',
    auth: 'read',
    params: OptOutParams,
    responses: { 200: { description: 'Opted out', schema: OptOutView }, ...notFound('Not opted out') },
  }),
  deleteOptOut: userRoute({
    id: 'deleteOptOut',
    method: 'DELETE',
    path: '/v1/opt-outs/{phone}',
    entry: 'functions/api/opt-outs/delete.ts',
    summary: 'Re-consent: the phone may receive campaign messages again',
    tag: 'Opt-outs',
    auth: 'admin',
    table: 'write',
    params: OptOutParams,
    responses: { 204: { description: 'No longer opted out' }, ...notFound('Not opted out') },
  }),
};
