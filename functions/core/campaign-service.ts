import type { AudienceReader } from './audience.js';
import type { AuditEntry } from './audit.js';
import { nextYearSchedule, resolveSendAt } from './calendar.js';
import {
  EDITABLE_STATUSES,
  PAST_SEND_AT_TOLERANCE_MS,
  assertMayReview,
  assertTransition,
  nextStatus,
  reviewedVersion,
  withEditor,
  type Campaign,
  type CampaignSchedule,
  type CampaignAction,
  type CampaignInput,
  type CampaignPatch,
  type CampaignStatus,
  type UserAction,
} from './campaign.js';
import {
  estimateCampaign,
  surveyCampaign,
  missingFieldValues,
  type AudienceChunk,
  type EstimateInput,
} from './campaign-estimate.js';
import { previewOf, type CampaignPreview } from './campaign-preview.js';
import { splitProblem } from './content/assignment.js';
import { allTexts, splitOf, type Content } from './content/content.js';
import { LINK_PLACEHOLDER } from './sms-encoding.js';
import type { TemplateRef } from './content/templates.js';
import { ConflictError, detail, ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import type { SuppressionList } from './opt-out.js';
import type { Page, PageRequest } from './page.js';
import type { PartnerView } from './partner.js';
import type { CampaignScheduler, EventPublisher } from './ports.js';
import { mayAccess, type Actor } from './roles.js';
import { DEFAULT_SENDING_WINDOW } from './sending-window.js';
import type { Clock, Ids } from './clock.js';

export interface CampaignStore {
  get(id: string): Promise<Campaign | undefined>;
  create(campaign: Campaign, audit: AuditEntry): Promise<void>;
  /**
   * Replaces the campaign only if it still has `expected.updatedAt` and `expected.status` (one conditional
   * write with its audit entry), so two racing transitions cannot both win: the loser gets ConflictError.
   */
  replace(
    campaign: Campaign,
    expected: Pick<Campaign, 'updatedAt' | 'status'>,
    audit?: AuditEntry,
  ): Promise<void>;
  /**
   * Counts one test send against `quota` and writes its audit entry, in one transaction: false (and
   * nothing written) when the user has used up the quota of that hour.
   */
  recordTestSend(audit: AuditEntry, quota: TestSendQuota): Promise<boolean>;
  list(query: PageRequest & { status?: CampaignStatus | undefined }): Promise<Page<Campaign>>;
  listAudit(query: PageRequest & { campaignId?: string | undefined }): Promise<Page<AuditEntry>>;
}

/** A user's test sends on one campaign are counted per UTC hour (`hour` = `yyyy-mm-ddThh`). */
export interface TestSendQuota {
  userId: string;
  hour: string;
  limit: number;
  /** When the counter may be forgotten. */
  expiresAt: Date;
}

export interface CampaignDeps extends Clock, Ids {
  campaigns: CampaignStore;
  audiences: AudienceReader;
  suppression: SuppressionList;
  partners: () => Promise<PartnerView[]>;
  events: EventPublisher;
  scheduler: CampaignScheduler;
  shortLinkLength: number;
}

/** The scheduler and the dispatcher act as this actor in the audit log. */
export const SYSTEM_ACTOR: Actor = { userId: 'system', roles: [] };

/** When the schedule fires, in UTC; an `asap` schedule is due now (and again at approval). */
const resolveSchedule = (schedule: CampaignSchedule, timeZone: string, now: Date): string => {
  if ('asap' in schedule) return now.toISOString();
  try {
    return resolveSendAt(schedule, { now, timeZone }).toISOString();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.message,
        error.details?.map((d) => ({ ...d, path: `schedule.${d.path}` })),
      );
    }
    throw error;
  }
};

/**
 * A schedule set by a user: resolved, and refused when it lies in the past (more than a minute ago), as
 * it would go out the moment it is approved; `{ asap: true }` says that on purpose.
 */
