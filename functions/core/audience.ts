import { z } from 'zod';
import { freeText, nameText } from './text.js';
import type { Carrier } from './carriers.js';
import { parseCsvTable, type CsvTable } from './csv.js';
import { detail, ValidationError } from './errors.js';
import {
  BODY_PATH,
  DETAIL_CODES,
  messageFor,
  schemaMessage,
  type DetailCode,
  type Lang,
  type MessageParams,
} from './messages.js';
import { normalizeVietnameseMobile } from './phone.js';
import { matchProvince } from './provinces.js';

/** Contract §4: audiences (named lists of subscribers) and the import of their subscribers. */

/** Most rows one import request may carry (contract §4). */
export const MAX_IMPORT_ROWS = 100_000;
/** Longest province, commune or district name, in characters after trimming. */
export const MAX_PLACE_LENGTH = 100;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
/** Rejected rows listed in an import's answer; `rejectedCount` gives the total. */
export const MAX_REJECTED_LISTED = 1000;
/** Warnings listed in an import's answer; `warningCount` gives the total. */
export const MAX_WARNINGS_LISTED = MAX_REJECTED_LISTED;

export interface AudienceMember {
  phone: string;
  carrier: Carrier;
  province?: string;
  /** As imported (NFC, trimmed): no commune registry here, see docs. */
  commune?: string;
  /** From a file's legacy district column (no district level since 1 July 2025). */
  district?: string;
  tags?: string[];
  /**
   * The subscriber's language as a canonical BCP 47 tag (content/languages.ts), from a `language` /
   * `Ngôn ngữ` column: picks the campaign's variant (issue #16).
   */
  language?: string;
  /**
   * Values of the file's other columns, keyed by `attributeKey(header)` (`Họ và tên` → `ho_va_ten`): what
   * `{{field}}` placeholders are filled from. Stored with the member so a send needs no other read.
   */
  attributes?: Record<string, string>;
}

export interface Audience {
  id: string;
  name: string;
  description?: string;
  size: number;
  byCarrier: Record<string, number>;
  byProvince: Record<string, number>;
  createdAt: string;
  createdBy: string;
}

/** What other features (campaigns, the dispatcher) read of an audience. */
export interface AudienceReader {
  getAudience(id: string): Promise<Audience | undefined>;
  /** Every member of the audience, a chunk at a time (Query on the audience's partition, no Scan). */
  members(audienceId: string): AsyncIterable<AudienceMember[]>;
}

/** Server-chosen ULIDs: 26 characters of Crockford base 32, sortable by creation time. */
export const AudienceId = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, schemaMessage('invalid_audience_id'))
  .meta({ description: 'Chosen by the server (a ULID)', example: '01J9Z6Q5V8M3N2K1H0G9F8E7D6' });

export const AudienceInput = z
  .strictObject({
    name: nameText(100).min(1).meta({ example: 'Bắc Kạn – vùng biên giới' }),
    description: freeText(1000).optional(),
  })
  .meta({ id: 'AudienceInput' });
export type AudienceInput = z.infer<typeof AudienceInput>;

const counts = z.record(z.string(), z.int());

export const AudienceView = z
  .object({
    id: AudienceId,
    name: z.string(),
    description: z.string().optional(),
    size: z.int().meta({ description: 'Distinct phones in the audience' }),
    byCarrier: counts.meta({ example: { viettel: 1200, vinaphone: 640 } }),
    byProvince: counts.meta({
      description:
        'Members per province by current name (the 34 units since 1 July 2025, GET /v1/provinces); ' +
        'members without a province are not counted here',
      example: { 'Thái Nguyên': 1500, 'Cao Bằng': 340 },
    }),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
  })
  .meta({ id: 'Audience' });

