import {
  MAX_HOLDOUT_PERCENT,
  TREATMENT_IDS,
  splitProblem,
  type TreatmentId,
} from '../../functions/core/content/assignment.js';
import { contentFields, splitOf, type Content } from '../../functions/core/content/content.js';
import {
  DEFAULT_LANGUAGE,
  KNOWN_LANGUAGES,
  canonicalLanguageTag,
  languageName,
  languageTagOf,
} from '../../functions/core/content/languages.js';
import { parseTemplate, type TemplateField } from '../../functions/core/content/template.js';
import { messageFor, type Lang } from '../../functions/core/messages.js';

/**
 * The editor's message content beyond the Vietnamese text (issue #16): one text per other language, the
 * A/B treatments and the holdout, as the form holds them, and the body the API takes. Pure, so the rules
 * (which tag a name means, what adds up to 100) are tested without a browser and are the core's own.
 */
export interface VariantDraft {
  /** Canonical BCP 47 tag, never `vi` (the campaign message is the `vi` text). */
  language: string;
  text: string;
}

export interface TreatmentDraft {
  id: TreatmentId;
  percent: number;
  /** False: the treatment sends the campaign's own texts (the control text). */
  own: boolean;
  message: string;
}

export interface ContentForm {
  variants: VariantDraft[];
  /** Empty, or 2–4 treatments. */
  treatments: TreatmentDraft[];
  holdoutPercent: number;
}

export const MIN_TREATMENTS = 2;
export const MAX_TREATMENTS = TREATMENT_IDS.length;
export { MAX_HOLDOUT_PERCENT };

export const emptyContent = (): ContentForm => ({ variants: [], treatments: [], holdoutPercent: 0 });

interface ContentView {
  variants?: Record<string, string> | undefined;
  treatments?:
    { id: TreatmentId; percent: number; message?: string | undefined; variants?: unknown }[] | undefined;
  holdoutPercent?: number | undefined;
}

/** Known languages in KNOWN_LANGUAGES order (unaccented Vietnamese first), then the others by tag. */
const rank = (tag: string) => {
  const known = KNOWN_LANGUAGES.findIndex((language) => language.tag === tag);
  return known < 0 ? KNOWN_LANGUAGES.length : known;
};
export const byLanguageOrder = (a: string, b: string): number =>
  rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);

export const contentOf = (view: ContentView): ContentForm => ({
  variants: Object.entries(view.variants ?? {})
    .sort(([a], [b]) => byLanguageOrder(a, b))
    .map(([language, text]) => ({ language, text })),
  treatments: (view.treatments ?? []).map(({ id, percent, message }) => ({
    id,
    percent,
    own: message !== undefined,
    message: message ?? '',
  })),
  holdoutPercent: view.holdoutPercent ?? 0,
});

const variantsRecord = (variants: readonly VariantDraft[]) =>
  Object.fromEntries(variants.map(({ language, text }) => [language, text]));

type TreatmentBody = { id: TreatmentId; percent: number; message?: string };

const treatmentsBody = (treatments: readonly TreatmentDraft[]): TreatmentBody[] =>
  treatments.map(({ id, percent, own, message }) => (own ? { id, percent, message } : { id, percent }));

/** The content part of a new campaign's body: only what it has. */
export const contentBody = (
  content: ContentForm,
): Pick<Content, 'variants' | 'holdoutPercent'> & { treatments?: TreatmentBody[] } => ({
  ...(content.variants.length ? { variants: variantsRecord(content.variants) } : {}),
  ...(content.treatments.length ? { treatments: treatmentsBody(content.treatments) } : {}),
  ...(content.holdoutPercent ? { holdoutPercent: content.holdoutPercent } : {}),
});

/**
 * The content part of a PATCH: every part named, null for what the draft no longer has (its last
 * variant removed, the A/B test turned off, the holdout set to 0), which the API then removes.
 */