const resolveNewSchedule = (schedule: CampaignSchedule, timeZone: string, now: Date): string => {
  const sendAt = resolveSchedule(schedule, timeZone, now);
  if ('asap' in schedule || Date.parse(sendAt) >= now.getTime() - PAST_SEND_AT_TOLERANCE_MS) return sendAt;
  const past =
    'sendAt' in schedule
      ? detail('schedule.sendAt', 'past_send_at')
      : detail('schedule.year', 'past_occasion', {
          occasion: schedule.occasion,
          year: schedule.year === undefined ? '' : String(schedule.year),
          sendAt,
        });
  throw new ValidationError('The schedule is in the past; use { "asap": true } to send as soon as approved', [
    past,
  ]);
};

/** What the estimate reads of a campaign: its content (the id decides its A/B split) and its audience. */
type EstimatedDraft = Pick<
  Campaign,
  'message' | 'variants' | 'treatments' | 'holdoutPercent' | 'audienceIds' | 'filters' | 'partnerIds'
> & { id?: string | undefined; clickTracking?: Campaign['clickTracking'] | undefined };

/** The campaign's audiences, partners and opt-outs read and checked, then one pass over its members. */
const surveyFor = async (deps: CampaignDeps, draft: EstimatedDraft) => {
  const audiences = await Promise.all(draft.audienceIds.map((id) => deps.audiences.getAudience(id)));
  const missing = audiences.flatMap((audience, i) =>
    audience ? [] : [detail(`audienceIds.${i}`, 'unknown_audience')],
  );
  if (missing.length) throw new ValidationError('Unknown audience', missing);
  const partners = await deps.partners();
  const unknownPartners = (draft.partnerIds ?? []).flatMap((id, i) =>
    partners.some((p) => p.id === id) ? [] : [detail(`partnerIds.${i}`, 'unknown_partner')],
  );
  if (unknownPartners.length) throw new ValidationError('Unknown partner', unknownPartners);
  const optedOut = await deps.suppression.allOptedOut();
  const input: EstimateInput = {
    campaignId: draft.id,
    message: draft.message,
    variants: draft.variants,
    treatments: draft.treatments,
    holdoutPercent: draft.holdoutPercent,
    filters: draft.filters,
    partnerIds: draft.partnerIds,
    shortLinkLength: deps.shortLinkLength,
    clickTracking: draft.clickTracking,
  };
  return { input, chunks: membersOf(deps.audiences, draft.audienceIds), optedOut, partners };
};

const estimateFor = async (deps: CampaignDeps, draft: EstimatedDraft) => {
  const { input, chunks, optedOut, partners } = await surveyFor(deps, draft);
  return estimateCampaign(input, chunks, optedOut, partners, deps.now());
};

async function* membersOf(audiences: AudienceReader, ids: readonly string[]): AsyncIterable<AudienceChunk> {
  for (const audienceId of ids) {
    for await (const members of audiences.members(audienceId)) yield { audienceId, members };
  }
}

/** The content fields a create or PATCH input sets (absent ones stay absent). */
const contentFieldsOf = (
  input: Partial<Pick<CampaignInput, 'variants' | 'treatments' | 'holdoutPercent'>>,
): Partial<Pick<Campaign, 'variants' | 'treatments' | 'holdoutPercent'>> => ({
  ...(input.variants !== undefined ? { variants: input.variants } : {}),
  ...(input.treatments !== undefined ? { treatments: input.treatments } : {}),
  ...(input.holdoutPercent !== undefined ? { holdoutPercent: input.holdoutPercent } : {}),
});

/**
 * Treatments and holdout add up to 100 (`addSplitIssue`, checked here as the input schemas cannot): on a
 * created campaign and on the merged campaign after a PATCH, which may change either side alone.
 */
const assertSplit = (content: Pick<Content, 'treatments' | 'holdoutPercent'>): void => {
  const problem = splitProblem(splitOf(content));
  if (!problem) return;
  const { code, ...params } = problem;
  const path = code === 'holdout_too_large' ? 'holdoutPercent' : 'treatments';
  throw new ValidationError('The A/B split does not add up', [detail(path, code, params)]);
};

/**
 * One aggregate code leads every recipient to one address (links.ts), so an aggregate campaign's texts
 * (variants, treatments) must all link to the same one, or a click would land on another text's page.
 */