/** One JSON row. Only its shape is checked here; a bad phone or field rejects that row alone. */
export const SubscriberInput = z
  .strictObject({
    phone: z.string().meta({ example: '098 123 4567' }),
    province: z.string().nullish(),
    commune: z.string().nullish().meta({ description: 'Xã, phường or đặc khu, kept as given' }),
    district: z
      .string()
      .nullish()
      .meta({ description: 'Legacy (no district level since 1 July 2025): kept, and reported in `notices`' }),
    tags: z.array(z.string()).nullish(),
  })
  .meta({ id: 'SubscriberInput' });

export const SubscribersInput = z
  .strictObject({
    subscribers: z
      .array(SubscriberInput)
      .min(1, schemaMessage('no_subscribers'))
      .max(MAX_IMPORT_ROWS, schemaMessage('too_many_rows', { maximum: MAX_IMPORT_ROWS })),
  })
  .meta({ id: 'SubscribersInput' });
export type SubscribersInput = z.infer<typeof SubscribersInput>;

export const RejectedRow = z.object({
  row: z.int().meta({ description: '1-based; in a CSV file counted from the line after the header' }),
  phone: z.string().meta({ description: 'As written in the request (at most 40 characters)' }),
  code: z.enum(DETAIL_CODES).meta({
    description:
      'Why the row was refused, stable for programs (`landline`, `too_short`, `missing_phone`, ...)',
  }),
  reason: z.string().meta({ description: 'The same in words, in the language of `Accept-Language`' }),
});
export type RejectedRow = z.infer<typeof RejectedRow>;

/** A rejected row as planned: what its reason names, to say it in the caller's language. */
export type PlannedRejection = RejectedRow & { params?: MessageParams };

/** The row as the answer shows it, its reason in `lang`. */
export const rejectedRowIn = ({ row, phone, code, params }: PlannedRejection, lang: Lang): RejectedRow => ({
  row,
  phone,
  code,
  reason: messageFor(code, params, lang),
});

/** Said once per import, about the file as a whole (contract §4: `notices`). */
export type ImportNoticeCode = Extract<DetailCode, 'legacy_district_column' | 'unknown_columns_ignored'>;
export interface PlannedNotice {
  code: ImportNoticeCode;
  params?: MessageParams;
}

export const ImportNotice = z
  .object({
    code: z.enum(['legacy_district_column', 'unknown_columns_ignored'] satisfies ImportNoticeCode[]).meta({
      description:
        '`legacy_district_column`: the file has a district column (`district`, `Quận/Huyện`, `Huyện`); Vietnam ' +
        'has had no district level since 1 July 2025, the value is kept as `district` but a `commune` column ' +
        'is what to send. `unknown_columns_ignored`: the file has columns the import does not read; they ' +
        'are ignored (named in the message, at most 10).',
    }),
    message: z.string().meta({ description: 'The same in words, in the language of `Accept-Language`' }),
  })
  .meta({ id: 'ImportNotice' });
export type ImportNotice = z.infer<typeof ImportNotice>;

export const ImportWarning = z
  .object({
    row: z.int().meta({ description: '1-based, as in `rejected`' }),
    field: z.enum(['province']).meta({ description: 'The column the warning is about' }),
    value: z.string().meta({ description: `As written (at most ${MAX_PLACE_LENGTH} characters)` }),
    code: z.enum(DETAIL_CODES).meta({ description: 'Stable for programs (`unknown_province`)' }),
    message: z.string().meta({ description: 'In the language of `Accept-Language`' }),
  })
  .meta({
    id: 'ImportWarning',
    description: 'A row that was accepted, but without what this field said',
  });
export type ImportWarning = z.infer<typeof ImportWarning>;

/** A warning as planned, its message said later in the caller's language. */
export type PlannedWarning = Omit<ImportWarning, 'message'> & { params?: MessageParams };

export const warningIn = (
  { row, field, value, code, params }: PlannedWarning,
  lang: Lang,
): ImportWarning => ({
  row,
  field,
  value,
  code,
  message: messageFor(code, params, lang),
});

