import { z } from 'zod';
import { schemaMessage } from './messages.js';
import { freeText, nameText } from './text.js';
import { CARRIERS } from './carriers.js';
import { CampaignFilters, CampaignFiltersView } from './audience-filters.js';
import { DEFAULT_TIME_ZONE, OCCASION_IDS, parseHhMm } from './calendar.js';
import { ConflictError, ForbiddenError } from './errors.js';
import { PartnerId } from './partner.js';
import { reviewBar, type Authorship, type ReviewBar } from './review.js';
import {
  CAMPAIGN_STATUSES,
  allowedFrom,
  type CampaignAction,
  type CampaignStatus,
} from './campaign-status.js';

export * from './campaign-status.js';

export const assertTransition = (action: CampaignAction, status: CampaignStatus): void => {
  if (!allowedFrom(action).includes(status)) {
    throw new ConflictError(`Cannot ${action} a campaign that is ${status}`, {
      code: 'transition_not_allowed',
      params: { action, status },
    });
  }
};

const HhMm = z.string().refine((value) => parseHhMm(value) !== null, schemaMessage('invalid_time'));

const SendAtSchedule = z.strictObject({
  sendAt: z.iso.datetime({
    offset: true,
    error: schemaMessage('invalid_datetime'),
  }),
  repeat: z.literal('yearly').optional(),
});
const OccasionSchedule = z.strictObject({
  occasion: z.enum(OCCASION_IDS),
  year: z.int().min(2020).max(2100).optional(),
  localTime: HhMm.optional(),
  repeat: z.literal('yearly').optional(),
});
/** Sent as soon as it is approved: for those who mean "now", which a past `sendAt` is refused as. */
const AsapSchedule = z.strictObject({
  asap: z.literal(true).meta({
    description: 'Start sending the moment the campaign is approved; `sendAt` then becomes the approval time',
  }),
});
export const ScheduleInput = z
  .union([SendAtSchedule, OccasionSchedule, AsapSchedule], {
    error: schemaMessage('invalid_schedule'),
  })
  .meta({ id: 'Schedule' });
export type CampaignSchedule = z.output<typeof ScheduleInput>;

/** How far in the past a `sendAt` may be (clock skew, a slow form); anything older is refused. */
export const PAST_SEND_AT_TOLERANCE_MS = 60_000;

export const SendingWindowInput = z
  .strictObject({ start: HhMm, end: HhMm })
  .refine((w) => w.start !== w.end, { message: schemaMessage('same_start_end'), path: ['end'] })
  .nullable()
  .meta({ description: 'Local hours when messages may go out; null = any time. Default 07:00–22:00.' });

const TimeZone = z.string().refine(isTimeZone, schemaMessage('invalid_time_zone'));

/**
 * The editable fields, without defaults: a default inside a schema that is also used `.partial()` fills
 * an omitted field on PATCH and silently overwrites what the campaign had.
 */
const campaignFields = {
  name: nameText(200).min(1),
  message: z
    .string()
    .min(1, schemaMessage('empty'))
    .max(1600, schemaMessage('too_big', { maximum: 1600, unit: 'characters' }))
    .transform((s) => s.normalize('NFC')),
  audienceIds: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, schemaMessage('duplicate_audience')),
  filters: CampaignFilters.optional(),
  schedule: ScheduleInput,
  sendingWindow: SendingWindowInput.optional(),
  partnerIds: z.array(PartnerId).min(1).max(20).optional(),
  timeZone: TimeZone,
};

export const CampaignInput = z
  .strictObject({ ...campaignFields, timeZone: TimeZone.default(DEFAULT_TIME_ZONE) })
  .meta({ id: 'CampaignInput' });
export type CampaignInput = z.output<typeof CampaignInput>;

/** Only the fields sent change; nothing is defaulted. */
export const CampaignPatch = z.strictObject(campaignFields).partial().meta({ id: 'CampaignPatch' });
export type CampaignPatch = z.output<typeof CampaignPatch>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const CarrierCounts = z.partialRecord(z.enum(CARRIERS), z.int());