const assertAggregateLinks = (campaign: Content & Pick<Campaign, 'clickTracking'>): void => {
  if (campaign.clickTracking !== 'aggregate') return;
  const targets = new Set(
    allTexts(campaign).flatMap(({ text }) => [...text.matchAll(LINK_PLACEHOLDER)].map((match) => match[1])),
  );
  if (targets.size > 1)
    throw new ValidationError('An aggregate link leads to one address', [
      detail('clickTracking', 'aggregate_links_differ', { count: targets.size }),
    ]);
};

/** A campaign's texts as its recipients will read them (`previewOf`), from one pass over its audience. */
export const previewCampaign = async (deps: CampaignDeps, id: string): Promise<CampaignPreview> => {
  const campaign = await getCampaign(deps, id);
  const { input, chunks, optedOut, partners } = await surveyFor(deps, campaign);
  const survey = await surveyCampaign(input, chunks, optedOut, partners);
  return previewOf(campaign.id, survey, deps.shortLinkLength, deps.now());
};

const auditEntry = (
  deps: CampaignDeps,
  campaign: Campaign,
  action: string,
  actor: Actor,
  from?: CampaignStatus,
  extra: Pick<AuditEntry, 'reason' | 'fields'> = {},
): AuditEntry => ({
  id: deps.newId(),
  campaignId: campaign.id,
  action,
  ...(from ? { from } : {}),
  to: campaign.status,
  actor: actor.userId,
  at: campaign.updatedAt,
  ...(extra.reason ? { reason: extra.reason } : {}),
  ...(extra.fields ? { fields: extra.fields } : {}),
});

const publish = (deps: CampaignDeps, type: string, campaign: Campaign, actor: Actor) =>
  deps.events.publish({
    type: `campaign.${type}`,
    at: campaign.updatedAt,
    detail: {
      campaignId: campaign.id,
      name: campaign.name,
      status: campaign.status,
      sendAt: campaign.sendAt,
      actor: actor.userId,
    },
  });

/**
 * `template`: the template version the texts were copied from (template-service.ts campaignContentFrom),
 * recorded on the campaign; the campaign keeps its copy whatever happens to the template later.
 */