export const ImportResult = z
  .object({
    accepted: z.int().meta({ description: 'Phones added to the audience' }),
    duplicates: z
      .int()
      .meta({ description: 'Rows whose phone was already in the audience or earlier in the request' }),
    rejected: z.array(RejectedRow).meta({ description: `The first ${MAX_REJECTED_LISTED} rejected rows` }),
    rejectedCount: z.int().meta({ description: 'All rejected rows' }),
    notices: z
      .array(ImportNotice)
      .meta({ description: 'What the import says once about the file as a whole' }),
    warnings: z.array(ImportWarning).meta({
      description:
        `The first ${MAX_WARNINGS_LISTED} warnings: accepted rows whose province names no current or ` +
        'former province; they are kept without a province',
    }),
    warningCount: z.int().meta({ description: 'All warnings' }),
    mappedFromFormerName: z.int().meta({
      description:
        'Accepted rows whose province was a former province (Bắc Kạn, Thừa Thiên Huế, ...), stored as the ' +
        'unit it is part of since 1 July 2025 (Thái Nguyên, Huế, ...)',
    }),
    size: z.int().meta({ description: 'The audience size after the import' }),
  })
  .meta({ id: 'ImportResult' });
export type ImportResult = z.infer<typeof ImportResult>;

/** A subscriber row as read from JSON or CSV, before any checks. */
export interface SubscriberRow {
  /** 1-based; CSV rows count from the line after the header. */
  row: number;
  phone: string;
  province?: string | null | undefined;
  commune?: string | null | undefined;
  district?: string | null | undefined;
  tags?: readonly string[] | null | undefined;
  /** Set when the row could not be read (a CSV row with too many fields). */
  problem?: RowProblem;
}

/** Why a row is refused: a catalogue code and what its message names. */
export interface RowProblem {
  code: DetailCode;
  params?: MessageParams;
}

export const SUBSCRIBER_COLUMNS = ['phone', 'province', 'commune', 'district', 'tags'] as const;
type Column = (typeof SUBSCRIBER_COLUMNS)[number];

/**
 * Header names a file may give each column, English and Vietnamese as officers' spreadsheets write them.
 * They are compared by `headerKey`, so case, accents, `đ`/`d` and spaces do not matter (`SĐT`, `sdt`,
 * `Số điện thoại`, `so dien thoai`, `Tỉnh / TP` all match).
 */
export const COLUMN_ALIASES: Readonly<Record<Column, readonly string[]>> = {
  phone: ['phone', 'Số điện thoại', 'SĐT', 'SDT', 'Điện thoại', 'Số thuê bao'],
  province: ['province', 'Tỉnh/Thành phố', 'Tỉnh', 'Tỉnh/TP'],
  commune: ['commune', 'Xã/Phường', 'Xã', 'Phường', 'Xã/Phường/Đặc khu'],
  district: ['district', 'Quận/Huyện', 'Huyện'],
  tags: ['tags', 'Nhóm'],
};

const COMBINING_MARKS = /\p{M}/gu;
const WHITESPACE = /\s/gu;

/** A header name as compared: lower case, without accents or spaces, `đ` as `d`. */
export const headerKey = (name: string): string =>
  name
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(WHITESPACE, '')
    .toLowerCase()
    .replaceAll('đ', 'd');

const COLUMN_OF_KEY: ReadonlyMap<string, Column> = new Map(
  SUBSCRIBER_COLUMNS.flatMap((column) =>
    COLUMN_ALIASES[column].map((alias) => [headerKey(alias), column] as const),
  ),
);

/** The column a header name stands for, or undefined for a column the import does not read. */
export const columnOf = (name: string): Column | undefined => COLUMN_OF_KEY.get(headerKey(name));

/** Inside the CSV `tags` field, tags are separated by `;` or `|`. */
const TAG_SEPARATORS = /[;|]/;

export const noticeIn = ({ code, params }: PlannedNotice, lang: Lang): ImportNotice => ({
  code,
  message: messageFor(code, params, lang),
});