export const contentPatch = (
  content: ContentForm,
): {
  variants: Record<string, string> | null;
  treatments: TreatmentBody[] | null;
  holdoutPercent: number | null;
} => ({
  variants: content.variants.length ? variantsRecord(content.variants) : null,
  treatments: content.treatments.length ? treatmentsBody(content.treatments) : null,
  holdoutPercent: content.holdoutPercent === 0 ? null : content.holdoutPercent,
});

/** The core's view of the content, for its rules (fields, split). */
export const asContent = (message: string, content: ContentForm): Content => ({
  message,
  variants: variantsRecord(content.variants),
  treatments: content.treatments.map(({ id, percent, own, message: text }) =>
    own ? { id, percent, message: text } : { id, percent },
  ),
  holdoutPercent: content.holdoutPercent,
});

/** The fields all the texts use, required when a use has no fallback. */
export const fieldsUsed = (message: string, content: ContentForm): TemplateField[] =>
  contentFields(asContent(message, content));

/** The placeholder problems of one text, in the reader's language, from the API's own catalogue. */
export const textProblems = (text: string, lang: Lang): string[] =>
  parseTemplate(text.normalize('NFC')).problems.map((problem) =>
    messageFor(problem.code, { placeholder: problem.placeholder, at: problem.at + 1 }, lang),
  );

/** Languages an officer can still add, by name in the reader's language. */
export const addableLanguages = (content: ContentForm, lang: Lang): { tag: string; name: string }[] =>
  KNOWN_LANGUAGES.filter(
    ({ tag }) => tag !== DEFAULT_LANGUAGE && !content.variants.some((v) => v.language === tag),
  ).map(({ tag }) => ({ tag, name: languageName(tag, lang) }));

export type AddLanguageProblem = 'invalid' | 'default' | 'duplicate' | 'too_many';

export const MAX_VARIANTS = 8;

/**
 * The tag an officer's choice or typed text means (a tag, or a name as in a spreadsheet: `H'Mông`,
 * `tiếng Khmer`), or why it cannot be added.
 */
export const languageToAdd = (
  content: ContentForm,
  typed: string,
): { tag: string } | { problem: AddLanguageProblem } => {
  const tag = languageTagOf(typed) ?? canonicalLanguageTag(typed.trim());
  if (!tag) return { problem: 'invalid' };
  if (tag === DEFAULT_LANGUAGE) return { problem: 'default' };
  if (content.variants.some((v) => v.language === tag)) return { problem: 'duplicate' };
  if (content.variants.length >= MAX_VARIANTS) return { problem: 'too_many' };
  return { tag };
};

export const withVariant = (content: ContentForm, language: string, text: string): ContentForm => {
  const known = content.variants.some((v) => v.language === language);
  return {
    ...content,
    variants: known
      ? content.variants.map((v) => (v.language === language ? { language, text } : v))
      : [...content.variants, { language, text }],
  };
};

export const withoutVariant = (content: ContentForm, language: string): ContentForm => ({
  ...content,
  variants: content.variants.filter((v) => v.language !== language),
});

/** Whole percents shared out as evenly as whole numbers allow, the first ones taking the rest. */
const evenly = (count: number, total: number): number[] =>
  Array.from({ length: count }, (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0));

/** Treatments renamed A, B, ... in order, sharing what the holdout leaves evenly. */
const reshare = (treatments: readonly TreatmentDraft[], holdoutPercent: number): TreatmentDraft[] => {
  const shares = evenly(treatments.length, 100 - holdoutPercent);
  return treatments.map((treatment, i) => ({
    ...treatment,
    id: TREATMENT_IDS[i] ?? 'D',
    percent: shares[i] ?? 0,
  }));
};

/** Starts an A/B test: A sends the campaign's text, B its own (starting as a copy to edit). */
export const startTest = (content: ContentForm, message: string): ContentForm => ({
  ...content,
  treatments: reshare(
    [
      { id: 'A', percent: 0, own: false, message: '' },
      { id: 'B', percent: 0, own: true, message },
    ],
    content.holdoutPercent,
  ),
});

export const stopTest = (content: ContentForm): ContentForm => ({ ...content, treatments: [] });