export const createCampaign = async (
  deps: CampaignDeps,
  actor: Actor,
  input: CampaignInput,
  template?: TemplateRef,
): Promise<Campaign> => {
  const now = deps.now();
  // The id first: with treatments or a holdout it decides the groups the estimate counts.
  const id = deps.newId();
  const draft = {
    id,
    name: input.name,
    message: input.message,
    ...contentFieldsOf(input),
    audienceIds: input.audienceIds,
    ...(input.filters ? { filters: input.filters } : {}),
    ...(input.partnerIds ? { partnerIds: input.partnerIds } : {}),
    clickTracking: input.clickTracking,
  };
  assertSplit(draft);
  assertAggregateLinks(draft);
  const campaign: Campaign = {
    ...draft,
    ...(template ? { template } : {}),
    schedule: input.schedule,
    sendAt: resolveNewSchedule(input.schedule, input.timeZone, now),
    sendingWindow: input.sendingWindow === undefined ? { ...DEFAULT_SENDING_WINDOW } : input.sendingWindow,
    timeZone: input.timeZone,
    status: 'draft',
    estimate: await estimateFor(deps, draft),
    createdBy: actor.userId,
    editedBy: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.campaigns.create(campaign, auditEntry(deps, campaign, 'create', actor));
  await publish(deps, 'created', campaign, actor);
  return campaign;
};

export const getCampaign = async (deps: Pick<CampaignDeps, 'campaigns'>, id: string): Promise<Campaign> => {
  const campaign = await deps.campaigns.get(id);
  if (!campaign) throw new NotFoundError(`Campaign ${id}`);
  return campaign;
};

/**
 * The campaign with a patch applied: `null` removes a content part. A campaign whose texts are edited is no
 * longer its template's version, so it stops naming it.
 */
const patched = (current: Campaign, patch: CampaignPatch): Campaign => {
  const { variants, treatments, holdoutPercent, ...rest } = patch;
  const next: Campaign = { ...current, ...rest };
  if (variants === null) delete next.variants;
  else if (variants !== undefined) next.variants = variants;
  if (treatments === null) delete next.treatments;
  else if (treatments !== undefined) next.treatments = treatments;
  if (holdoutPercent === null) delete next.holdoutPercent;
  else if (holdoutPercent !== undefined) next.holdoutPercent = holdoutPercent;
  if (next.message !== current.message || !sameVariants(next.variants, current.variants))
    delete next.template;
  return next;
};

const sameVariants = (a: Campaign['variants'], b: Campaign['variants']): boolean => {
  const entries = Object.entries(a ?? {});
  return entries.length === Object.keys(b ?? {}).length && entries.every(([tag, text]) => b?.[tag] === text);
};

export const updateCampaign = async (
  deps: CampaignDeps,
  actor: Actor,
  id: string,
  patch: CampaignPatch,
): Promise<Campaign> => {
  const current = await getCampaign(deps, id);
  if (!EDITABLE_STATUSES.includes(current.status)) {
    throw new ConflictError(`Only a draft or rejected campaign can be edited; this one is ${current.status}`);
  }
  const now = deps.now();
  const merged: Campaign = { ...patched(current, patch), updatedAt: now.toISOString() };
  assertSplit(merged);
  assertAggregateLinks(merged);
  // Only a changed schedule or zone moves sendAt (an occasion without a year would roll over otherwise).
  const rescheduled = patch.schedule !== undefined || patch.timeZone !== undefined;
  const updated: Campaign = {
    ...merged,
    sendAt: rescheduled ? resolveNewSchedule(merged.schedule, merged.timeZone, now) : current.sendAt,
    editedBy: withEditor(current, actor.userId),
    estimate: await estimateFor(deps, merged),
  };
  await deps.campaigns.replace(
    updated,
    current,
    auditEntry(deps, updated, 'update', actor, current.status, { fields: Object.keys(patch) }),
  );
  return updated;
};

const applyTransition = async (
  deps: CampaignDeps,
  actor: Actor,
  current: Campaign,
  action: CampaignAction,
  changes: Partial<Campaign> = {},
  reason?: string,
): Promise<Campaign> => {
  assertTransition(action, current.status);
  const updated: Campaign = {
    ...current,
    ...changes,
    status: nextStatus(action, current),
    updatedAt: deps.now().toISOString(),
  };
  await deps.campaigns.replace(
    updated,
    current,
    auditEntry(deps, updated, action, actor, current.status, { reason }),
  );
  return updated;
};

/**
 * Moves a campaign through its lifecycle (contract §6), each step audited and published. Approval
 * schedules the start (or starts at once when `sendAt` has passed); pause and cancel drop the schedule.
 */
export const transitionCampaign = async (
  deps: CampaignDeps,
  actor: Actor,
  id: string,
  action: UserAction,
  reason?: string,
): Promise<Campaign> => {
  const current = await getCampaign(deps, id);
  const now = deps.now();
  const at = now.toISOString();
  switch (action) {
    case 'submit': {
      assertTransition('submit', current.status);
      const estimate = await estimateFor(deps, current);
      const refusal = missingFieldValues(estimate, current.audienceIds);
      if (refusal) throw refusal;
      const updated = await applyTransition(deps, actor, current, 'submit', {
        submittedBy: actor.userId,
        submittedAt: at,
        estimate,
      });
      await publish(deps, 'submitted', updated, actor);
      return updated;
    }
    case 'approve':
    case 'reject': {
      if (!mayAccess(actor, 'approve')) throw new ForbiddenError('Only an approver may approve or reject');
      assertMayReview(current, actor.userId, action);
      if (action === 'reject') {
        const updated = await applyTransition(
          deps,
          actor,
          current,
          'reject',
          { rejection: { reason: reason ?? '', by: actor.userId, at, version: reviewedVersion(current) } },
          reason,
        );
        await publish(deps, 'rejected', updated, actor);
        return updated;
      }
      assertTransition('approve', current.status);
      const asap = 'asap' in current.schedule;
      const due = asap || Date.parse(current.sendAt) <= now.getTime();
      if (!due) await scheduleStart(deps, current);
      const approved = await applyTransition(deps, actor, current, 'approve', {
        approvedBy: actor.userId,
        approvedAt: at,
        rejection: undefined,
        ...(asap ? { sendAt: at } : {}),
      });
      await publish(deps, 'approved', approved, actor);
      return due ? startCampaign(deps, approved.id) : approved;
    }
    case 'pause': {
      const updated = await applyTransition(deps, actor, current, 'pause');
      await deps.scheduler.cancel(id);
      await publish(deps, 'paused', updated, actor);
      return updated;
    }
    case 'resume': {
      assertTransition('resume', current.status);
      const due = Date.parse(current.sendAt) <= now.getTime();
      if (!current.startedAt && !due) await scheduleStart(deps, current);
      const updated = await applyTransition(deps, actor, current, 'resume');
      await publish(deps, 'resumed', updated, actor);
      return updated.status === 'scheduled' && due ? startCampaign(deps, id) : updated;
    }
    case 'cancel': {
      const updated = await applyTransition(deps, actor, current, 'cancel');
      await deps.scheduler.cancel(id);
      await publish(deps, 'cancelled', updated, actor);
      return updated;
    }
  }
};

const scheduleStart = (deps: CampaignDeps, campaign: Campaign) => {
  const at = new Date(Math.max(Date.parse(campaign.sendAt), deps.now().getTime()));
  return deps.scheduler.schedule(campaign.id, at, campaign.timeZone);
};

/**
 * The schedule's target: a scheduled campaign starts sending. Anything else (paused, cancelled, already
 * started) is left alone, so a late or repeated schedule firing is harmless.
 */
export const startCampaign = async (deps: CampaignDeps, id: string): Promise<Campaign> => {
  const current = await getCampaign(deps, id);
  if (current.status !== 'scheduled') return current;
  let started: Campaign;
  try {
    started = await applyTransition(deps, SYSTEM_ACTOR, current, 'start', {
      startedAt: deps.now().toISOString(),
    });
  } catch (error) {
    // Started (or paused) by a concurrent request meanwhile: that one's outcome stands.
    if (error instanceof ConflictError) return getCampaign(deps, id);
    throw error;
  }
  await publish(deps, 'started', started, SYSTEM_ACTOR);
  return started;
};

/** Sending finished; a yearly campaign leaves next year's copy as a draft (contract §6). */
export const completeCampaign = async (
  deps: CampaignDeps,
  id: string,
): Promise<{ completed: Campaign; nextYear?: Campaign }> => {
  const current = await getCampaign(deps, id);
  const completed = await applyTransition(deps, SYSTEM_ACTOR, current, 'complete', {
    completedAt: deps.now().toISOString(),
  });
  await publish(deps, 'completed', completed, SYSTEM_ACTOR);
  const schedule =
    'asap' in completed.schedule
      ? null
      : nextYearSchedule(completed.schedule, {
          now: new Date(completed.sendAt),
          timeZone: completed.timeZone,
        });
  if (!schedule) return { completed };
  const now = deps.now();
  const draft = {
    id: deps.newId(),
    name: completed.name,
    message: completed.message,
    ...(completed.variants ? { variants: completed.variants } : {}),
    ...(completed.treatments ? { treatments: completed.treatments } : {}),
    ...(completed.holdoutPercent ? { holdoutPercent: completed.holdoutPercent } : {}),
    ...(completed.template ? { template: completed.template } : {}),
    audienceIds: completed.audienceIds,
    ...(completed.filters ? { filters: completed.filters } : {}),
    ...(completed.partnerIds ? { partnerIds: completed.partnerIds } : {}),
    // The copy is sent as the original was: the same links, tracked the same way.
    clickTracking: completed.clickTracking,
    schedule,
    sendAt: resolveSchedule(schedule, completed.timeZone, now),
    sendingWindow: completed.sendingWindow,
    timeZone: completed.timeZone,
    status: 'draft' as const,
    createdBy: completed.createdBy,
    // The copy carries the same text, so whoever wrote it still may not review it.
    editedBy: completed.editedBy,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    previousCampaignId: completed.id,
  };
  // Estimated as the copy: the A/B split is drawn per campaign id.
  const copy: Campaign = { ...draft, estimate: await estimateFor(deps, draft) };
  await deps.campaigns.create(copy, auditEntry(deps, copy, 'repeat', SYSTEM_ACTOR));
  await publish(deps, 'created', copy, SYSTEM_ACTOR);
  return { completed, nextYear: copy };
};