/** Subscriber rows as read from a request, and what the answer says about the file as a whole. */
export interface SubscriberRows {
  rows: SubscriberRow[];
  notices: PlannedNotice[];
}

const LEGACY_DISTRICT: PlannedNotice = { code: 'legacy_district_column' };

export const subscriberRowsFromJson = (subscribers: SubscribersInput['subscribers']): SubscriberRows => ({
  rows: subscribers.map((subscriber, i) => ({ row: i + 1, ...subscriber })),
  notices: subscribers.some((subscriber) => subscriber.district?.trim()) ? [LEGACY_DISTRICT] : [],
});

/** Which file a table came from, to name it in a file-level error. */
export type FileKind = 'CSV' | 'spreadsheet';

const fileErrors = (kind: FileKind, problems: readonly RowProblem[]) =>
  new ValidationError(
    `The ${kind} file cannot be imported`,
    problems.map(({ code, params }) => detail(BODY_PATH, code, params)),
  );
const fileError = (kind: FileKind, code: DetailCode, params?: MessageParams) =>
  fileErrors(kind, [{ code, params }]);
const EXAMPLE_HEADER = SUBSCRIBER_COLUMNS.join(',');
/** A header cell quoted in an error or notice: a file's first line may be a megabyte of anything. */
const SHOWN_COLUMN_LENGTH = 50;
/** Unknown columns named in the notice; the rest are counted. */
const SHOWN_UNKNOWN_COLUMNS = 10;
const shownColumn = (name: string) =>
  name.length > SHOWN_COLUMN_LENGTH ? `${name.slice(0, SHOWN_COLUMN_LENGTH)}…` : name;

/**
 * Rows of a `text/csv` import: a header row naming the columns, then one subscriber per row (see
 * subscriberRowsFromTable). File-level problems are a 400.
 */
export function subscriberRowsFromCsv(csv: string): SubscriberRows {
  if (csv.includes('\uFFFD')) {
    throw fileError('CSV', 'csv_not_utf8');
  }
  const table = parseCsvTable(csv);
  if (!table) throw fileError('CSV', 'csv_empty', { columns: EXAMPLE_HEADER });
  return subscriberRowsFromTable(table, 'CSV');
}

/**
 * Rows of any file read as a table (CSV, the first sheet of an .xlsx): the header names the columns by any
 * of their COLUMN_ALIASES (`phone` required; `province`, `commune`, `district`, `tags` optional; any
 * order), other columns are ignored and named in a notice, a `district` column is reported once as a
 * legacy column. File-level problems are a 400; a row with too many fields is only that row's problem.
 */
export function subscriberRowsFromTable(table: CsvTable, kind: FileKind): SubscriberRows {
  const columns = table.header.map((name) => columnOf(name));
  const unknown = table.header.filter((name, i) => columns[i] === undefined && name.trim() !== '');
  const problems: RowProblem[] = [
    ...table.header
      .filter((_name, i) => columns[i] !== undefined && columns.indexOf(columns[i]) !== i)
      .map((name): RowProblem => ({ code: 'csv_duplicate_column', params: { column: shownColumn(name) } })),
    ...(columns.includes('phone')
      ? []
      : [{ code: 'csv_no_phone_column', params: { columns: EXAMPLE_HEADER } } satisfies RowProblem]),
  ];
  if (problems.length) throw fileErrors(kind, problems);
  if (table.rows.length === 0) throw fileError(kind, 'csv_no_rows');
  if (table.rows.length > MAX_IMPORT_ROWS) {
    throw fileError(kind, 'csv_too_many_rows', { rows: table.rows.length, maximum: MAX_IMPORT_ROWS });
  }

  const at = (column: Column) => columns.indexOf(column);
  const [phoneAt, provinceAt, communeAt, districtAt, tagsAt] = SUBSCRIBER_COLUMNS.map(at) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const width = table.header.length;
  const rows = table.rows.map(({ row, fields }) => {
    const field = (index: number) => (index < 0 ? undefined : fields[index]);
    const subscriber: SubscriberRow = {
      row,
      phone: field(phoneAt) ?? '',
      province: field(provinceAt),
      commune: field(communeAt),
      district: field(districtAt),
      tags: field(tagsAt)?.split(TAG_SEPARATORS),
    };
    if (fields.slice(width).some((extra) => extra.trim() !== '')) {
      subscriber.problem = { code: 'too_many_fields', params: { fields: fields.length, columns: width } };
    }
    return subscriber;
  });

  const notices: PlannedNotice[] = [];
  if (districtAt >= 0) notices.push(LEGACY_DISTRICT);
  if (unknown.length) {
    const shown = unknown.slice(0, SHOWN_UNKNOWN_COLUMNS).map((name) => `"${shownColumn(name.trim())}"`);
    const more = unknown.length - shown.length;
    notices.push({
      code: 'unknown_columns_ignored',
      params: { columns: more > 0 ? `${shown.join(', ')} (+${more})` : shown.join(', ') },
    });
  }
  return { rows, notices };
}

