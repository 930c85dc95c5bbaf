import type { AudienceMember } from './audience.js';
import { CARRIERS, type Carrier } from './carriers.js';
import type { CampaignEstimate, ClickTracking } from './campaign.js';
import { treatmentsOf, type TreatmentId } from './content/assignment.js';
import { contentChooser, splitOf, textsOf, contentFields, type Content } from './content/content.js';
import { DEFAULT_LANGUAGE } from './content/languages.js';
import { renderTemplate, textPreparer, type TemplateField } from './content/template.js';
import type { PartnerView } from './partner.js';
import { routingTable } from './routing.js';
import { estimateMessage, measureMessage, type SmsEncoding } from './sms-encoding.js';
import { audienceFilter, type AudienceFilters } from './audience-filters.js';
import { canonicalProvinceName } from './provinces.js';
import { AppError, detail, type ErrorDetail } from './errors.js';
import { messageFor } from './messages.js';

export interface EstimateInput extends Content {
  /**
   * The campaign's id: with treatments or a holdout it decides who is in which group (`groupOf`), so the
   * estimate counts the groups the send will make. Without a split any id gives the same answer.
   */
  campaignId?: string | undefined;
  filters?: AudienceFilters | undefined;
  partnerIds?: readonly string[] | undefined;
  shortLinkLength: number;
  /** `off`: each link is sent (so counted) as its URL; otherwise as a short link (one code per recipient or per campaign, the same length). */
  clickTracking?: ClickTracking | undefined;
}

/** How the campaign's links are counted: as the SMS will carry them (its URL when tracking is off). */
const linkCounting = (input: Pick<EstimateInput, 'shortLinkLength' | 'clickTracking'>) => ({
  shortLinkLength: input.shortLinkLength,
  plainLinks: input.clickTracking === 'off',
});

/** Members of one audience, named so that a missing value can be traced to the audience that holds it. */
export interface AudienceChunk {
  audienceId: string;
  members: readonly AudienceMember[];
}

/** A chunk of members: of a named audience, or (in tests of counting alone) of no audience in particular. */
export type MemberChunk = readonly AudienceMember[] | AudienceChunk;

/** One recipient's text, as the preview shows it. */
export interface RecipientText {
  phone: string;
  text: string;
  encoding: SmsEncoding;
  characters: number;
  segments: number;
  missing: readonly string[];
}

/** What one treatment's text in one language comes to over the recipients who get it. */
export interface TextTally {
  treatment: TreatmentId;
  language: string;
  /** As written. */
  text: string;
  recipients: number;
  totalSegments: number;
  cost: number;
  maxSegments: number;
  ucs2: boolean;
  nonGsmCharacters: Set<string>;
  /** The first recipient who gets it, and the one whose text has the most segments (then characters). */
  example?: RecipientText;
  worst?: RecipientText;
}

export interface FieldTally {
  field: TemplateField;
  present: number;
  missing: number;
  missingByAudience: Record<string, number>;
  longest: number;
}

/** One pass over the recipients: the estimate's counts, and what the preview shows. */
export interface CampaignSurvey {
  recipients: number;
  suppressed: number;
  unroutable: number;
  holdout: number;
  sendable: number;
  byCarrier: Partial<Record<Carrier, number>>;
  byProvince: Record<string, number>;
  /** Every text of the content, in the order of `allTexts` (each treatment, `vi` first). */
  texts: TextTally[];
  fields: FieldTally[];
  cost: number;
  currency: string;
}

/** Audience ids of chunks given without one (tests): counted under this key. */
export const UNNAMED_AUDIENCE = '';

/** Distinct measurements kept: enough for repeated values, bounded for audiences of distinct names. */
const MEASURE_CACHE_LIMIT = 50_000;

/** Characters the estimate lists that force UCS-2, at the most per text. */
const MAX_NON_GSM_LISTED = 50;

/** `vi` first, then the other tags in order: a stored record does not keep the order they were written in. */
const byLanguage = (texts: ReadonlyMap<string, string>) =>
  [...texts].sort(([a], [b]) =>
    a === DEFAULT_LANGUAGE ? -1 : b === DEFAULT_LANGUAGE ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );

const keyOf = (treatment: string, language: string) => `${treatment}\u0000${language}`;

const isNamed = (chunk: MemberChunk): chunk is AudienceChunk => !Array.isArray(chunk);

const characterCount = (text: string) => Array.from(text).length;

/**
 * Goes through a campaign's audience the way it will be sent (contract §6): each phone once however many
 * audiences hold it, the filters applied (`audienceFilter`, as at send time), opted-out phones suppressed,
 * phones whose carrier no partner serves unroutable, the holdout apart (it receives nothing and costs
 * nothing). Each sendable recipient gets the text `chooseContent` picks (the send path's rule) with their
 * own attribute values filled in, measured as it will be sent; cost at the price of the partner that would
 * carry it. Measurements are cached by the rendered text: a text without fields is measured once.
 */
export const surveyCampaign = async (
  input: EstimateInput,
  memberChunks: AsyncIterable<MemberChunk>,
  optedOut: ReadonlySet<string>,
  partners: readonly PartnerView[],
): Promise<CampaignSurvey> => {
  const targeted = audienceFilter(input.filters);
  const routes = routingTable(CARRIERS, partners, input.partnerIds);
  const campaignId = input.campaignId ?? '';
  const content: Content = input;
  // The send path's rule (`chooseContent`), worked out once for the campaign.
  const choose = contentChooser(content, campaignId);
  const measureOptions = linkCounting(input);
  const measurements = new Map<string, ReturnType<typeof measureMessage>>();
  const measure = (text: string) => {
    let measured = measurements.get(text);
    if (!measured) {
      measured = measureMessage(text, measureOptions);
      if (measurements.size < MEASURE_CACHE_LIMIT) measurements.set(text, measured);
    }
    return measured;
  };

  const texts = new Map<string, TextTally>();
  /** Each text parsed once; one without fields is also measured once, not per recipient. */
  const templates = textPreparer(measure);
  for (const { id } of treatmentsOf(splitOf(content))) {
    for (const [language, text] of byLanguage(textsOf(content, id))) {
      texts.set(keyOf(id, language), {
        treatment: id,
        language,
        text,
        recipients: 0,
        totalSegments: 0,
        cost: 0,
        maxSegments: 0,
        ucs2: false,
        nonGsmCharacters: new Set(),
      });
    }
  }
  const fields = new Map<string, FieldTally>(
    contentFields(content).map((field) => [
      field.key,
      { field, present: 0, missing: 0, missingByAudience: {}, longest: 0 },
    ]),
  );
  const price = new Map<Carrier, number>();
  let currency: string | undefined;
  for (const carrier of CARRIERS) {
    const partner = routes.get(carrier)?.[0];
    if (!partner) continue;
    price.set(carrier, partner.pricePerSegment ?? 0);
    currency ??= partner.currency;
  }

  const seen = new Set<string>();
  const byCarrier: Partial<Record<Carrier, number>> = {};
  const byProvince: Record<string, number> = {};
  let suppressed = 0;
  let unroutable = 0;
  let holdout = 0;
  let cost = 0;

  for await (const chunk of memberChunks) {
    const audienceId = isNamed(chunk) ? chunk.audienceId : UNNAMED_AUDIENCE;
    for (const member of isNamed(chunk) ? chunk.members : chunk) {
      if (seen.has(member.phone)) continue;
      if (!targeted(member)) continue;
      seen.add(member.phone);
      if (optedOut.has(member.phone)) {
        suppressed++;
        continue;
      }
      const perSegment = price.get(member.carrier);
      if (perSegment === undefined) {
        unroutable++;
        continue;
      }
      const choice = choose(member.phone, member.language);
      if (choice.group === 'holdout' || choice.text === undefined || choice.language === undefined) {
        holdout++;
        continue;
      }
      byCarrier[member.carrier] = (byCarrier[member.carrier] ?? 0) + 1;
      // Members imported before the province registry may hold a former name: counted under its successor.
      if (member.province !== undefined) {
        const province = canonicalProvinceName(member.province);
        byProvince[province] = (byProvince[province] ?? 0) + 1;
      }

      const template = templates(choice.text);
      const attributes = member.attributes;
      const rendered = template.keys.length
        ? renderTemplate(template.parsed, { value: (key) => attributes?.[key] })
        : { text: choice.text, missing: [] };
      for (const key of template.keys) {
        const field = fields.get(key);
        const value = attributes?.[key];
        if (!field) continue;
        if (value) {
          field.present++;
          const length = characterCount(value);
          if (length > field.longest) field.longest = length;
        } else if (rendered.missing.includes(key)) {
          field.missing++;
          field.missingByAudience[audienceId] = (field.missingByAudience[audienceId] ?? 0) + 1;
        }
      }

      const measured = template.measured ?? measure(rendered.text);
      const tally = texts.get(keyOf(choice.group, choice.language));
      if (!tally) continue;
      const messageCost = measured.segments * perSegment;
      tally.recipients++;
      tally.totalSegments += measured.segments;
      tally.cost += messageCost;
      cost += messageCost;
      if (measured.encoding === 'UCS-2') {
        tally.ucs2 = true;
        for (const char of measured.nonGsmCharacters) {
          if (tally.nonGsmCharacters.size >= MAX_NON_GSM_LISTED) break;
          tally.nonGsmCharacters.add(char);
        }
      }
      const worst = tally.worst;
      const worse =
        !worst ||
        measured.segments > worst.segments ||
        (measured.segments === worst.segments && measured.characters > worst.characters);
      if (!tally.example || worse) {
        const recipientText: RecipientText = {
          phone: member.phone,
          text: rendered.text,
          encoding: measured.encoding,
          characters: measured.characters,
          segments: measured.segments,
          missing: rendered.missing,
        };
        tally.example ??= recipientText;
        if (worse) tally.worst = recipientText;
      }
      if (measured.segments > tally.maxSegments) tally.maxSegments = measured.segments;
    }
  }

  return {
    recipients: seen.size,
    suppressed,
    unroutable,
    holdout,
    sendable: seen.size - suppressed - unroutable - holdout,
    byCarrier,
    byProvince,
    texts: [...texts.values()],
    fields: [...fields.values()],
    cost,
    currency: currency ?? 'VND',
  };
};