export const addTreatment = (content: ContentForm, message: string): ContentForm =>
  content.treatments.length >= MAX_TREATMENTS
    ? content
    : {
        ...content,
        treatments: reshare(
          [...content.treatments, { id: 'D', percent: 0, own: true, message }],
          content.holdoutPercent,
        ),
      };

export const removeTreatment = (content: ContentForm, id: TreatmentId): ContentForm =>
  content.treatments.length <= MIN_TREATMENTS
    ? content
    : {
        ...content,
        treatments: reshare(
          content.treatments.filter((t) => t.id !== id),
          content.holdoutPercent,
        ),
      };

export const withTreatment = (
  content: ContentForm,
  id: TreatmentId,
  changes: Partial<Omit<TreatmentDraft, 'id'>>,
): ContentForm => ({
  ...content,
  treatments: content.treatments.map((t) => (t.id === id ? { ...t, ...changes } : t)),
});

/** Percent typed in a box: a whole number, or NaN for anything else (the sum then says so). */
export const percentOf = (typed: string): number => (/^\s*\d{1,3}\s*$/.test(typed) ? Number(typed) : NaN);

export interface SplitState {
  /** Treatments and holdout together, in percent. */
  total: number;
  /** The core's problem with the split, when there is one. */
  problem?: ReturnType<typeof splitProblem> | { code: 'not_whole_percent' };
}

/** The live check of the split: the same rule the API applies (treatments + holdout = 100). */
export const splitState = (content: ContentForm): SplitState => {
  const percents = [...content.treatments.map((t) => t.percent), content.holdoutPercent];
  const total = percents.reduce((sum, p) => sum + (Number.isFinite(p) ? p : 0), 0);
  if (percents.some((p) => !Number.isInteger(p) || p < 0)) {
    return { total, problem: { code: 'not_whole_percent' } };
  }
  const problem = splitProblem(splitOf(asContent('', content)));
  return problem ? { total, problem } : { total };
};

/** Each treatment's texts, for the review: its own, or the campaign's when it sends the control text. */
export const treatmentTexts = (
  message: string,
  content: ContentForm,
  id: TreatmentId,
): { language: string; text: string }[] => {
  const treatment = content.treatments.find((t) => t.id === id);
  if (treatment?.own) return [{ language: DEFAULT_LANGUAGE, text: treatment.message }];
  return [
    { language: DEFAULT_LANGUAGE, text: message },
    ...content.variants.map(({ language, text }) => ({ language, text })),
  ];
};

/** A field of the server's estimate (`estimate.fields`). */
export interface FieldEstimate {
  key: string;
  name: string;
  required: boolean;
  missing: number;
}

/** Fields some sendable recipient lacks where the text has no fallback: what submit refuses. */
export const missingFields = <F extends FieldEstimate>(
  estimate: { fields?: readonly F[] | undefined } | undefined,
): F[] => (estimate?.fields ?? []).filter((field) => field.required && field.missing > 0);

/** A template's languages by name, Vietnamese first. */
export const templateLanguages = (
  template: { variants?: Record<string, string> | undefined },
  lang: Lang,
): string[] =>
  [DEFAULT_LANGUAGE, ...Object.keys(template.variants ?? {}).sort(byLanguageOrder)].map((tag) =>
    languageName(tag, lang),
  );

/** Officers and admins write templates; approvers and planners read them (the API's rule). */
export const mayWriteTemplates = (role: string): boolean => role === 'officer' || role === 'admin';

/**
 * The template reference a new campaign's body carries: while its texts are still the template's, the
 * body names the template (and version) instead of the texts, so the campaign records where they came
 * from; once edited, the campaign has its own texts.
 */
export const fromTemplate = (
  template: { id: string; version: number; message: string; variants?: Record<string, string> | undefined },
  message: string,
  content: ContentForm,
): { templateId: string; templateVersion: number } | undefined => {
  const own = variantsRecord(content.variants);
  const theirs = template.variants ?? {};
  const same =
    message === template.message &&
    Object.keys(own).length === Object.keys(theirs).length &&
    Object.entries(own).every(([tag, text]) => theirs[tag] === text);
  return same ? { templateId: template.id, templateVersion: template.version } : undefined;
};
