import * as z from 'zod';
import { customIssue, schemaMessage } from './messages.js';
import { parseTemplate } from './content/template.js';
import { canonicalLanguageTag, DEFAULT_LANGUAGE } from './content/languages.js';
import { MAX_HOLDOUT_PERCENT, TREATMENT_IDS, splitProblem } from './content/assignment.js';
import { splitOf, type Content } from './content/content.js';
import { freeText, nameText } from './text.js';
import { CampaignTextsView } from './campaign-texts.js';
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
/** Variants of a campaign or a template, and treatments, at the most. */
export const MAX_VARIANTS = 8;

/** A message text: at most 1,600 characters, NFC, every `{{...}}` a link or a field (content/template.ts). */
export const MessageText = z
  .string()
  .min(1, schemaMessage('empty'))
  .max(1600, schemaMessage('too_big', { maximum: 1600, unit: 'characters' }))
  .transform((s) => s.normalize('NFC'))
  .superRefine((text, ctx) => {
    for (const problem of parseTemplate(text).problems.slice(0, 5)) {
      ctx.addIssue(customIssue(problem.code, { placeholder: problem.placeholder, at: problem.at + 1 }));
    }
  });

/** A variant's language: a canonical BCP 47 tag other than `vi` (content/languages.ts). */
const VariantLanguage = z
  .string()
  .max(35)
  .refine((tag) => canonicalLanguageTag(tag) === tag, schemaMessage('invalid_language_tag'))
  .refine((tag) => tag !== DEFAULT_LANGUAGE, schemaMessage('default_language_variant'));

export const Variants = z
  .record(VariantLanguage, MessageText)
  .refine(
    (variants) => Object.keys(variants).length <= MAX_VARIANTS,
    schemaMessage('too_big', { maximum: MAX_VARIANTS, unit: ' variants' }),
  )
  .meta({
    id: 'Variants',
    description:
      'One text per other language, keyed by BCP 47 tag (vi-x-khongdau, hmn, blt, twh, km, rad, tyz, ...); ' +
      'the campaign message is the vi text and the fallback of every recipient',
    example: { 'vi-x-khongdau': 'Canh giac viec nhe luong cao. Goi 111 (mien phi).' },
  });

export const TreatmentInput = z
  .strictObject({
    id: z.enum(TREATMENT_IDS),
    percent: z.int().min(1).max(100),
    message: MessageText.optional().meta({
      description:
        'This treatment’s vi text; absent = the campaign’s message and variants (the control text)',
    }),
    variants: Variants.optional(),
  })
  .refine((t) => t.variants === undefined || t.message !== undefined, {
    message: schemaMessage('required'),
    path: ['message'],
  })
  .meta({ id: 'Treatment' });

const Treatments = z
  .array(TreatmentInput)
  .min(2)
  .max(4)
  .meta({ description: 'A/B test: 2–4 treatments; with holdoutPercent they add up to 100' });

const HoldoutPercent = z
  .int()
  .min(0)
  .max(MAX_HOLDOUT_PERCENT)
  .meta({ description: 'Percent of the recipients who receive nothing (the control group); default 0' });

/**
 * How a campaign's `{{link:URL}}` is tracked: `recipient` (a code per recipient: who clicked), `aggregate`
 * (one code for the whole campaign: how many clicks, never who) or `off` (the plain URL, nothing counted).
 * People at risk may have their phones watched, so a new campaign counts only in aggregate.
 */
export const CLICK_TRACKING_MODES = ['recipient', 'aggregate', 'off'] as const;
export type ClickTracking = (typeof CLICK_TRACKING_MODES)[number];
export const DEFAULT_CLICK_TRACKING: ClickTracking = 'aggregate';
/** What a campaign stored before the field existed was sent with. */
export const LEGACY_CLICK_TRACKING: ClickTracking = 'recipient';

export const ClickTrackingMode = z.enum(CLICK_TRACKING_MODES).meta({
  id: 'ClickTracking',
  description:
    'How short links are tracked: recipient = a code per recipient (who clicked), aggregate = one code ' +
    'per campaign (click count only: no recipient, carrier or province), off = the plain URL is sent and ' +
    'nothing is counted. Default aggregate',
});

const campaignFields = {
  name: nameText(200).min(1),
  message: MessageText,
  variants: Variants.optional(),
  treatments: Treatments.optional(),
  holdoutPercent: HoldoutPercent.optional(),
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
  clickTracking: ClickTrackingMode,
};

/**
 * Treatments and holdout add up to 100. Not a refinement of CampaignInput (zod cannot `.pick` or `.partial`
 * a refined object): the campaign service checks it on create and on the merged campaign after a PATCH.
 */
export const addSplitIssue = (
  content: Pick<Content, 'treatments' | 'holdoutPercent'>,
  ctx: z.RefinementCtx,
) => {
  const problem = splitProblem(splitOf(content));
  if (!problem) return;
  const { code, ...params } = problem;
  ctx.addIssue({
    ...customIssue(code, params),
    path: [code === 'holdout_too_large' ? 'holdoutPercent' : 'treatments'],
  });
};

