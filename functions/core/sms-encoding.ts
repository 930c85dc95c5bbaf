/**
 * SMS encoding and segment estimation (contract: `POST /v1/messages/estimate`).
 * Pure domain logic: 3GPP TS 23.038 GSM 7-bit default alphabet + extension table, UCS-2 fallback.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface MessageEstimate {
  encoding: SmsEncoding;
  /**
   * Billable length in the chosen encoding: for GSM-7 the number of septets (extension-table
   * characters such as `€ { } [ ]` count 2); for UCS-2 the number of UTF-16 code units (an emoji
   * outside the BMP is a surrogate pair and counts 2).
   */
  characters: number;
  /** 0 for empty text; otherwise the number of SMS parts the message is split into. */
  segments: number;
  /** 160 / 70 for a single-part message (and empty text), 153 / 67 per part when multipart. */
  charactersPerSegment: number;
  /** Distinct characters (whole code points, in order of first appearance) that force UCS-2. */
  nonGsmCharacters: string[];
  /** Only when `encoding` is UCS-2: the same text with Vietnamese accents removed, and its cost. */
  gsmAlternative?: { text: string; encoding: SmsEncoding; characters: number; segments: number };
}

/** GSM 03.38 basic table (0x1B, the escape to the extension table, is not a character). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** GSM 03.38 extension table: each is sent as ESC + char, i.e. 2 septets. */
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

const LIMITS: Record<SmsEncoding, { single: number; multipart: number }> = {
  'GSM-7': { single: 160, multipart: 153 },
  'UCS-2': { single: 70, multipart: 67 },
};

/** Matches `{{link:URL}}`; group 1 is the URL. Global: use with `replace`/`split`/`matchAll`, not `test`. */
export const LINK_PLACEHOLDER = /\{\{link:([^\s{}]+)\}\}/g;

/** Characters of every short-link code of a campaign (see functions/core/links.ts). */
export const SHORT_CODE_LENGTH = 12;

/** Length of a short link `${publicBaseUrl}/l/${code}` (base URL used as given). */
export const shortLinkLength = (publicBaseUrl: string, codeLength = SHORT_CODE_LENGTH): number =>
  `${publicBaseUrl}/l/`.length + codeLength;

/** `http://localhost:3000/l/` + 12-char code = 36. */
export const DEFAULT_SHORT_LINK_LENGTH = shortLinkLength('http://localhost:3000');

/** Replaces each `{{link:URL}}` with `fn(url, index)`, index counting placeholders from 0. */
export const replaceLinks = (text: string, fn: (url: string, index: number) => string): string => {
  let index = 0;
  return text.replace(LINK_PLACEHOLDER, (_match, url: string) => fn(url, index++));
};

/** Vietnamese tone marks and vowel modifiers as NFD combining characters. */
const VIETNAMESE_MARKS = /[\u0300\u0301\u0302\u0303\u0306\u0309\u031B\u0323]/g;

