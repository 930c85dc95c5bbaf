/**
 * A campaign's content (issue #16): which text each recipient gets. Import-free but for the content
 * modules, so the API, the send path and the console read the same rule.
 *
 * - `message` is the `vi` text; `variants` adds one text per other language (`vi-x-khongdau`, `hmn`, ...).
 * - `treatments` (2–4, A/B test) split the recipients by percent; a treatment without `message` sends the
 *   campaign's own `message` and `variants` (the control text); one with `message` sends its `message`
 *   and its own `variants`.
 * - `holdoutPercent` of the recipients receive nothing: the control group.
 */
import { groupOf, treatmentsOf, HOLDOUT, type Group, type Split, type TreatmentId } from './assignment.js';
import { chooseVariant, DEFAULT_LANGUAGE } from './languages.js';
import { fieldsOf, type TemplateField } from './template.js';

export type Variants = Readonly<Record<string, string>>;

export interface Treatment {
  id: TreatmentId;
  percent: number;
  message?: string | undefined;
  variants?: Variants | undefined;
}

export interface Content {
  message: string;
  variants?: Variants | undefined;
  treatments?: readonly Treatment[] | undefined;
  holdoutPercent?: number | undefined;
}

export const splitOf = (content: Pick<Content, 'treatments' | 'holdoutPercent'>): Split => ({
  holdoutPercent: content.holdoutPercent ?? 0,
  treatments: content.treatments?.map(({ id, percent }) => ({ id, percent })) ?? [],
});

/** The texts of a treatment by language, `vi` first; the implicit treatment `A` when there are none. */
export const textsOf = (content: Content, treatment: TreatmentId): ReadonlyMap<string, string> => {
  const own = content.treatments?.find((t) => t.id === treatment);
  const source = own?.message !== undefined ? { message: own.message, variants: own.variants } : content;
  return new Map([[DEFAULT_LANGUAGE, source.message], ...Object.entries(source.variants ?? {})]);
};

/** Every text of the content, for checks and reviews: each treatment (or `A`) and each language. */
export const allTexts = (content: Content): { treatment: TreatmentId; language: string; text: string }[] =>
  treatmentsOf(splitOf(content)).flatMap(({ id }) =>
    [...textsOf(content, id)].map(([language, text]) => ({ treatment: id, language, text })),
  );

/** The fields any text uses, once each; required when any use lacks a fallback. */
export const contentFields = (content: Content): TemplateField[] => {
  const fields = new Map<string, TemplateField>();
  for (const { text } of allTexts(content)) {
    for (const field of fieldsOf(text)) {
      const known = fields.get(field.key);
      if (known) known.required ||= field.required;
      else fields.set(field.key, { ...field });
    }
  }
  return [...fields.values()];
};

export interface Choice {
  group: Group;
  /** Absent for the holdout. */
  language?: string;
  text?: string;
}

/**
 * What one recipient gets: their group by the deterministic split, then the variant of their language.
 * `language` is the recipient's `language` attribute (a canonical tag), if any.
 */
export const chooseContent = (
  content: Content,
  campaignId: string,
  phone: string,
  language: string | undefined,
): Choice => contentChooser(content, campaignId)(phone, language);

/**
 * `chooseContent` for many recipients of one campaign: the split, each treatment's texts and each
 * language's variant worked out once, not per recipient (the estimate and the send go through 100,000s).
 */
export const contentChooser = (
  content: Content,
  campaignId: string,
): ((phone: string, language: string | undefined) => Choice) => {
  const split = splitOf(content);
  const texts = new Map(treatmentsOf(split).map(({ id }) => [id, textsOf(content, id)]));
  const available = new Map([...texts].map(([id, byLanguage]) => [id, new Set(byLanguage.keys())]));
  const chosen = new Map<string, string>();
  const unsplit = split.holdoutPercent === 0 && split.treatments.length === 0;
  return (phone, language) => {
    const group = unsplit ? 'A' : groupOf(split, campaignId, phone);
    if (group === HOLDOUT) return { group };
    const key = `${group}\u0000${language ?? ''}`;
    let variant = chosen.get(key);
    if (variant === undefined) {
      variant = chooseVariant(language, available.get(group) ?? new Set([DEFAULT_LANGUAGE]));
      if (chosen.size < MAX_CHOSEN) chosen.set(key, variant);
    }
    return { group, language: variant, text: texts.get(group)?.get(variant) ?? content.message };
  };
};

/** Languages remembered per chooser: a list holds a few; a bound against one that holds anything. */
const MAX_CHOSEN = 1000;
