/**
 * Vietnam's provincial-level units since 1 July 2025 (docs/provinces.md): 34 units, 28 provinces (tỉnh)
 * and 6 centrally run cities (thành phố trực thuộc trung ương), merged from the 63 of before by
 * Resolution 202/2025/QH15 of the National Assembly (12 June 2025). Codes are those of Decision
 * 19/2025/QĐ-TTg (the code of the former unit that holds the new seat). Pure data and matching; its one
 * import imports nothing, so the console bundles it too.
 */

import { foldAccents } from './fold-accents.js';

export type ProvinceKind = 'province' | 'city';

export interface ProvinceUnit {
  /** Two digits, Decision 19/2025/QĐ-TTg. */
  code: string;
  /** The canonical name, as the resolution spells it, without the word tỉnh / thành phố. */
  name: string;
  kind: ProvinceKind;
  /**
   * The provinces of before 1 July 2025 this unit is made of, its own former self included (Hà Nội's is
   * `Hà Nội`, Huế's `Thừa Thiên Huế`): the 63 former provinces, each in exactly one unit.
   */
  formerNames: readonly string[];
}

const unit = (code: string, name: string, kind: ProvinceKind, formerNames: readonly string[]) =>
  ({ code, name, kind, formerNames }) satisfies ProvinceUnit;

/** Ordered by code. */
export const PROVINCES: readonly ProvinceUnit[] = [
  unit('01', 'Hà Nội', 'city', ['Hà Nội']),
  unit('04', 'Cao Bằng', 'province', ['Cao Bằng']),
  unit('08', 'Tuyên Quang', 'province', ['Tuyên Quang', 'Hà Giang']),
  unit('11', 'Điện Biên', 'province', ['Điện Biên']),
  unit('12', 'Lai Châu', 'province', ['Lai Châu']),
  unit('14', 'Sơn La', 'province', ['Sơn La']),
  unit('15', 'Lào Cai', 'province', ['Lào Cai', 'Yên Bái']),
  unit('19', 'Thái Nguyên', 'province', ['Thái Nguyên', 'Bắc Kạn']),
  unit('20', 'Lạng Sơn', 'province', ['Lạng Sơn']),
  unit('22', 'Quảng Ninh', 'province', ['Quảng Ninh']),
  unit('24', 'Bắc Ninh', 'province', ['Bắc Ninh', 'Bắc Giang']),
  unit('25', 'Phú Thọ', 'province', ['Phú Thọ', 'Vĩnh Phúc', 'Hòa Bình']),
  unit('31', 'Hải Phòng', 'city', ['Hải Phòng', 'Hải Dương']),
  unit('33', 'Hưng Yên', 'province', ['Hưng Yên', 'Thái Bình']),
  unit('37', 'Ninh Bình', 'province', ['Ninh Bình', 'Hà Nam', 'Nam Định']),
  unit('38', 'Thanh Hóa', 'province', ['Thanh Hóa']),
  unit('40', 'Nghệ An', 'province', ['Nghệ An']),
  unit('42', 'Hà Tĩnh', 'province', ['Hà Tĩnh']),
  unit('44', 'Quảng Trị', 'province', ['Quảng Trị', 'Quảng Bình']),
  unit('46', 'Huế', 'city', ['Thừa Thiên Huế']),
  unit('48', 'Đà Nẵng', 'city', ['Đà Nẵng', 'Quảng Nam']),
  unit('51', 'Quảng Ngãi', 'province', ['Quảng Ngãi', 'Kon Tum']),
  unit('52', 'Gia Lai', 'province', ['Gia Lai', 'Bình Định']),
  unit('56', 'Khánh Hòa', 'province', ['Khánh Hòa', 'Ninh Thuận']),
  unit('66', 'Đắk Lắk', 'province', ['Đắk Lắk', 'Phú Yên']),
  unit('68', 'Lâm Đồng', 'province', ['Lâm Đồng', 'Đắk Nông', 'Bình Thuận']),
  unit('75', 'Đồng Nai', 'province', ['Đồng Nai', 'Bình Phước']),
  unit('79', 'Thành phố Hồ Chí Minh', 'city', ['Thành phố Hồ Chí Minh', 'Bình Dương', 'Bà Rịa – Vũng Tàu']),
  unit('80', 'Tây Ninh', 'province', ['Tây Ninh', 'Long An']),
  unit('82', 'Đồng Tháp', 'province', ['Đồng Tháp', 'Tiền Giang']),
  unit('86', 'Vĩnh Long', 'province', ['Vĩnh Long', 'Bến Tre', 'Trà Vinh']),
  unit('91', 'An Giang', 'province', ['An Giang', 'Kiên Giang']),
  unit('92', 'Cần Thơ', 'city', ['Cần Thơ', 'Sóc Trăng', 'Hậu Giang']),
  unit('96', 'Cà Mau', 'province', ['Cà Mau', 'Bạc Liêu']),
];

/**
 * Other spellings officers' lists use, each unambiguous: abbreviations and old names of a current unit,
 * and spellings of a former province (then the match is via a former name). Accents, case, spaces,
 * hyphens and the tỉnh / thành phố / TP prefixes need no entry here (see `provinceKey`).
 */
const CURRENT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  '79': ['Hồ Chí Minh', 'HCM', 'TPHCM', 'HCMC', 'Ho Chi Minh City', 'Sài Gòn'],
  '66': ['Đắc Lắc', 'Đắk Lắc', 'Đắc Lắk'],
};
const FORMER_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'Bà Rịa – Vũng Tàu': ['BR-VT', 'BRVT'],
  'Thừa Thiên Huế': ['TT Huế', 'TT-Huế'],
  'Đắk Nông': ['Đắc Nông'],
  'Bắc Kạn': ['Bắc Cạn'],
};