/** A text as a recipient without any value gets it: fallbacks in, required fields empty. */
export const fallbackText = (text: string): { text: string; missing: string[] } =>
  renderTemplate(text, { value: () => undefined });

const round = (amount: number) => Math.round(amount * 100) / 100;

/**
 * Counts a campaign's audience the way it will be sent (`surveyCampaign`) and prices it: in total, per
 * language variant (`vi` first) and per treatment, with each field's values as the recipients hold them.
 * A variant nobody gets is measured as written, with its fallbacks.
 */
export const estimateCampaign = async (
  input: EstimateInput,
  memberChunks: AsyncIterable<MemberChunk>,
  optedOut: ReadonlySet<string>,
  partners: readonly PartnerView[],
  now: Date,
): Promise<CampaignEstimate> => {
  const survey = await surveyCampaign(input, memberChunks, optedOut, partners);

  // In the survey's order: `vi` first, then by tag.
  const languages = [...new Set(survey.texts.map((t) => t.language))];
  const asWritten = (text: string) => estimateMessage(fallbackText(text).text, linkCounting(input));
  const byVariant = languages.map((language) => {
    const tallies = survey.texts.filter((t) => t.language === language);
    const recipients = tallies.reduce((sum, t) => sum + t.recipients, 0);
    if (!recipients) {
      // Nobody gets it: what it comes to as written, with its fallbacks (the longest of its treatments).
      const measured = tallies.map((t) => asWritten(t.text));
      return {
        language,
        recipients: 0,
        encoding: measured.some((m) => m.encoding === 'UCS-2') ? ('UCS-2' as const) : ('GSM-7' as const),
        segmentsPerMessage: Math.max(0, ...measured.map((m) => m.segments)),
        totalSegments: 0,
        cost: 0,
        nonGsmCharacters: [...new Set(measured.flatMap((m) => m.nonGsmCharacters))],
      };
    }
    return {
      language,
      recipients,
      encoding: tallies.some((t) => t.ucs2) ? ('UCS-2' as const) : ('GSM-7' as const),
      segmentsPerMessage: Math.max(...tallies.map((t) => t.maxSegments)),
      totalSegments: tallies.reduce((sum, t) => sum + t.totalSegments, 0),
      cost: round(tallies.reduce((sum, t) => sum + t.cost, 0)),
      nonGsmCharacters: [...new Set(tallies.flatMap((t) => [...t.nonGsmCharacters]))],
    };
  });

  const byTreatment = input.treatments?.length
    ? treatmentsOf(splitOf(input)).map(({ id }) => {
        const tallies = survey.texts.filter((t) => t.treatment === id);
        return {
          treatment: id,
          recipients: tallies.reduce((sum, t) => sum + t.recipients, 0),
          totalSegments: tallies.reduce((sum, t) => sum + t.totalSegments, 0),
          cost: round(tallies.reduce((sum, t) => sum + t.cost, 0)),
        };
      })
    : undefined;

  const written = asWritten(input.message);
  const sent = survey.texts.filter((t) => t.recipients > 0);
  const totalSegments = survey.texts.reduce((sum, t) => sum + t.totalSegments, 0);
  const nonGsmCharacters = sent.length
    ? [...new Set(sent.flatMap((t) => [...t.nonGsmCharacters]))]
    : written.nonGsmCharacters;

  return {
    recipients: survey.recipients,
    suppressed: survey.suppressed,
    unroutable: survey.unroutable,
    sendable: survey.sendable,
    holdout: survey.holdout,
    byCarrier: survey.byCarrier,
    byProvince: survey.byProvince,
    byVariant,
    ...(byTreatment ? { byTreatment } : {}),
    fields: survey.fields.map(({ field, present, missing, missingByAudience, longest }) => ({
      key: field.key,
      name: field.name,
      required: field.required,
      present,
      missing,
      missingByAudience,
      longest,
    })),
    encoding: sent.length ? (sent.some((t) => t.ucs2) ? 'UCS-2' : 'GSM-7') : written.encoding,
    segmentsPerMessage: sent.length ? Math.max(...sent.map((t) => t.maxSegments)) : written.segments,
    totalSegments,
    cost: round(survey.cost),
    currency: survey.currency,
    nonGsmCharacters,
    ...(input.clickTracking ? { clickTracking: input.clickTracking } : {}),
    estimatedAt: now.toISOString(),
  };
};

