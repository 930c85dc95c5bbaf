import * as z from 'zod';
import { AuditEntry } from '#core/audit.js';
import {
  CAMPAIGN_ACTIONS,
  CAMPAIGN_STATUSES,
  CampaignCreateInput,
  CampaignId,
  CampaignPatch,
  CampaignView,
  RejectInput,
} from '#core/campaign.js';
import { CampaignPreview } from '#core/campaign-preview.js';
import { MAX_TEST_PHONES } from '#core/dispatch/test-send.js';
import { Reply } from '#core/webhooks/inbound.js';
import { ErrorBody, ListQuery } from '#http/schemas.js';
import { campaignNotFound, campaignParams } from './params.js';
import { listRoute, readRoute, userRoute } from './shapes.js';

const conflict = { 409: { description: 'The campaign status does not allow this', schema: ErrorBody } };

export const campaignRoutes = {
  createCampaign: userRoute({
    id: 'createCampaign',
    method: 'POST',
    path: '/v1/campaigns',
    entry: 'functions/api/campaigns/create.ts',
    summary: 'Create a draft campaign, with its estimate',
    // The estimate reads every member of the campaign's audiences.
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    tag: 'Campaigns',
    auth: 'edit',
    indexes: ['lists'],
    table: 'write',
    uses: ['events'],
    idempotent: true,
    body: CampaignCreateInput,
    responses: {
      201: { description: 'Created (status draft)', schema: CampaignView },
      409: { description: 'The template (templateId) is archived', schema: ErrorBody },
    },
  }),
  listCampaigns: listRoute({
    id: 'listCampaigns',
    path: '/v1/campaigns',
    entry: 'functions/api/campaigns/list.ts',
    summary: 'List campaigns, newest first, optionally of one status',
    tag: 'Campaigns',
    auth: 'read',
    indexes: ['lists', 'byStatus'],
    query: ListQuery.extend({ status: z.enum(CAMPAIGN_STATUSES).optional() }),
    item: CampaignView,
    responses: {},
    pageDescription: 'A page of campaigns',
  }),
  getCampaign: readRoute({
    id: 'getCampaign',
    path: '/v1/campaigns/{campaignId}',
    entry: 'functions/api/campaigns/get.ts',
    summary: 'Read a campaign with its status and estimate',
    tag: 'Campaigns',
    auth: 'read',
    params: campaignParams,
    responses: { 200: { description: 'The campaign', schema: CampaignView }, ...campaignNotFound },
  }),
  previewCampaign: readRoute({
    id: 'previewCampaign',
    path: '/v1/campaigns/{campaignId}/preview',
    entry: 'functions/api/campaigns/preview.ts',
    summary:
      'What the recipients will read: for each treatment × language, a real recipient’s text (phone masked) and the worst case (most segments); a text nobody gets is shown with its fallbacks',
    // The preview reads every member of the campaign's audiences, as the estimate does.
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    tag: 'Campaigns',
    auth: 'read',
    indexes: ['lists'],
    params: campaignParams,
    responses: { 200: { description: 'The preview', schema: CampaignPreview }, ...campaignNotFound },
  }),
  updateCampaign: userRoute({
    id: 'updateCampaign',
    method: 'PATCH',
    path: '/v1/campaigns/{campaignId}',
    entry: 'functions/api/campaigns/update.ts',
    summary: 'Edit a draft or rejected campaign; the estimate is recomputed',
    // The estimate reads every member of the campaign's audiences.
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    tag: 'Campaigns',
    auth: 'edit',
    indexes: ['lists'],
    table: 'write',
    params: campaignParams,
    body: CampaignPatch,
    responses: {
      200: { description: 'Updated', schema: CampaignView },
      ...campaignNotFound,
      ...conflict,
    },
  }),
  transitionCampaign: userRoute({
    id: 'transitionCampaign',
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/{action}',
    entry: 'functions/api/campaigns/transition.ts',
    summary:
      'submit | approve | reject {reason} | pause | resume | cancel. Approve and reject need an approver who neither created, edited nor submitted the campaign (403 naming why).',
    // The estimate reads every member of the campaign's audiences.
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    tag: 'Campaigns',
    auth: 'edit',
    indexes: ['lists'],
    table: 'write',
    uses: ['events', 'scheduler'],
    params: campaignParams.extend({ action: z.enum(CAMPAIGN_ACTIONS) }),
    // The reason is required for a reject only: the handler says so, naming the field.
    body: RejectInput.partial().optional(),
    responses: {
      200: { description: 'The campaign after the transition', schema: CampaignView },
      ...campaignNotFound,
      409: {
        description:
          'The campaign status does not allow this; or a submit whose recipients lack a value a field of the text needs without a fallback (details: `missing_field_values`, one per field and audience, with how many)',
        schema: ErrorBody,
      },
    },
  }),
  testCampaign: userRoute({
    id: 'testCampaign',
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/test',
    entry: 'functions/api/campaigns/test-send.ts',
    summary:
      'Send the message at once to up to 5 phones, audited; at most 5 test sends per user and campaign an hour. Test messages stay out of the metrics and their short links only show a preview.',
    tag: 'Campaigns',
    auth: 'edit',
    indexes: ['lists'],
    table: 'write',
    uses: ['batchTopic'],
    params: campaignParams,
    body: z.strictObject({ phones: z.array(z.string().min(1).max(32)).min(1).max(MAX_TEST_PHONES) }),
    responses: {
      202: {
        description: 'Queued for immediate hand-over',
        schema: z.object({
          messages: z.array(
            z.object({
              phone: z.string(),
              messageId: z.string(),
              partnerId: z.string().nullable(),
              status: z.enum(['queued', 'unroutable']),
            }),
          ),
        }),
      },
      ...campaignNotFound,
      409: { description: 'Some phones are opted out (each named in details)', schema: ErrorBody },
      429: { description: 'Test-send quota of the hour used up (Retry-After)', schema: ErrorBody },
    },
  }),
  listCampaignReplies: listRoute({
    id: 'listCampaignReplies',
    path: '/v1/campaigns/{campaignId}/replies',
    entry: 'functions/api/campaigns/replies.ts',
    summary: 'Replies to a campaign (inbound SMS within 7 days of it), newest first',
    tag: 'Campaigns',
    auth: 'read',
    indexes: ['lists'],
    params: campaignParams,
    query: ListQuery,
    item: Reply,
    pageDescription: 'A page of replies; phones masked for planners',
    responses: campaignNotFound,
  }),
  listAudit: listRoute({
    id: 'listAudit',
    path: '/v1/audit',
    entry: 'functions/api/campaigns/audit.ts',
    summary: 'The audit log, newest first, of one campaign or of all',
    tag: 'Campaigns',
    auth: 'admin',
    indexes: ['lists'],
    query: ListQuery.extend({ campaignId: CampaignId.optional() }),
    item: AuditEntry,
    responses: {},
    pageDescription: 'A page of audit entries',
  }),
};
