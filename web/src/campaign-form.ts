import {
  DEFAULT_LOCAL_TIME,
  OCCASION_IDS,
  localToUtc,
  resolveSendAt,
  utcToLocalParts,
  type OccasionId,
  type Schedule,
} from '../../functions/core/calendar.js';
import type { Campaign, CampaignInput, CampaignPatch } from './api/client.js';
import { parseIsoDate, startTimeOn } from './calendar-view.js';
import { contentBody, contentOf, contentPatch, emptyContent, type ContentForm } from './content-form.js';
import { emptyTargeting, filtersOf, hasFilters, targetingOf, type Targeting } from './targeting.js';

/**
 * The campaign editor's fields as the officer fills them, and the API body they stand for. Pure: the
 * clock and the time zone come in as arguments; the calendar is the core's (functions/core/calendar.ts).
 */
export interface CampaignForm {
  name: string;
  message: string;
  audienceIds: string[];
  /** Only recipients in these provinces, communes and groups; nothing chosen = the whole audiences. */
  targeting: Targeting;
  /** Comma-separated, as typed. */
  partnerIds: string;
  /** `asap`: sent the moment it is approved. */
  scheduleMode: 'date' | 'occasion' | 'asap';
  date: string;
  time: string;
  occasion: OccasionId;
  year: number;
  repeat: boolean;
  windowOn: boolean;
  windowStart: string;
  windowEnd: string;
  /** Texts in other languages, A/B treatments and the holdout (content-form.ts). */
  content: ContentForm;
  /** How the links are tracked; a new campaign counts clicks only in aggregate (issue #18). */
  clickTracking: Campaign['clickTracking'];
}

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const DEFAULT_WINDOW = { start: '07:00', end: '22:00' };

export const emptyForm = (now: Date): CampaignForm => ({
  name: '',
  message: '',
  audienceIds: [],
  targeting: emptyTargeting(),
  partnerIds: '',
  clickTracking: 'aggregate',
  scheduleMode: 'occasion',
  date: '',
  time: DEFAULT_LOCAL_TIME,
  occasion: 'anti-trafficking-day',
  year: nextOccasionYear('anti-trafficking-day', now),
  repeat: false,
  windowOn: true,
  windowStart: DEFAULT_WINDOW.start,
  windowEnd: DEFAULT_WINDOW.end,
  content: emptyContent(),
});

/**
 * A new campaign started from a calendar day (`/campaigns/new?startDate=2027-07-30`): sent on that day at
 * 08:00 Vietnam time (today: the next whole hour); a past or malformed day leaves the usual empty form.
 */
export const formStartingOn = (now: Date, startDate: string | null): CampaignForm => {
  const form = emptyForm(now);
  const date = parseIsoDate(startDate);
  const time = date ? startTimeOn(date, now, TIME_ZONE) : undefined;
  return date && time ? { ...form, scheduleMode: 'date', date, time } : form;
};

/** This year's occasion, or next year's once this year's has passed in Vietnam. */
export const nextOccasionYear = (occasion: OccasionId, now: Date): number => {
  const year = Number(utcToLocalParts(now, TIME_ZONE).date.slice(0, 4));
  const thisYear = resolveSendAt({ occasion, year }, { now, timeZone: TIME_ZONE });
  return thisYear.getTime() > now.getTime() ? year : year + 1;
};

const list = (typed: string): string[] =>
  typed
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export const scheduleOf = (form: CampaignForm): CampaignInput['schedule'] => {
  if (form.scheduleMode === 'asap') return { asap: true };
  const repeat = form.repeat ? { repeat: 'yearly' as const } : {};
  if (form.scheduleMode === 'occasion')
    return {
      occasion: form.occasion,
      year: form.year,
      localTime: form.time || DEFAULT_LOCAL_TIME,
      ...repeat,
    };
  let sendAt = `${form.date}T${form.time}`;
  try {
    sendAt = localToUtc(form.date, form.time, TIME_ZONE).toISOString();
  } catch {
    // Left as typed: the API names what is wrong with it, beside the schedule.
  }
  return { sendAt, ...repeat };
};

/** When the schedule sends, or undefined while it is incomplete. */
export const resolvedSendAt = (form: CampaignForm, now: Date): Date | undefined => {
  const schedule = scheduleOf(form);
  if ('asap' in schedule) return undefined;
  try {
    return resolveSendAt(schedule satisfies Schedule, { now, timeZone: TIME_ZONE });
  } catch {
    return undefined;
  }
};

/** The body of POST /v1/campaigns. */
export const campaignBody = (form: CampaignForm): CampaignInput => {
  const filters = filtersOf(form.targeting);
  const partnerIds = list(form.partnerIds);
  return {
    name: form.name,
    message: form.message,
    audienceIds: form.audienceIds,
    ...(hasFilters(filters) ? { filters } : {}),
    schedule: scheduleOf(form),
    sendingWindow: form.windowOn ? { start: form.windowStart, end: form.windowEnd } : null,
    ...(partnerIds.length ? { partnerIds } : {}),
    clickTracking: form.clickTracking,
    ...contentBody(form.content),
  };
};

/**
 * The body of PATCH /v1/campaigns/{id}: the same, with the filters and the content always named, so that
 * what the officer removed (every filter, every variant, the A/B test, the holdout) is removed.
 */
export const campaignPatch = (form: CampaignForm): CampaignPatch => {
  const filters = filtersOf(form.targeting);
  return {
    ...campaignBody(form),
    filters: hasFilters(filters) ? filters : {},
    ...contentPatch(form.content),
  };
};

export const formOf = (campaign: Campaign, now: Date): CampaignForm => {
  const base = emptyForm(now);
  const schedule = campaign.schedule;
  const local = utcToLocalParts(new Date(campaign.sendAt), campaign.timeZone || TIME_ZONE);
  const occasion =
    'occasion' in schedule && OCCASION_IDS.includes(schedule.occasion) ? schedule.occasion : undefined;
  return {
    ...base,
    name: campaign.name,
    message: campaign.message,
    audienceIds: campaign.audienceIds,
    targeting: targetingOf(campaign.filters),
    partnerIds: campaign.partnerIds?.join(', ') ?? '',
    clickTracking: campaign.clickTracking,
    scheduleMode: 'asap' in schedule ? 'asap' : occasion ? 'occasion' : 'date',
    date: local.date,
    time: local.time,
    occasion: occasion ?? base.occasion,
    year: occasion ? Number(local.date.slice(0, 4)) : base.year,
    repeat: 'repeat' in schedule && schedule.repeat === 'yearly',
    windowOn: campaign.sendingWindow !== null,
    windowStart: campaign.sendingWindow?.start ?? DEFAULT_WINDOW.start,
    windowEnd: campaign.sendingWindow?.end ?? DEFAULT_WINDOW.end,
    content: contentOf(campaign),
  };
};
