import * as z from 'zod';
import type { AudienceMember } from './audience.js';
import { MAX_PLACE_LENGTH, MAX_TAG_LENGTH } from './audience.js';
import { customIssue, schemaMessage } from './messages.js';
import {
  canonicalProvinceName,
  foldPlaceName,
  matchProvince,
  provinceByCode,
  provinceKey,
} from './provinces.js';

/**
 * Who of a campaign's audiences it targets (issue #15): by place (provinces of today's map, communes
 * within them) and by group (tags). One rule, `audienceFilter`, decides for the estimate and for the send
 * alike, so the two never disagree.
 *
 * - `provinces`: a member matches if its province is one of them (a former name counts as its successor).
 * - `communes`: only with `provinces` (commune names repeat from one province to another); a member matches
 *   if, besides its province being chosen, its commune is one of them. They narrow every chosen province:
 *   a province with none of the named communes is left out entirely.
 * - `tags`: `any` = at least one of them, `all` = every one, `none` = none of them; all given parts hold.
 */

export const MAX_FILTER_PROVINCES = 100;
export const MAX_FILTER_COMMUNES = 200;
export const MAX_FILTER_TAGS = 50;

export interface TagFilter {
  any?: string[] | undefined;
  all?: string[] | undefined;
  none?: string[] | undefined;
}

export interface AudienceFilters {
  /** Canonical names of current units (GET /v1/provinces), each once. */
  provinces?: string[] | undefined;
  communes?: string[] | undefined;
  tags?: TagFilter | undefined;
}

const CONTROL_CHARACTERS = /\p{Cc}/u;
const TAG_SEPARATORS = /[;|]/;
const PROVINCE_CODE = /^\d{2}$/;

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The current unit a filter names: its two-digit code, or any spelling an import accepts. */
const provinceOfFilter = (value: string) =>
  PROVINCE_CODE.test(value) ? provinceByCode(value) : matchProvince(value)?.unit;

const ProvinceRef = z
  .string()
  .max(MAX_PLACE_LENGTH, schemaMessage('too_big', { maximum: MAX_PLACE_LENGTH, unit: 'characters' }))
  .transform((raw, ctx) => {
    const value = raw.normalize('NFC').trim();
    const unit = value ? provinceOfFilter(value) : undefined;
    if (unit) return unit.name;
    ctx.addIssue(value ? customIssue('unknown_province_filter', { value }) : customIssue('empty'));
    return z.NEVER;
  });

const Commune = z
  .string()
  .max(MAX_PLACE_LENGTH, schemaMessage('too_big', { maximum: MAX_PLACE_LENGTH, unit: 'characters' }))
  .transform((raw, ctx) => {
    const value = raw.normalize('NFC').trim();
    if (!value) ctx.addIssue(customIssue('empty'));
    else if (CONTROL_CHARACTERS.test(value))
      ctx.addIssue(customIssue('place_control_character', { field: 'commune' }));
    else return value;
    return z.NEVER;
  });

/** A tag as the import keeps it (trimmed, NFC), with the import's limits. */
export const normalizeTag = (raw: string): string => raw.trim().normalize('NFC');

const Tag = z
  .string()
  .meta({
    description: `At most ${MAX_TAG_LENGTH} characters once trimmed, without ; | or control characters`,
    example: 'vung-bien',
  })
  .transform((raw, ctx) => {
    const tag = normalizeTag(raw);
    if (!tag) ctx.addIssue(customIssue('empty'));
    else if (tag.length > MAX_TAG_LENGTH || TAG_SEPARATORS.test(tag) || CONTROL_CHARACTERS.test(tag))
      ctx.addIssue(
        customIssue('invalid_tag', { tag: tag.slice(0, MAX_TAG_LENGTH), maximum: MAX_TAG_LENGTH }),
      );
    else return tag;
    return z.NEVER;
  });

const listOf = <T extends z.ZodType<string, string>>(item: T, maximum: number) =>
  z
    .array(item)
    .min(1, schemaMessage('too_small', { minimum: 1, unit: 'items' }))
    .max(maximum, schemaMessage('too_big', { maximum, unit: 'items' }))
    .transform((values) => unique(values));

const TagList = listOf(Tag, MAX_FILTER_TAGS);

const TagFilterInput = z
  .strictObject({
    any: TagList.optional().meta({ description: 'At least one of these tags' }),
    all: TagList.optional().meta({ description: 'Every one of these tags' }),
    none: TagList.optional().meta({ description: 'None of these tags' }),
  })
  .superRefine((tags, ctx) => {
    const wanted = new Set([...(tags.any ?? []), ...(tags.all ?? [])]);
    (tags.none ?? []).forEach((tag, i) => {
      if (wanted.has(tag))
        ctx.addIssue({ ...customIssue('tag_wanted_and_excluded', { tag }), path: ['none', i] });
    });
  });

