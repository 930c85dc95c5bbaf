/**
 * The message template language (issue #16), shared with the console, so it imports nothing but the
 * import-free SMS module.
 *
 * - `{{link:URL}}` is a short link (as before).
 * - `{{name}}` is a field filled from the recipient's attributes; `{{name|fallback}}` uses `fallback` when
 *   the recipient has no value (`{{Tên|bà con}}`). A field's name is matched by its key (`attributeKey`):
 *   `{{Họ và tên}}`, `{{ho va ten}}` and `{{HO_VA_TEN}}` all read the attribute `ho_va_ten`, which is what
 *   an imported column headed `Họ và tên` is stored as. A name never holds `:`, so no field is a link.
 * - `\{{` is a literal `{{`. A value is inserted as it is: it is never read as a field or a link.
 */
import { LINK_PLACEHOLDER, removeVietnameseAccents } from '../sms-encoding.js';

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'link'; url: string; index: number }
  | { kind: 'field'; name: string; key: string; fallback?: string };

export const TEMPLATE_PROBLEM_CODES = [
  'unclosed_placeholder',
  'invalid_placeholder',
  'reserved_placeholder',
  'placeholder_too_long',
] as const;
export type TemplateProblemCode = (typeof TEMPLATE_PROBLEM_CODES)[number];

export interface TemplateProblem {
  code: TemplateProblemCode;
  /** Index in the text (UTF-16 units) where the placeholder starts. */
  at: number;
  /** The placeholder as written, cut to 60 characters. */
  placeholder: string;
}

export interface ParsedTemplate {
  parts: TemplatePart[];
  problems: TemplateProblem[];
}

/** Longest field name and longest fallback, in characters. */
export const MAX_FIELD_NAME_LENGTH = 40;
export const MAX_FALLBACK_LENGTH = 60;

/** Keys no attribute may take: `link` is the short link's word. */
export const RESERVED_KEYS: readonly string[] = ['link'];

const FIELD_NAME = /^[\p{L}\p{M}\p{N}_ .'-]+$/u;
const LINK = new RegExp(`^${LINK_PLACEHOLDER.source}$`);

/**
 * An attribute's key: accents folded (đ → d), lower case, every run of other characters one `_`.
 * `Họ và tên` → `ho_va_ten`, `Số hộ` → `so_ho`, `Tên` → `ten`. Empty when nothing is left.
 */
export const attributeKey = (name: string): string =>
  removeVietnameseAccents(name.normalize('NFC'))
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

const cut = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** One `{{...}}` token: a link, a field, or a problem. */
const readToken = (token: string, at: number, linkIndex: number): TemplatePart | TemplateProblem => {
  const link = LINK.exec(token);
  if (link?.[1]) return { kind: 'link', url: link[1], index: linkIndex };
  const inner = token.slice(2, -2);
  const bar = inner.indexOf('|');
  const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  const fallback = bar < 0 ? undefined : inner.slice(bar + 1).trim();
  const problem = (code: TemplateProblemCode): TemplateProblem => ({ code, at, placeholder: cut(token) });
  if (!name || !FIELD_NAME.test(name) || (fallback !== undefined && /[{}\n\r]/.test(fallback))) {
    return problem('invalid_placeholder');
  }
  if (name.length > MAX_FIELD_NAME_LENGTH || (fallback?.length ?? 0) > MAX_FALLBACK_LENGTH) {
    return problem('placeholder_too_long');
  }
  const key = attributeKey(name);
  if (!key) return problem('invalid_placeholder');
  if (RESERVED_KEYS.includes(key)) return problem('reserved_placeholder');
  return fallback === undefined ? { kind: 'field', name, key } : { kind: 'field', name, key, fallback };
};

/** Splits a text into literal text, links and fields, with every malformed placeholder as a problem. */
export const parseTemplate = (text: string): ParsedTemplate => {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let literal = '';
  let links = 0;
  let i = 0;
  const flush = () => {
    if (literal) parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  while (i < text.length) {
    if (text.startsWith('\\{{', i)) {
      literal += '{{';
      i += 3;
      continue;
    }
    if (!text.startsWith('{{', i)) {
      literal += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf('}}', i + 2);
    const nextOpen = text.indexOf('{{', i + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      problems.push({ code: 'unclosed_placeholder', at: i, placeholder: cut(text.slice(i, i + 60)) });
      literal += '{{';
      i += 2;
      continue;
    }
    const token = text.slice(i, close + 2);
    const part = readToken(token, i, links);
    if ('code' in part) {
      problems.push(part);
      literal += token;
    } else {
      flush();
      parts.push(part);
      if (part.kind === 'link') links += 1;
    }
    i = close + 2;
  }
  flush();
  return { parts, problems };
};

export interface TemplateField {
  key: string;
  /** The name as first written. */
  name: string;
  /** True when at least one use has no fallback: a recipient without the value cannot get this text. */
  required: boolean;
}

/** The fields a text uses, once each, in order of first use. */
export const fieldsOf = (text: string): TemplateField[] => {
  const fields = new Map<string, TemplateField>();
  for (const part of parseTemplate(text).parts) {
    if (part.kind !== 'field') continue;
    const known = fields.get(part.key);
    const required = part.fallback === undefined;
    if (known) known.required ||= required;
    else fields.set(part.key, { key: part.key, name: part.name, required });
  }
  return [...fields.values()];
};

/** A text prepared once for many recipients: parsed, its field keys, and measured when it has no field. */
export interface PreparedText<M> {
  parsed: ParsedTemplate;
  /** The keys of its fields, each once, in the order they first appear. */
  keys: readonly string[];
  /** What `measure` gave for a text without fields (the same for every recipient); absent otherwise. */
  measured?: M;
}

/**
 * Memoised per text (the send path's materialiser and the estimate prepare each campaign text this way):
 * each distinct text is parsed once, and one without fields is also measured once.
 */
export const textPreparer = <M>(measure: (text: string) => M) => {
  const prepared = new Map<string, PreparedText<M>>();
  return (text: string): PreparedText<M> => {
    let known = prepared.get(text);
    if (!known) {
      const parsed = parseTemplate(text);
      const keys = [...new Set(parsed.parts.flatMap((part) => (part.kind === 'field' ? [part.key] : [])))];
      known = keys.length ? { parsed, keys } : { parsed, keys, measured: measure(text) };
      prepared.set(text, known);
    }
    return known;
  };
};

export interface RenderOptions {
  /** The recipient's value for a key, if any (an empty string counts as none). */
  value: (key: string) => string | undefined;
  /** What a link becomes; by default the `{{link:URL}}` placeholder stays, as the estimate counts it. */
  link?: (url: string, index: number) => string;
}

export interface Rendered {
  text: string;
  /** Keys of required fields the recipient had no value for (they became empty). */
  missing: string[];
}

/** The text one recipient receives. Values are inserted as they are, never read as placeholders. */
export const renderTemplate = (template: string | ParsedTemplate, options: RenderOptions): Rendered => {
  const { parts } = typeof template === 'string' ? parseTemplate(template) : template;
  const missing: string[] = [];
  let text = '';
  for (const part of parts) {
    if (part.kind === 'text') text += part.text;
    else if (part.kind === 'link')
      text += options.link ? options.link(part.url, part.index) : `{{link:${part.url}}}`;
    else {
      const value = options.value(part.key);
      if (value) text += value;
      else if (part.fallback !== undefined) text += part.fallback;
      else if (!missing.includes(part.key)) missing.push(part.key);
    }
  }
  return { text, missing };
};
