/**
 * Languages of message variants (issue #16): BCP 47 tags, the names officers write for them, and which
 * variant a recipient gets. Import-free but for the SMS module, so the console shares it.
 *
 * Tags (IANA language subtag registry, ISO 639-3 where no 639-1 code exists):
 * - `vi` Vietnamese, the default text of every campaign.
 * - `vi-x-khongdau` Vietnamese written without accents, for handsets that show accents badly (and GSM-7).
 *   A private-use subtag: BCP 47 has no tag for it; `vi-Latn` would say nothing, as Latn is vi's
 *   suppressed script (RFC 5646 §3.1.9).
 * - `hmn` Hmong (H'Mông; the macrolanguage, as provinces' texts do not tell Hmong Daw from Hmong Njua),
 *   `blt` Tai Dam (Thái Đen), `twh` Tai Dón (Thái Trắng), `km` Khmer, `rad` Rade (Ê Đê), `tyz` Tày,
 *   `nut` Nùng, `jra` Jarai (Gia Rai), `bdq` Bahnar (Ba Na), `mtq` Mường, `cjm` Eastern Cham (Chăm).
 * Any other well-formed tag is accepted as written (lower-cased language, as `Intl` canonicalises it).
 */
import { removeVietnameseAccents } from '../sms-encoding.js';

export const DEFAULT_LANGUAGE = 'vi';
export const UNACCENTED_VIETNAMESE = 'vi-x-khongdau';

export interface KnownLanguage {
  tag: string;
  vi: string;
  en: string;
  /** Other ways officers write it in a spreadsheet, accents and case folded. */
  names: readonly string[];
}

export const KNOWN_LANGUAGES: readonly KnownLanguage[] = [
  { tag: 'vi', vi: 'Tiếng Việt', en: 'Vietnamese', names: ['viet', 'tieng viet', 'kinh', 'vietnamese'] },
  {
    tag: UNACCENTED_VIETNAMESE,
    vi: 'Tiếng Việt không dấu',
    en: 'Vietnamese without accents',
    names: ['khong dau', 'tieng viet khong dau', 'viet khong dau', 'khongdau'],
  },
  {
    tag: 'hmn',
    vi: "Tiếng H'Mông",
    en: 'Hmong',
    names: ['hmong', "h'mong", 'h mong', 'mong', "tieng h'mong"],
  },
  { tag: 'blt', vi: 'Tiếng Thái Đen', en: 'Tai Dam', names: ['thai den', 'tieng thai den', 'tai dam'] },
  {
    tag: 'twh',
    vi: 'Tiếng Thái Trắng',
    en: 'Tai Dón',
    names: ['thai trang', 'tieng thai trang', 'thai don', 'tai don'],
  },
  { tag: 'km', vi: 'Tiếng Khmer', en: 'Khmer', names: ['khmer', 'khome', 'tieng khmer', 'khmer nam bo'] },
  { tag: 'rad', vi: 'Tiếng Ê Đê', en: 'Rade', names: ['e de', 'ede', 'tieng e de', 'rade', 'rhade'] },
  { tag: 'tyz', vi: 'Tiếng Tày', en: 'Tày', names: ['tay', 'tieng tay'] },
  { tag: 'nut', vi: 'Tiếng Nùng', en: 'Nùng', names: ['nung', 'tieng nung'] },
  { tag: 'jra', vi: 'Tiếng Gia Rai', en: 'Jarai', names: ['gia rai', 'jarai', 'tieng gia rai'] },
  { tag: 'bdq', vi: 'Tiếng Ba Na', en: 'Bahnar', names: ['ba na', 'bahnar', 'tieng ba na'] },
  { tag: 'mtq', vi: 'Tiếng Mường', en: 'Mường', names: ['muong', 'tieng muong'] },
  { tag: 'cjm', vi: 'Tiếng Chăm', en: 'Eastern Cham', names: ['cham', 'tieng cham'] },
];

/** A well-formed tag: a 2–3 letter language, then subtags of 1–8 letters or digits (`x` private use). */
const TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

const fold = (text: string) =>
  removeVietnameseAccents(text.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ').trim();

const byName = new Map<string, string>(
  KNOWN_LANGUAGES.flatMap((language) =>
    [language.tag, language.vi, language.en, ...language.names].map((name) => [fold(name), language.tag]),
  ),
);

/** Tags canonicalised so far: `Intl.getCanonicalLocales` takes tens of µs, and an audience holds a few tags. */
const canonicalTags = new Map<string, string | undefined>();
const MAX_CANONICAL_TAGS = 1000;

/** The canonical form of a well-formed tag (`VI-X-KhongDau` → `vi-x-khongdau`), else undefined. */
export const canonicalLanguageTag = (tag: string): string | undefined => {
  if (canonicalTags.has(tag)) return canonicalTags.get(tag);
  let canonical: string | undefined;
  if (TAG.test(tag)) {
    try {
      canonical = Intl.getCanonicalLocales(tag)[0];
    } catch {
      canonical = undefined;
    }
  }
  if (canonicalTags.size < MAX_CANONICAL_TAGS) canonicalTags.set(tag, canonical);
  return canonical;
};

/**
 * A recipient's language as an officer wrote it in a list: a tag, or a known name in Vietnamese or
 * English with or without accents (`H'Mông`, `tiếng Khmer`, `Ê Đê`). A bare `Thái` is refused as ambiguous
 * (Thái Đen `blt` or Thái Trắng `twh`), as is anything else unknown: undefined.
 */
export const languageTagOf = (value: string): string | undefined => {
  const folded = fold(value);
  const known = byName.get(folded);
  if (known) return known;
  if (folded === 'thai' || folded === 'tieng thai') return undefined;
  return canonicalLanguageTag(value.trim());
};

/** Vietnamese (or English) name of a tag, for the console and reports; the tag itself when unknown. */
export const languageName = (tag: string, lang: 'vi' | 'en' = 'vi'): string =>
  KNOWN_LANGUAGES.find((language) => language.tag === tag)?.[lang] ?? tag;

/** The tag and then each shorter prefix: `hmn-Latn-US` → `hmn-Latn-US`, `hmn-Latn`, `hmn`. */
const prefixesOf = (tag: string): string[] => {
  const subtags = tag.split('-');
  const prefixes: string[] = [];
  for (let n = subtags.length; n >= 1; n--) {
    // A private-use `x` alone ends nothing: `vi-x-khongdau` → `vi`.
    if (subtags[n - 1]?.toLowerCase() === 'x') continue;
    prefixes.push(subtags.slice(0, n).join('-'));
  }
  return prefixes;
};

/**
 * Which of a campaign's variants a recipient gets: their language, then each shorter form of it, then
 * `vi` (which every campaign has). `available` holds the campaign's tags, canonical.
 */
export const chooseVariant = (language: string | undefined, available: ReadonlySet<string>): string => {
  const canonical = language === undefined ? undefined : canonicalLanguageTag(language);
  for (const candidate of canonical ? prefixesOf(canonical) : []) {
    if (available.has(candidate)) return candidate;
  }
  return DEFAULT_LANGUAGE;
};