/**
 * Counters in Maps, never plain objects: a province may be called `constructor`, `toString` or
 * `__proto__`, which an object would answer from its prototype or swallow.
 */
export interface AudienceCounts {
  size: number;
  byCarrier: Map<string, number>;
  byProvince: Map<string, number>;
}

/** The audience's counters as it stands. */
export const countsOf = (audience: Pick<Audience, 'size' | 'byCarrier' | 'byProvince'>): AudienceCounts => ({
  size: audience.size,
  byCarrier: new Map(Object.entries(audience.byCarrier)),
  byProvince: new Map(Object.entries(audience.byProvince)),
});

const sum = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) => {
  const total = new Map(a);
  for (const [key, n] of b) total.set(key, (total.get(key) ?? 0) + n);
  return total;
};

/** The counters after an import: what was there plus what it adds. */
export const addCounts = (a: AudienceCounts, b: AudienceCounts): AudienceCounts => ({
  size: a.size + b.size,
  byCarrier: sum(a.byCarrier, b.byCarrier),
  byProvince: sum(a.byProvince, b.byProvince),
});

export interface ImportPlan {
  /** Members to add, each phone once and none already in the audience. */
  members: AudienceMember[];
  duplicates: number;
  rejected: PlannedRejection[];
  warnings: PlannedWarning[];
  /** Members whose province was written as a former province. */
  mappedFromFormerName: number;
  /** What the members add to the audience's counters. */
  added: AudienceCounts;
}

/** What planning needs to know of the audience as it stands. */
export interface AudienceSnapshot {
  phones: ReadonlySet<string>;
}

const CONTROL_CHARACTERS = /\p{Cc}/u;
const SHOWN_PHONE_LENGTH = 40;

type Checked<T> = { ok: true; value: T } | ({ ok: false } & RowProblem);

const place = (
  field: 'province' | 'commune' | 'district',
  raw: string | null | undefined,
): Checked<string | undefined> => {
  const value = raw?.trim().normalize('NFC');
  if (!value) return { ok: true, value: undefined };
  if (value.length > MAX_PLACE_LENGTH) {
    return { ok: false, code: 'place_too_long', params: { field, maximum: MAX_PLACE_LENGTH } };
  }
  if (CONTROL_CHARACTERS.test(value))
    return { ok: false, code: 'place_control_character', params: { field } };
  return { ok: true, value };
};

/** A province cell: a current unit (maybe written as a former one), nothing, or text naming no unit. */
type ProvinceCell =
  | { kind: 'none' }
  | { kind: 'unit'; name: string; viaFormerName: boolean }
  | { kind: 'unknown'; value: string };

const provinceCell = (raw: string | null | undefined): ProvinceCell => {
  const value = raw?.trim().normalize('NFC');
  if (!value) return { kind: 'none' };
  const match = value.length <= MAX_PLACE_LENGTH ? matchProvince(value) : undefined;
  return match
    ? { kind: 'unit', name: match.unit.name, viaFormerName: match.viaFormerName }
    : { kind: 'unknown', value: value.slice(0, MAX_PLACE_LENGTH) };
};