export const CampaignEstimate = z
  .object({
    recipients: z.int().meta({ description: 'Distinct phones in the audiences the filters target' }),
    suppressed: z.int().meta({ description: 'Of those, opted out' }),
    unroutable: z.int().meta({ description: 'Of the rest, no enabled partner serves their carrier' }),
    sendable: z.int().meta({ description: 'recipients − suppressed − unroutable (extension)' }),
    byCarrier: CarrierCounts.meta({ description: 'The sendable recipients by carrier' }),
    byProvince: z
      .record(z.string(), z.int())
      .meta({
        description:
          'The same sendable recipients by province, under current canonical names (GET /v1/provinces); ' +
          'recipients without a province are not counted here (so the sum may be less than `sendable` when ' +
          'no province filter is set). Absent on estimates made before it existed.',
        example: { 'Thái Nguyên': 1480, 'Tuyên Quang': 312 },
      })
      .optional(),
    encoding: z.enum(['GSM-7', 'UCS-2']),
    segmentsPerMessage: z.int(),
    totalSegments: z.int(),
    cost: z.number(),
    currency: z.string(),
    nonGsmCharacters: z.array(z.string()),
    estimatedAt: z.iso.datetime(),
  })
  .meta({ id: 'CampaignEstimate' });
export type CampaignEstimate = z.output<typeof CampaignEstimate>;

/**
 * The fields an approver reviews, as they stood when a version was rejected: the next review shows what
 * changed since.
 */
export const ReviewedVersion = z
  .object({
    name: z.string(),
    message: z.string(),
    audienceIds: z.array(z.string()),
    filters: CampaignFiltersView.optional(),
    schedule: ScheduleInput,
    sendingWindow: z.object({ start: z.string(), end: z.string() }).nullable(),
    partnerIds: z.array(z.string()).optional(),
    timeZone: z.string(),
  })
  .meta({ id: 'ReviewedVersion' });
export type ReviewedVersion = z.output<typeof ReviewedVersion>;

export const Rejection = z
  .object({
    reason: z.string(),
    by: z.string(),
    at: z.iso.datetime(),
    version: ReviewedVersion.optional().meta({
      description: 'The version rejected (absent on rejections recorded before it was kept)',
    }),
  })
  .meta({ id: 'Rejection' });

/** A campaign's id as a path or query parameter takes it (ids we make are ULIDs). */
export const CampaignId = z.string().min(1).max(64);

export const CampaignView = z
  .object({
    id: z.string(),
    name: z.string(),
    message: z.string(),
    audienceIds: z.array(z.string()),
    filters: CampaignFiltersView.optional(),
    schedule: ScheduleInput,
    sendAt: z.iso.datetime().meta({ description: 'The schedule resolved to UTC' }),
    sendingWindow: z.object({ start: z.string(), end: z.string() }).nullable(),
    partnerIds: z.array(z.string()).optional(),
    timeZone: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    estimate: CampaignEstimate,
    createdBy: z.string(),
    editedBy: z.array(z.string()).meta({
      description:
        'Everyone who edited the campaign after its creator, first edit first; none of them may review it',
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    submittedBy: z.string().optional().meta({ description: 'Who submitted the version under review' }),
    submittedAt: z.iso.datetime().optional(),
    approvedBy: z.string().optional(),
    approvedAt: z.iso.datetime().optional(),
    rejection: Rejection.optional(),
    startedAt: z.iso.datetime().optional(),
    completedAt: z.iso.datetime().optional(),
    previousCampaignId: z.string().optional(),
  })
  .meta({ id: 'Campaign' });
export type Campaign = z.output<typeof CampaignView>;

export const RejectInput = z.strictObject({ reason: freeText(1000).min(1) });

const REVIEW_BAR_REASONS: Record<ReviewBar, string> = {
  created: 'you created it',
  edited: 'you edited it',
  submitted: 'you submitted it',
};

/** Four eyes (contract §6, `reviewBar`): why `userId` may not approve or reject this campaign, in words. */
export const reviewBarReason = (campaign: Authorship, userId: string): string | undefined => {
  const bar = reviewBar(campaign, userId);
  return bar && REVIEW_BAR_REASONS[bar];
};

export const assertMayReview = (campaign: Authorship, userId: string, action: 'approve' | 'reject'): void => {
  const reason = reviewBarReason(campaign, userId);
  if (reason) {
    throw new ForbiddenError(
      `A campaign must be ${action === 'approve' ? 'approved' : 'rejected'} by someone who did not write or submit it: ${reason}`,
    );
  }
};

/** The editors after adding `userId` (the creator is already on record as createdBy). */
export const withEditor = (campaign: Pick<Campaign, 'createdBy' | 'editedBy'>, userId: string): string[] =>
  userId === campaign.createdBy || campaign.editedBy.includes(userId)
    ? campaign.editedBy
    : [...campaign.editedBy, userId];

export { reviewedVersion } from './reviewed-version.js';
