import type { AudienceMember } from '#core/audience.js';
import type { Campaign } from '#core/campaign.js';
import { HOLDOUT, type Group } from '#core/content/assignment.js';
import { allTexts, contentChooser, textsOf, type Content } from '#core/content/content.js';
import { DEFAULT_LANGUAGE } from '#core/content/languages.js';
import { parseTemplate, renderTemplate, textPreparer, type ParsedTemplate } from '#core/content/template.js';
import { measureMessage, type SmsEncoding } from '#core/sms-encoding.js';
import type { Batch, BatchMessage } from './batch.js';

/**
 * Who gets which text (issue #16), on the send path: materialisation decides each recipient's group,
 * language and the values their text needs and stores them with the message; dispatch renders from what
 * the batch holds, so a send reads nothing per message.
 */

/** The campaign's content (texts, treatments, holdout) as the content rules take it. */
export const contentOfCampaign = (
  campaign: Pick<Campaign, 'message' | 'variants' | 'treatments' | 'holdoutPercent'>,
): Content => ({
  message: campaign.message,
  ...(campaign.variants ? { variants: campaign.variants } : {}),
  ...(campaign.treatments ? { treatments: campaign.treatments } : {}),
  ...(campaign.holdoutPercent ? { holdoutPercent: campaign.holdoutPercent } : {}),
});

/** What materialisation stores of one recipient's content. */
export interface RecipientContent {
  group: Group;
  /** Only when the campaign has variants. */
  lang?: string;
  /** Only the keys the recipient's text uses, and only those the recipient has a value for. */
  values?: Record<string, string>;
  /** Segments of the recipient's text (links counted as the estimate counts them). */
  segments: number;
}

/** A campaign's content prepared once for materialising all its recipients. */
export interface ContentPlan {
  /** Whether batches record the treatment (the campaign has treatments or a holdout). */
  split: boolean;
  /** Whether messages record their language (the campaign has variants). */
  languages: boolean;
  /** Whether any text has a short link. */
  hasLink: (hasLink: (text: string) => boolean) => boolean;
  of: (member: Pick<AudienceMember, 'phone' | 'language' | 'attributes'>) => RecipientContent;
}

const hasVariants = (content: Content) =>
  Object.keys(content.variants ?? {}).length > 0 ||
  (content.treatments ?? []).some((t) => Object.keys(t.variants ?? {}).length > 0);

export const contentPlan = (campaign: Campaign, shortLinkLength: number): ContentPlan => {
  const content = contentOfCampaign(campaign);
  const languages = hasVariants(content);
  const split = Boolean(content.treatments?.length || content.holdoutPercent);
  const plainLinks = campaign.clickTracking === 'off';
  // Only the text's own cost: the unaccented alternative an officer's estimate shows is not wanted per recipient.
  const segmentsOf = (text: string) => measureMessage(text, { shortLinkLength, plainLinks }).segments;
  const texts = textPreparer(segmentsOf);
  // Split, texts and variant choices prepared once for the whole campaign, not per recipient.
  const choose = contentChooser(content, campaign.id);
  return {
    split,
    languages,
    hasLink: (hasLink) => allTexts(content).some(({ text }) => hasLink(text)),
    of: (member) => {
      const choice = choose(member.phone, member.language);
      if (choice.group === HOLDOUT || choice.text === undefined) return { group: choice.group, segments: 0 };
      const text = texts(choice.text);
      const values: Record<string, string> = {};
      for (const key of text.keys) {
        const value = member.attributes?.[key];
        if (value) values[key] = value;
      }
      const segments =
        text.measured ?? segmentsOf(renderTemplate(text.parsed, { value: (key) => values[key] }).text);
      return {
        group: choice.group,
        ...(languages && choice.language ? { lang: choice.language } : {}),
        ...(Object.keys(values).length ? { values } : {}),
        segments,
      };
    },
  };
};

/** The code of a message that cannot be sent because its text needs a value the recipient lacks. */
export const MISSING_FIELD = 'missing_field';

export type RenderedMessage =
  { ok: true; text: string; encoding: SmsEncoding; segments: number } | { ok: false; missing: string[] };

/**
 * The renderer of a campaign's messages: the text one message of a batch carries, from its treatment,
 * language and stored values, each short link the message's own (each text parsed once). Not `ok` when a
 * required field has no value (the audience changed after submit): that message fails rather than going
 * out with a hole.
 */
export const messageRenderer = (campaign: Campaign) => {
  const content = contentOfCampaign(campaign);
  const parsed = new Map<string, ParsedTemplate>();
  const parse = (text: string) => {
    let known = parsed.get(text);
    if (!known) parsed.set(text, (known = parseTemplate(text)));
    return known;
  };
  return (
    batch: Pick<Batch, 'treatment'>,
    message: Pick<BatchMessage, 'lang' | 'values'>,
    link: (url: string) => string,
  ): RenderedMessage => {
    const treatment = batch.treatment && batch.treatment !== HOLDOUT ? batch.treatment : 'A';
    const template = textsOf(content, treatment).get(message.lang ?? DEFAULT_LANGUAGE) ?? content.message;
    const rendered = renderTemplate(parse(template), { value: (key) => message.values?.[key], link });
    if (rendered.missing.length) return { ok: false, missing: rendered.missing };
    const estimate = measureMessage(rendered.text);
    return { ok: true, text: rendered.text, encoding: estimate.encoding, segments: estimate.segments };
  };
};