/** Details of a refused submit, at the most: one per field and audience. */
export const MAX_MISSING_FIELD_DETAILS = 20;

/**
 * A campaign whose text needs a value (a field without a fallback) that some recipient lacks cannot be
 * submitted: they would get a sentence with a hole. 409, as the request is sound and the campaign valid:
 * it is the audience's data that stands in the way (filling the values in, or giving the field a fallback,
 * lets the same request through). One detail per field and audience, with how many lack it.
 */
export class MissingFieldValuesError extends AppError {
  constructor(fields: number, details: ErrorDetail[]) {
    super('conflict', 409, messageFor('submit_missing_field_values', { fields }, 'en'), details, undefined, {
      code: 'submit_missing_field_values',
      params: { fields },
    });
  }
}

/** The refusal of a submit with this estimate, if it must be refused. */
export const missingFieldValues = (
  estimate: Pick<CampaignEstimate, 'fields'>,
  audienceIds: readonly string[],
): MissingFieldValuesError | undefined => {
  const details = (estimate.fields ?? []).flatMap((field) =>
    Object.entries(field.missingByAudience)
      .filter(([, missing]) => missing > 0)
      .map(([audienceId, missing]) => {
        const index = audienceIds.indexOf(audienceId);
        return detail(index < 0 ? 'audienceIds' : `audienceIds.${index}`, 'missing_field_values', {
          field: field.name,
          missing,
          audienceId,
        });
      }),
  );
  if (!details.length) return undefined;
  const fields = (estimate.fields ?? []).filter((field) => field.missing > 0).length;
  return new MissingFieldValuesError(fields, details.slice(0, MAX_MISSING_FIELD_DETAILS));
};