/** A campaign with its own text, as the service creates it (the create body resolved: CampaignCreateInput). */
export const CampaignInput = z.strictObject({
  ...campaignFields,
  timeZone: TimeZone.default(DEFAULT_TIME_ZONE),
  clickTracking: ClickTrackingMode.default(DEFAULT_CLICK_TRACKING),
});
export type CampaignInput = z.output<typeof CampaignInput>;

/** A template's id as a path parameter or a campaign's `templateId` takes it (ids we make are ULIDs). */
export const TemplateId = z.string().min(1).max(64);

/**
 * `POST /v1/campaigns`: the campaign's own `message`, or a template's (`templateId`, optionally
 * `templateVersion`), never both: which of the two should win would be a guess.
 */
export const CampaignCreateInput = CampaignInput.extend({
  message: MessageText.optional().meta({ description: 'The vi text; required unless templateId is given' }),
  templateId: TemplateId.optional().meta({
    description:
      'Take the message and variants from this template (copied: later edits of the template change nothing here); then leave message and variants out',
  }),
  templateVersion: z
    .int()
    .min(1)
    .optional()
    .meta({ description: 'The template version to copy; default its current one' }),
})
  .superRefine((input, ctx) => {
    if (input.templateId === undefined) {
      if (input.message === undefined) ctx.addIssue({ ...customIssue('required'), path: ['message'] });
      if (input.templateVersion !== undefined) {
        ctx.addIssue({ ...customIssue('template_version_without_template'), path: ['templateVersion'] });
      }
      return;
    }
    for (const field of ['message', 'variants'] as const) {
      if (input[field] !== undefined) ctx.addIssue({ ...customIssue('text_with_template'), path: [field] });
    }
  })
  .meta({ id: 'CampaignInput' });
export type CampaignCreateInput = z.output<typeof CampaignCreateInput>;

/**
 * Only the fields sent change; nothing is defaulted. The content's optional parts take `null` to remove
 * them (turning an A/B test or a holdout off, dropping every variant).
 */
export const CampaignPatch = z
  .strictObject({
    ...campaignFields,
    variants: Variants.nullable(),
    treatments: Treatments.nullable(),
    holdoutPercent: HoldoutPercent.nullable(),
  })
  .partial()
  .meta({ id: 'CampaignPatch' });
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
    holdout: z
      .int()
      .optional()
      .meta({ description: 'Of `recipients`, held out (receive nothing, cost nothing); not in `sendable`' }),
    byVariant: z
      .array(
        z.object({
          language: z.string(),
          recipients: z.int().meta({ description: 'Sendable recipients who get this language' }),
          encoding: z.enum(['GSM-7', 'UCS-2']),
          segmentsPerMessage: z
            .int()
            .meta({ description: 'The most any of them gets (their own values filled in)' }),
          totalSegments: z.int(),
          cost: z.number(),
          nonGsmCharacters: z.array(z.string()),
        }),
      )
      .optional()
      .meta({
        description: 'Per language variant, `vi` first; absent on estimates made before variants existed',
      }),
    byTreatment: z
      .array(
        z.object({
          treatment: z.enum(TREATMENT_IDS),
          recipients: z.int(),
          totalSegments: z.int(),
          cost: z.number(),
        }),
      )
      .optional()
      .meta({ description: 'Per A/B treatment (only when the campaign has treatments)' }),
    fields: z
      .array(
        z.object({
          key: z.string(),
          name: z.string(),
          required: z.boolean().meta({ description: 'Some use has no fallback' }),
          present: z.int().meta({ description: 'Sendable recipients who have a value' }),
          missing: z.int().meta({ description: 'Sendable recipients without a value where it is required' }),
          missingByAudience: z
            .record(z.string(), z.int())
            .meta({ description: 'Those, by the audience that holds them' }),
          longest: z.int().meta({ description: 'Characters of the longest value present' }),
        }),
      )
      .optional()
      .meta({
        description:
          'The fields the texts use. Segments and cost are counted with each recipient’s own values (the ' +
          'longest value actually present, not a guess); a campaign with `missing` > 0 cannot be submitted',
      }),
    clickTracking: ClickTrackingMode.optional().meta({
      description:
        'The click tracking the links were counted for (off: each link as its URL); absent on estimates made before it existed',
    }),
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
 * changed since. A campaign's view is these and what the product adds (status, authorship, estimate).
 */
export const ReviewedVersion = z
  .object({
    name: z.string(),
    ...CampaignTextsView,
    holdoutPercent: z.int().optional(),
    audienceIds: z.array(z.string()),
    filters: CampaignFiltersView.optional(),
    schedule: ScheduleInput,
    sendingWindow: z.object({ start: z.string(), end: z.string() }).nullable(),
    partnerIds: z.array(z.string()).optional(),
    timeZone: z.string(),
    clickTracking: z
      .enum(CLICK_TRACKING_MODES)
      .optional()
      .meta({ description: 'Absent on versions kept before click tracking modes existed' }),
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
    ...ReviewedVersion.shape,
    clickTracking: ClickTrackingMode,
    template: z.object({ id: z.string(), version: z.int() }).optional().meta({
      description:
        'The template and version the campaign was created from; editing the template later never changes it',
    }),
    sendAt: z.iso.datetime().meta({ description: 'The schedule resolved to UTC' }),
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