export const CampaignFilters = z
  .strictObject({
    provinces: listOf(ProvinceRef, MAX_FILTER_PROVINCES)
      .optional()
      .meta({
        description:
          'Provinces and centrally run cities of today’s map (34 units since 1 July 2025), each by its two-digit ' +
          'code (`"19"`) or any spelling an import accepts, former names included (`"Bắc Kạn"` → Thái Nguyên). ' +
          'Stored, and shown, as the current canonical names. An unknown value is refused (400) naming it.',
        example: ['19', 'Hà Giang'],
      }),
    communes: listOf(Commune, MAX_FILTER_COMMUNES)
      .optional()
      .meta({
        description:
          'Communes (xã, phường, đặc khu) within the chosen provinces; only with `provinces`. Compared to the ' +
          'members’ `commune` ignoring case, accents, spacing and a leading xã / phường / đặc khu / thị trấn ' +
          '(a prefix given on both sides must agree). A chosen province holding none of them is left out.',
        example: ['Bằng Vân', 'Xã Thượng Quan'],
      }),
    tags: TagFilterInput.optional().meta({
      description:
        'Groups, by the tags members were imported with (trimmed, NFC, compared exactly as the import keeps ' +
        'them): `any` = at least one, `all` = every one, `none` = none of them. Suggested tags for the groups ' +
        'the anti-trafficking plans name (not built in, use any): `vung-bien` (border areas), ' +
        '`vung-sau-vung-xa` (remote areas), `dan-toc-thieu-so` (ethnic minorities), `hoc-sinh-sinh-vien` ' +
        '(students), `lao-dong-di-nuoc-ngoai` (workers going abroad).',
      example: { any: ['vung-bien', 'vung-sau-vung-xa'], none: ['lao-dong-di-nuoc-ngoai'] },
    }),
  })
  .superRefine((filters, ctx) => {
    if (filters.communes && !filters.provinces)
      ctx.addIssue({ ...customIssue('communes_need_provinces'), path: ['communes'] });
  })
  .meta({
    id: 'CampaignFilters',
    description:
      'Who of the audiences the campaign targets; every part given must hold (none = the whole audiences)',
  });

/** The filters as a campaign shows them (stored ones may predate the province registry: see currentFilters). */
export const CampaignFiltersView = z
  .object({
    provinces: z.array(z.string()).optional().meta({ description: 'Canonical names of current units' }),
    communes: z.array(z.string()).optional(),
    tags: z
      .object({
        any: z.array(z.string()).optional(),
        all: z.array(z.string()).optional(),
        none: z.array(z.string()).optional(),
      })
      .optional(),
  })
  .meta({ id: 'CampaignFiltersView' });

/**
 * Stored filters in today's names: campaigns saved before the province registry hold provinces as typed
 * (`Bắc Kạn`), read as their current unit (`Thái Nguyên`), each once. Matching already compares by unit,
 * so what is sent does not change and nothing needs approving again. A name of no unit stays as it was.
 * The same object when nothing changes.
 */
export const currentFilters = <F extends AudienceFilters>(filters: F): F => {
  if (!filters.provinces) return filters;
  const provinces = unique(filters.provinces.map(canonicalProvinceName));
  const same =
    provinces.length === filters.provinces.length && provinces.every((p, i) => p === filters.provinces?.[i]);
  return same ? filters : { ...filters, provinces };
};

/** Words before a commune's name that only say what kind of commune it is. */
const COMMUNE_KINDS = ['xa', 'phuong', 'dac khu', 'thi tran'] as const;

interface CommuneKey {
  kind?: string;
  name: string;
}

/** `Xã  Bằng-Vân` → { kind: 'xa', name: 'bang van' }; `bằng vân` → { name: 'bang van' }. */
export const communeKey = (commune: string): CommuneKey => {
  const folded = foldPlaceName(commune);
  const kind = COMMUNE_KINDS.find((k) => folded.startsWith(`${k} `));
  return kind ? { kind, name: folded.slice(kind.length + 1) } : { name: folded };
};

/** The same commune: the same name, and the same kind when both say one (Xã X is not Phường X). */
const sameCommune = (a: CommuneKey, b: CommuneKey) =>
  a.name === b.name && (a.kind === undefined || b.kind === undefined || a.kind === b.kind);

/**
 * The filters compiled once into a test of one member, for the estimate and for the send alike (a campaign
 * tests every member of its audiences: sets and folded names are built here, not per member).
 */
export const audienceFilter = (
  filters: AudienceFilters | undefined,
): ((member: AudienceMember) => boolean) => {
  const provinces = filters?.provinces?.length ? new Set(filters.provinces.map(provinceKey)) : undefined;
  const communes = filters?.communes?.length ? filters.communes.map(communeKey) : undefined;
  const communesByName =
    communes && new Map(communes.map((c) => [c.name, communes.filter((o) => o.name === c.name)]));
  const any = filters?.tags?.any?.length ? filters.tags.any : undefined;
  const all = filters?.tags?.all?.length ? filters.tags.all : undefined;
  const none = filters?.tags?.none?.length ? filters.tags.none : undefined;
  if (!provinces && !communesByName && !any && !all && !none) return () => true;

  return (member) => {
    if (provinces && !(member.province !== undefined && provinces.has(provinceKey(member.province))))
      return false;
    if (communesByName) {
      if (member.commune === undefined) return false;
      const key = communeKey(member.commune);
      if (!communesByName.get(key.name)?.some((wanted) => sameCommune(wanted, key))) return false;
    }
    if (any || all || none) {
      const tags = new Set(member.tags ?? []);
      if (any && !any.some((tag) => tags.has(tag))) return false;
      if (all && !all.every((tag) => tags.has(tag))) return false;
      if (none?.some((tag) => tags.has(tag))) return false;
    }
    return true;
  };
};

/** Whether one member is targeted by the filters (for many members, compile once with `audienceFilter`). */
export const matchesFilters = (member: AudienceMember, filters: AudienceFilters | undefined): boolean =>
  audienceFilter(filters)(member);
