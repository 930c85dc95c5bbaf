import {
  PROVINCES,
  canonicalProvinceName,
  foldPlaceName,
  matchProvince,
  type ProvinceUnit,
} from '../../functions/core/provinces.js';

/**
 * A campaign's targeting as the editor holds it, and the API's `filters` it stands for (contract:
 * `{ provinces?, communes?, tags?: { any?, all?, none? } }`). Pure; the province registry is the core's
 * (functions/core/provinces.ts), so the console matches spellings exactly as the API does.
 */
export const TAG_MODES = ['any', 'all', 'none'] as const;
export type TagMode = (typeof TAG_MODES)[number];

export interface Filters {
  provinces?: string[];
  communes?: string[];
  tags?: { any?: string[]; all?: string[]; none?: string[] };
}

export interface Targeting {
  /** Canonical names of current units (or, for an old campaign, a name no unit has, kept to be seen). */
  provinces: string[];
  /** Within the chosen provinces; offered only once one is chosen. */
  communes: string[];
  tags: Record<TagMode, string[]>;
}

export const emptyTargeting = (): Targeting => ({
  provinces: [],
  communes: [],
  tags: { any: [], all: [], none: [] },
});

const unique = (names: readonly string[]): string[] => [...new Set(names)];

/** What a saved campaign targets, its provinces in today's names (a filter saved as `Bắc Kạn` shows Thái Nguyên). */
export const targetingOf = (filters: Filters | undefined): Targeting => ({
  provinces: unique((filters?.provinces ?? []).map(canonicalProvinceName)),
  communes: [...(filters?.communes ?? [])],
  tags: {
    any: [...(filters?.tags?.any ?? [])],
    all: [...(filters?.tags?.all ?? [])],
    none: [...(filters?.tags?.none ?? [])],
  },
});

/** The API's `filters`, only what is set; communes only inside chosen provinces. Empty: no filter at all. */
export const filtersOf = (targeting: Targeting): Filters => {
  const tags = Object.fromEntries(
    TAG_MODES.filter((mode) => targeting.tags[mode].length).map((mode) => [mode, targeting.tags[mode]]),
  );
  return {
    ...(targeting.provinces.length ? { provinces: targeting.provinces } : {}),
    ...(targeting.provinces.length && targeting.communes.length ? { communes: targeting.communes } : {}),
    ...(Object.keys(tags).length ? { tags } : {}),
  };
};

export const hasFilters = (filters: Filters): boolean => Object.keys(filters).length > 0;

/** The former provinces merged into a unit, beside its own name (`Thái Nguyên` → `Bắc Kạn`). */
export const formerNamesOf = (unit: ProvinceUnit): string[] =>
  unit.formerNames.filter((name) => name !== unit.name);

/**
 * The units a search names, in registry order: any spelling the import accepts (`bac kan`, `TP HCM`,
 * `Tỉnh Hà Giang`) finds its unit, and a part of a current or former name (`thai`) finds every unit it
 * is in. An empty search lists all 34.
 */
export const searchProvinces = (query: string): ProvinceUnit[] => {
  const folded = foldPlaceName(query);
  if (!folded) return [...PROVINCES];
  const matched = matchProvince(query)?.unit;
  return PROVINCES.filter(
    (unit) =>
      unit === matched ||
      [unit.name, ...unit.formerNames].some((name) => foldPlaceName(name).includes(folded)),
  );
};

/** The unit a province name of a filter stands for, when it is one. */
export const unitNamed = (name: string): ProvinceUnit | undefined => matchProvince(name)?.unit;

/**
 * Chips typed into a list (`vung-bien, dan-toc-thieu-so`): split at commas and semicolons, trimmed,
 * NFC, each once (compared without case), appended to those already there.
 */
export const addChips = (current: readonly string[], typed: string): string[] => {
  const seen = new Set(current.map((chip) => chip.toLocaleLowerCase('vi')));
  const added: string[] = [];
  for (const part of typed.split(/[,;]/)) {
    const chip = part.normalize('NFC').trim();
    const key = chip.toLocaleLowerCase('vi');
    if (!chip || seen.has(key)) continue;
    seen.add(key);
    added.push(chip);
  }
  return [...current, ...added];
};

/** Members of the chosen audiences per current unit (audiences count under canonical names; merged anyway). */
export const membersByProvince = (
  audiences: readonly { id: string; byProvince: Record<string, number> }[],
  audienceIds: readonly string[],
): Map<string, number> => {
  const members = new Map<string, number>();
  for (const audience of audiences)
    if (audienceIds.includes(audience.id))
      for (const [name, count] of Object.entries(audience.byProvince)) {
        const key = canonicalProvinceName(name);
        members.set(key, (members.get(key) ?? 0) + count);
      }
  return members;
};

/** The words a description of filters is built from, in the page's language. */
export interface TargetingWords {
  provinces: string;
  communes: string;
  tags: string;
  tagModes: Record<TagMode, (tags: string) => string>;
  everyone: string;
}

/** Filters in plain words for an approver: `Tỉnh: Thái Nguyên, Tuyên Quang · Nhóm: có một trong a, b`. */
export const describeFilters = (words: TargetingWords, filters: Filters | undefined): string => {
  const targeting = targetingOf(filters);
  const parts: string[] = [];
  if (targeting.provinces.length) parts.push(`${words.provinces}: ${targeting.provinces.join(', ')}`);
  if (targeting.communes.length) parts.push(`${words.communes}: ${targeting.communes.join(', ')}`);
  const tags = TAG_MODES.filter((mode) => targeting.tags[mode].length).map((mode) =>
    words.tagModes[mode](targeting.tags[mode].join(', ')),
  );
  if (tags.length) parts.push(`${words.tags}: ${tags.join('; ')}`);
  return parts.length ? parts.join(' · ') : words.everyone;
};