/** Strips Vietnamese tone/vowel marks and maps đ→d, Đ→D. Other diacritics (e.g. ä, å) are kept. */
export const removeVietnameseAccents = (text: string): string =>
  text.normalize('NFD').replace(VIETNAMESE_MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');

const septets = (char: string): number | undefined =>
  GSM_BASIC.has(char) ? 1 : GSM_EXTENSION.has(char) ? 2 : undefined;

/**
 * Where each part starts (indexes into the characters), filling parts greedily so a character (escape pair
 * or surrogate pair) never straddles two parts. Empty text has no part.
 */
const partStarts = (costs: number[], encoding: SmsEncoding): number[] => {
  const { single, multipart } = LIMITS[encoding];
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  if (total === 0) return [];
  if (total <= single) return [0];
  const starts = [0];
  let used = 0;
  costs.forEach((cost, i) => {
    if (used + cost > multipart) {
      starts.push(i);
      used = 0;
    }
    used += cost;
  });
  return starts;
};

const costsOf = (chars: string[]) => {
  const nonGsm = new Set(chars.filter((char) => septets(char) === undefined));
  const encoding: SmsEncoding = nonGsm.size === 0 ? 'GSM-7' : 'UCS-2';
  const costs = chars.map((char) => (encoding === 'GSM-7' ? (septets(char) ?? 0) : char.length));
  return { nonGsm, encoding, costs };
};

/**
 * How a `{{link:URL}}` is counted: as a short link of `shortLinkLength` characters, or, with `plainLinks`
 * (a campaign whose click tracking is `off`), as its URL, which is what the SMS then carries.
 */
export interface LinkCounting {
  shortLinkLength?: number;
  plainLinks?: boolean;
}

/** Septets of each UTF-16 code unit that is a GSM character (1 basic, 2 extension); 0 for every other. */
const SEPTETS = new Uint8Array(0x10000);
for (const char of GSM_BASIC) SEPTETS[char.charCodeAt(0)] = 1;
for (const char of GSM_EXTENSION) SEPTETS[char.charCodeAt(0)] = 2;

/** A text's cost in one encoding, parts filled greedily as `partStarts` fills them. */
interface Filling {
  characters: number;
  parts: number;
  used: number;
}
const fill = (filling: Filling, cost: number, multipart: number) => {
  if (filling.used + cost > multipart) {
    filling.parts += 1;
    filling.used = 0;
  }
  filling.used += cost;
  filling.characters += cost;
};

/**
 * `costsOf` and `partStarts` in one pass over the text, without an array of its characters: this runs for
 * every message a consumer hands over (the dispatch bench's profile: a third of rendering a batch). Both
 * encodings are filled at once; which one counts is known at the end.
 */
const measure = (
  text: string,
  linkLength: number,
  plainLinks = false,
): Omit<MessageEstimate, 'gsmAlternative'> => {
  // A short link is ASCII: stand in for it with GSM characters of the same length.
  const replaced = replaceLinks(text, (url) => (plainLinks ? url : 'x'.repeat(linkLength)));
  let nonGsm: Set<string> | undefined;
  const gsm: Filling = { characters: 0, parts: 1, used: 0 };
  const ucs: Filling = { characters: 0, parts: 1, used: 0 };
  for (let i = 0; i < replaced.length;) {
    const code = replaced.charCodeAt(i);
    // A surrogate pair is one character of two code units (an emoji), never GSM; a lone surrogate is one unit.
    const units =
      code >= 0xd800 && code <= 0xdbff && (replaced.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    const septets = units === 1 ? (SEPTETS[code] ?? 0) : 0;
    if (septets === 0) (nonGsm ??= new Set()).add(replaced.slice(i, i + units));
    else if (!nonGsm) fill(gsm, septets, LIMITS['GSM-7'].multipart);
    fill(ucs, units, LIMITS['UCS-2'].multipart);
    i += units;
  }
  const encoding: SmsEncoding = nonGsm ? 'UCS-2' : 'GSM-7';
  const { characters, parts } = nonGsm ? ucs : gsm;
  const { single, multipart } = LIMITS[encoding];
  const segments = characters === 0 ? 0 : characters <= single ? 1 : parts;
  return {
    encoding,
    characters,
    segments,
    charactersPerSegment: segments > 1 ? multipart : single,
    nonGsmCharacters: [...(nonGsm ?? [])],
  };
};

/**
 * Estimates encoding and segment count of an SMS after NFC normalisation. `{{link:URL}}`
 * placeholders count as a short link of `shortLinkLength` GSM characters. Empty text is
 * 0 characters and 0 segments (nothing is sent).
 */
export const estimateMessage = (text: string, options: LinkCounting = {}): MessageEstimate => {
  const linkLength = options.shortLinkLength ?? DEFAULT_SHORT_LINK_LENGTH;
  const normalised = text.normalize('NFC');
  const estimate: MessageEstimate = measure(normalised, linkLength, options.plainLinks);
  if (estimate.encoding === 'UCS-2') {
    // Keep placeholders (and their URLs) verbatim; strip accents only from the message text.
    const alternative = normalised
      .split(LINK_PLACEHOLDER)
      .map((part, i) => (i % 2 === 0 ? removeVietnameseAccents(part) : `{{link:${part}}}`))
      .join('');
    const { encoding, characters, segments } = measure(alternative, linkLength, options.plainLinks);
    estimate.gsmAlternative = { text: alternative, encoding, characters, segments };
  }
  return estimate;
};

/**
 * `estimateMessage` without the unaccented alternative: what a text costs as it is, for the estimate of a
 * campaign, which measures each recipient's own text (the alternative would double its work).
 */
export const measureMessage = (
  text: string,
  options: LinkCounting = {},
): Omit<MessageEstimate, 'gsmAlternative'> =>
  measure(text.normalize('NFC'), options.shortLinkLength ?? DEFAULT_SHORT_LINK_LENGTH, options.plainLinks);

/**
 * The parts a phone receives, in order, once each `{{link:URL}}` has become `link(url, index)` (a short
 * link of the length the estimate counts, by default `x`s): the same split as `estimateMessage` counts.
 */
export const splitSegments = (
  text: string,
  options: { shortLinkLength?: number; link?: (url: string, index: number) => string } = {},
): string[] => {
  const linkLength = options.shortLinkLength ?? DEFAULT_SHORT_LINK_LENGTH;
  const chars = Array.from(
    replaceLinks(text.normalize('NFC'), options.link ?? (() => 'x'.repeat(linkLength))),
  );
  const { costs, encoding } = costsOf(chars);
  const starts = partStarts(costs, encoding);
  return starts.map((start, i) => chars.slice(start, starts[i + 1] ?? chars.length).join(''));
};