const tagList = (raw: readonly string[] | null | undefined): Checked<string[] | undefined> => {
  const tags = [...new Set((raw ?? []).map((tag) => tag.trim().normalize('NFC')).filter(Boolean))];
  const bad = tags.find(
    (tag) => tag.length > MAX_TAG_LENGTH || TAG_SEPARATORS.test(tag) || CONTROL_CHARACTERS.test(tag),
  );
  if (bad !== undefined) {
    return {
      ok: false,
      code: 'invalid_tag',
      params: { tag: bad.slice(0, MAX_TAG_LENGTH), maximum: MAX_TAG_LENGTH },
    };
  }
  if (tags.length > MAX_TAGS) return { ok: false, code: 'too_many_tags', params: { maximum: MAX_TAGS } };
  return { ok: true, value: tags.length ? tags : undefined };
};

const increment = (counts: Map<string, number>, key: string) => {
  counts.set(key, (counts.get(key) ?? 0) + 1);
};

/**
 * Decides what an import does, before anything is written: each row is accepted, a duplicate (its phone
 * is in the audience already or earlier in the request) or rejected with its 1-based row and the reason.
 * A bad row never affects the others. A province is stored as its current unit's name; one that names no
 * unit leaves the row accepted without a province, with a warning: the phone still serves campaigns that
 * target no province.
 */
export function planImport(rows: readonly SubscriberRow[], audience: AudienceSnapshot): ImportPlan {
  const seen = new Set<string>();
  const members: AudienceMember[] = [];
  const rejected: PlannedRejection[] = [];
  const warnings: PlannedWarning[] = [];
  let mappedFromFormerName = 0;
  const added: AudienceCounts = { size: 0, byCarrier: new Map(), byProvince: new Map() };
  let duplicates = 0;

  for (const row of rows) {
    const reject = ({ code, params }: RowProblem) =>
      rejected.push({
        row: row.row,
        phone: row.phone.trim().slice(0, SHOWN_PHONE_LENGTH),
        code,
        reason: messageFor(code, params, 'en'),
        ...(params ? { params } : {}),
      });
    if (row.problem) {
      reject(row.problem);
      continue;
    }
    if (row.phone.trim() === '') {
      reject({ code: 'missing_phone' });
      continue;
    }
    const phone = normalizeVietnameseMobile(row.phone);
    if (!phone.ok) {
      reject(phone);
      continue;
    }
    const commune = place('commune', row.commune);
    const district = place('district', row.district);
    const tags = tagList(row.tags);
    const invalid = [commune, district, tags].find((check) => !check.ok);
    if (invalid && !invalid.ok) {
      reject(invalid);
      continue;
    }
    if (seen.has(phone.phone) || audience.phones.has(phone.phone)) {
      duplicates++;
      continue;
    }
    const province = provinceCell(row.province);
    const provinceName = province.kind === 'unit' ? province.name : undefined;
    if (province.kind === 'unit' && province.viaFormerName) mappedFromFormerName++;
    if (province.kind === 'unknown') {
      warnings.push({ row: row.row, field: 'province', value: province.value, code: 'unknown_province' });
    }

    seen.add(phone.phone);
    const member: AudienceMember = { phone: phone.phone, carrier: phone.carrier };
    if (provinceName !== undefined) member.province = provinceName;
    if (commune.ok && commune.value !== undefined) member.commune = commune.value;
    if (district.ok && district.value !== undefined) member.district = district.value;
    if (tags.ok && tags.value !== undefined) member.tags = tags.value;
    members.push(member);
    added.size++;
    increment(added.byCarrier, member.carrier);
    if (provinceName !== undefined) increment(added.byProvince, provinceName);
  }
  return { members, duplicates, rejected, warnings, mappedFromFormerName, added };
}
