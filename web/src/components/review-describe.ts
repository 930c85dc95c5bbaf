import type { Campaign } from '../api/client.js';
import type { I18n } from '../i18n/index.js';
import type { ReviewedVersion } from '../review/version-diff.js';
import { describeFilters } from '../targeting.js';
import { languageName } from '../../../functions/core/content/languages.js';

/** Each reviewed field in words an approver reads, for the review page and its list of changes. */
export const describeSchedule = (
  { t, dateTime }: I18n,
  schedule: Campaign['schedule'],
  timeZone: string,
  sendAt?: string,
): string => {
  if ('asap' in schedule) return t.review.asap;
  const when =
    'sendAt' in schedule
      ? dateTime(sendAt ?? schedule.sendAt, timeZone)
      : schedule.year !== undefined
        ? t.review.occasionAt(
            t.editor.occasions[schedule.occasion] ?? schedule.occasion,
            String(schedule.year),
            schedule.localTime ?? '08:00',
          )
        : t.review.occasionNext(
            t.editor.occasions[schedule.occasion] ?? schedule.occasion,
            schedule.localTime ?? '08:00',
          );
  return schedule.repeat === 'yearly' ? `${when}, ${t.review.repeatYearly}` : when;
};

export const describeWindow = ({ t }: I18n, window: ReviewedVersion['sendingWindow']): string =>
  window ? t.editor.windowLine(window.start, window.end) : t.editor.windowAny;

/** Whom the campaign reaches: `Tỉnh: Thái Nguyên, Tuyên Quang · Nhóm: có một trong dan-toc-thieu-so`. */
export const describeTargeting = ({ t }: I18n, filters: ReviewedVersion['filters']): string =>
  describeFilters(t.targeting.words, filters);

export const describePartners = ({ t }: I18n, partnerIds: ReviewedVersion['partnerIds']): string =>
  partnerIds?.length ? partnerIds.join(', ') : t.review.anyPartner;

export const describeAudiences = (audienceIds: readonly string[], names: Record<string, string>): string =>
  audienceIds.map((id) => names[id] ?? id).join(', ');

/** The language variants: `Tiếng H'Mông: … · Tiếng Việt không dấu: …`. */
export const describeVariants = ({ t, lang }: I18n, variants: ReviewedVersion['variants']): string => {
  const entries = Object.entries(variants ?? {});
  return entries.length
    ? entries.map(([tag, text]) => `${languageName(tag, lang)}: ${text}`).join(' · ')
    : t.content.noVariants;
};

/** The treatments: `Phương án A: 45 % (nội dung chính) · Phương án B: 45 %: …`. */
export const describeTreatments = ({ t, number }: I18n, treatments: ReviewedVersion['treatments']): string =>
  treatments?.length
    ? treatments
        .map(
          (treatment) =>
            `${t.content.treatmentLine(treatment.id, number(treatment.percent))}: ${
              treatment.message ?? t.content.sameAsMain
            }`,
        )
        .join(' · ')
    : t.content.noTreatments;

export const describeHoldout = ({ t, number }: I18n, percent: ReviewedVersion['holdoutPercent']): string =>
  percent ? t.content.holdoutLine(number(percent)) : t.content.noHoldout;

/** A field of a version in words; the message is shown as a diff instead. */
export const describeField = (
  i18n: I18n,
  version: ReviewedVersion,
  field: Exclude<keyof ReviewedVersion, 'message'>,
  audienceNames: Record<string, string>,
): string => {
  switch (field) {
    case 'name':
      return version.name;
    case 'audienceIds':
      return describeAudiences(version.audienceIds, audienceNames);
    case 'filters':
      return describeTargeting(i18n, version.filters);
    case 'schedule':
      return describeSchedule(i18n, version.schedule, version.timeZone);
    case 'sendingWindow':
      return describeWindow(i18n, version.sendingWindow);
    case 'partnerIds':
      return describePartners(i18n, version.partnerIds);
    case 'timeZone':
      return version.timeZone;
    case 'variants':
      return describeVariants(i18n, version.variants);
    case 'treatments':
      return describeTreatments(i18n, version.treatments);
    case 'holdoutPercent':
      return describeHoldout(i18n, version.holdoutPercent);
    case 'clickTracking':
      // A version kept before the modes existed was sent with a code per recipient.
      return i18n.t.editor.clickTrackingModes[version.clickTracking ?? 'recipient'];
  }
};