/** Words before a name that only say "province" or "city"; one is dropped when the name alone is known. */
const PREFIXES = ['tinh ', 'thanh pho ', 'tp '];

/**
 * A spelling reduced to what tells provinces apart: no accents (đ → d), lower case, every run of spaces,
 * hyphens, dashes, dots and underscores one space. `Tỉnh  Bắc-Kạn` → `tinh bac kan`.
 */
export const foldPlaceName = (text: string): string =>
  foldAccents(text)
    .toLowerCase()
    .replace(/[\s\-\u2010-\u2015.,_/]+/gu, ' ')
    .trim();

/** The same without spaces, so `Daklak`, `Kontum` and `Bà Rịa Vũng Tàu` meet their usual spellings. */
const compact = (folded: string) => folded.replace(/ /g, '');

export interface ProvinceMatch {
  unit: ProvinceUnit;
  /** The spelling named a former province merged or renamed into `unit` (not `unit`'s current name). */
  viaFormerName: boolean;
}

const byCode = new Map(PROVINCES.map((p) => [p.code, p]));

/**
 * Every accepted spelling, folded and compacted → its match. Built once, so matching a row is a couple of
 * string passes and Map look-ups (an import of 100,000 rows matches in milliseconds). Two units sharing a
 * spelling would be a data error: it throws when the module loads, so a test catches it.
 */
const buildIndex = (): Map<string, ProvinceMatch> => {
  const index = new Map<string, ProvinceMatch>();
  const add = (spelling: string, match: ProvinceMatch) => {
    const key = compact(foldPlaceName(spelling));
    const known = index.get(key);
    if (known && known.unit !== match.unit) {
      throw new Error(`"${spelling}" would name both ${known.unit.name} and ${match.unit.name}`);
    }
    // A unit's current name wins over a former one spelled alike (Hà Nội was Hà Nội).
    if (!known || (known.viaFormerName && !match.viaFormerName)) index.set(key, match);
  };
  for (const p of PROVINCES) {
    add(p.name, { unit: p, viaFormerName: false });
    for (const alias of CURRENT_ALIASES[p.code] ?? []) add(alias, { unit: p, viaFormerName: false });
  }
  for (const p of PROVINCES) {
    for (const former of p.formerNames) {
      add(former, { unit: p, viaFormerName: true });
      for (const alias of FORMER_ALIASES[former] ?? []) add(alias, { unit: p, viaFormerName: true });
    }
  }
  return index;
};
const INDEX = buildIndex();
/** The spellings exactly as listed (stored members carry these): matched without folding. */
const AS_LISTED = new Map(
  [
    ...PROVINCES.flatMap((p) => [p.name, ...p.formerNames, ...(CURRENT_ALIASES[p.code] ?? [])]),
    ...Object.values(FORMER_ALIASES).flat(),
  ].map((name) => [name, INDEX.get(compact(foldPlaceName(name)))]),
);

/**
 * The current unit a place name means, or undefined. Ignores case, accents, extra spaces, hyphens and
 * dashes, and one leading `tỉnh`, `thành phố`, `TP.` or `TP` — but only when the whole spelling is not a
 * name already (`Thành phố Hồ Chí Minh` is a name; `Thái` or `Thanh` never are prefixes). Also a unit's
 * two-digit code is not a name here: a `province` column holds names.
 */
export const matchProvince = (input: string): ProvinceMatch | undefined => {
  const listed = AS_LISTED.get(input);
  if (listed) return listed;
  const seen = SEEN.get(input);
  if (seen !== undefined) return seen ?? undefined;
  const match = matchFolded(foldPlaceName(input));
  if (SEEN.size >= MAX_SEEN) SEEN.clear();
  SEEN.set(input, match ?? null);
  return match;
};

const matchFolded = (folded: string): ProvinceMatch | undefined => {
  const whole = INDEX.get(compact(folded));
  if (whole) return whole;
  const prefix = PREFIXES.find((p) => folded.startsWith(p));
  return prefix ? INDEX.get(compact(folded.slice(prefix.length))) : undefined;
};

/**
 * Spellings met before and what they matched (null: nothing): a file repeats a few dozen spellings over
 * 100,000 rows, so each is folded once. Bounded, as inputs are outside text.
 */
const SEEN = new Map<string, ProvinceMatch | null>();
const MAX_SEEN = 10_000;

export const provinceByCode = (code: string): ProvinceUnit | undefined => byCode.get(code);

/**
 * What two place names are compared by: the unit's code for any spelling of a unit (so a filter naming
 * `Bắc Kạn` finds members stored as `Thái Nguyên`), else the folded text.
 */
export const provinceKey = (name: string): string => matchProvince(name)?.unit.code ?? foldPlaceName(name);

/** The current name for any accepted spelling; text that names no unit is returned as it is. */
export const canonicalProvinceName = (name: string): string => matchProvince(name)?.unit.name ?? name;

/**
 * Counters keyed by province name, merged by current unit: a former name's count joins its successor's,
 * names of no unit stay as they are. Merging twice changes nothing.
 */
export const mergeByProvince = <T>(
  counts: Iterable<readonly [string, T]>,
  add: (a: T, b: T) => T,
): Map<string, T> => {
  const merged = new Map<string, T>();
  for (const [name, value] of counts) {
    const key = canonicalProvinceName(name);
    const known = merged.get(key);
    merged.set(key, known === undefined ? value : add(known, value));
  }
  return merged;
};
