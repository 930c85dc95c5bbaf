import { ErasureView, SubscriberExportView, SubscriberParams } from '#core/subscriber-data.js';
import { userRoute } from './shapes.js';

const PERSONAL_DATA =
  'Law 91/2025/QH15 (docs/personal-data.md). The phone is URL-encoded, in any accepted format; audited ' +
  '(who, when, the number masked).';

export const subscriberRoutes = {
  exportSubscriber: userRoute({
    id: 'exportSubscriber',
    method: 'GET',
    path: '/v1/subscribers/{phone}/export',
    entry: 'functions/api/subscribers/export.ts',
    summary: 'Everything held about a phone number, as JSON',
    description: `Audiences with attributes, messages with campaign, state and times, inbound texts, the opt-out and the ported-number record. ${PERSONAL_DATA}`,
    tag: 'Subscribers',
    auth: 'admin',
    indexes: ['byStatus'],
    // The export is audited: one write.
    table: 'write',
    params: SubscriberParams,
    responses: { 200: { description: 'The data held', schema: SubscriberExportView } },
  }),
  eraseSubscriber: userRoute({
    id: 'eraseSubscriber',
    method: 'DELETE',
    path: '/v1/subscribers/{phone}',
    entry: 'functions/api/subscribers/erase.ts',
    summary: 'Erase a phone number from every audience, message, inbound and ported record',
    description: `An opt-out still holds, kept as a keyed hash. 409 while a campaign is still sending to the number, or an import into one of its audiences runs. ${PERSONAL_DATA}`,
    tag: 'Subscribers',
    auth: 'admin',
    indexes: ['byStatus'],
    table: 'write',
    params: SubscriberParams,
    responses: { 200: { description: 'Erased', schema: ErasureView } },
  }),
};
