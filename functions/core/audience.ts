import * as z from 'zod';
import { freeText, nameText } from './text.js';
import type { Carrier } from './carriers.js';
import { parseCsvTable, type CsvTable } from './csv.js';
import { detail, ValidationError } from './errors.js';
import {
  BODY_PATH,
  DETAIL_CODES,
  customIssue,
  messageFor,
  schemaMessage,
  type DetailCode,
  type Lang,
  type MessageParams,
} from './messages.js';
import { normalizeVietnameseMobile } from './phone.js';
import { matchProvince } from './provinces.js';
import { languageTagOf } from './content/languages.js';
import { attributeKey, MAX_FIELD_NAME_LENGTH, RESERVED_KEYS } from './content/template.js';

/** Contract §4: audiences (named lists of subscribers) and the import of their subscribers. */

/** Most rows one import request may carry (contract §4). */
export const MAX_IMPORT_ROWS = 100_000;
/** Most rows an uploaded file may hold: it is imported in the background (core/import-job.ts). */
export const MAX_JOB_ROWS = 500_000;
/** Longest province, commune or district name, in characters after trimming. */
export const MAX_PLACE_LENGTH = 100;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
/** Rejected rows listed in an import's answer; `rejectedCount` gives the total. */
export const MAX_REJECTED_LISTED = 1000;
/** Warnings listed in an import's answer; `warningCount` gives the total. */
export const MAX_WARNINGS_LISTED = MAX_REJECTED_LISTED;
/** Most columns of one file kept as subscriber attributes (issue #16); the rest are ignored, and said. */
export const MAX_ATTRIBUTE_COLUMNS = 10;
/** Longest attribute value, in characters after trimming. */
export const MAX_ATTRIBUTE_LENGTH = 100;

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

/** An attribute some members of an audience have: its key, the header that named it, how many have it. */
export interface AudienceAttribute {
  key: string;
  name: string;
  present: number;
}

export interface Audience {
  id: string;
  name: string;
  description?: string;
  size: number;
  byCarrier: Record<string, number>;
  byProvince: Record<string, number>;
  /** Members per language tag; members without a language are not counted. */
  languages: Record<string, number>;
  /** Attributes members have, in the order they were first imported. */
  attributes: AudienceAttribute[];
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
    languages: counts.meta({
      description:
        'Members per language (a BCP 47 tag, see docs/personalisation.md) as imported from a `language` / ' +
        "`Ngôn ngữ` column; it picks a campaign's language variant. Members without a language get `vi`",
      example: { hmn: 420, blt: 130, 'vi-x-khongdau': 75 },
    }),
    attributes: z
      .array(
        z.object({
          key: z.string().meta({
            description: 'What a message names it by: `{{ho_va_ten}}` (or `{{Họ và tên}}`, the same key)',
            example: 'ho_va_ten',
          }),
          name: z.string().meta({ description: 'The column header as written', example: 'Họ và tên' }),
          present: z.int().meta({ description: 'Members that have a value', example: 1480 }),
        }),
      )
      .meta({
        description:
          `Subscriber attributes: a file's other columns (at most ${MAX_ATTRIBUTE_COLUMNS}), kept with each ` +
          "member to fill `{{field}}` placeholders; a re-imported phone gets the new row's attributes",
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

/** An upload of an import's file (`POST /v1/audiences/{audienceId}/import-uploads`, core/import-upload.ts). */
export const UploadId = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, schemaMessage('invalid_upload_id'))
  .meta({ description: 'Chosen by the server (a ULID)', example: '01J9Z6Q5V8M3N2K1H0G9F8E7D6' });

const subscriberList = (maxRows: number) =>
  z
    .array(SubscriberInput)
    .min(1, schemaMessage('no_subscribers'))
    .max(maxRows, schemaMessage('too_many_rows', { maximum: maxRows }));
const SubscriberList = subscriberList(MAX_IMPORT_ROWS);

/** A JSON file of subscribers, uploaded: the list itself, of at most MAX_JOB_ROWS. */
export const SubscriberFile = z.strictObject({ subscribers: subscriberList(MAX_JOB_ROWS) });

/**
 * The JSON body of an import: the subscribers themselves, or the id of an upload whose file (JSON, CSV or
 * .xlsx, over what a request body can carry) is read instead. Exactly one of the two: one object rather
 * than a union, so a bad row is still named by its own path (`subscribers.3.phone`).
 */
export const SubscribersInput = z
  .strictObject({
    subscribers: SubscriberList.optional(),
    uploadId: UploadId.optional().meta({
      description: 'Import the file uploaded to this upload instead (`POST .../import-uploads`)',
    }),
  })
  .check((context) => {
    const { subscribers, uploadId } = context.value;
    if (subscribers === undefined && uploadId === undefined)
      context.issues.push({ ...customIssue('required'), path: ['subscribers'], input: undefined });
    if (subscribers !== undefined && uploadId !== undefined)
      context.issues.push({ ...customIssue('subscribers_or_upload'), path: ['uploadId'], input: uploadId });
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
export const IMPORT_NOTICE_CODES = [
  'legacy_district_column',
  'unknown_columns_ignored',
  'attribute_columns',
  'too_many_attribute_columns',
] as const satisfies readonly DetailCode[];
export type ImportNoticeCode = (typeof IMPORT_NOTICE_CODES)[number];
export interface PlannedNotice {
  code: ImportNoticeCode;
  params?: MessageParams;
}

export const ImportNotice = z
  .object({
    code: z.enum(IMPORT_NOTICE_CODES).meta({
      description:
        '`legacy_district_column`: the file has a district column (`district`, `Quận/Huyện`, `Huyện`); Vietnam ' +
        'has had no district level since 1 July 2025, the value is kept as `district` but a `commune` column ' +
        "is what to send. `attribute_columns`: the file's other columns kept with each subscriber as " +
        'attributes, each named with the placeholder that reads it (`"Họ và tên" {{ho_va_ten}}`). ' +
        `\`too_many_attribute_columns\`: columns after the first ${MAX_ATTRIBUTE_COLUMNS} attribute columns, ` +
        'ignored. `unknown_columns_ignored`: columns that number rows (`STT`, `TT`, `Số thứ tự`) or whose ' +
        'header cannot name a placeholder (no letter or digit, longer than 40 characters, `link`), ignored. ' +
        'Each names at most 10 columns and counts the rest.',
    }),
    message: z.string().meta({ description: 'The same in words, in the language of `Accept-Language`' }),
  })
  .meta({ id: 'ImportNotice' });
export type ImportNotice = z.infer<typeof ImportNotice>;

export const ImportWarning = z
  .object({
    row: z.int().meta({ description: '1-based, as in `rejected`' }),
    field: z.enum(['province', 'language']).meta({ description: 'The column the warning is about' }),
    value: z.string().meta({ description: `As written (at most ${MAX_PLACE_LENGTH} characters)` }),
    code: z.enum(DETAIL_CODES).meta({
      description:
        'Stable for programs: `unknown_province`; `ambiguous_language` (`Thái`: write `Thái Đen` or ' +
        '`Thái Trắng`), `unknown_language`',
    }),
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
    replaced: z.int().meta({
      description:
        'Of the duplicates, phones already in the audience whose attributes (and language) were replaced by ' +
        "the row's: only a file with attribute or language columns replaces them, each with what the file " +
        'has (an empty cell removes the value); province, commune and tags stay as first imported',
    }),
    rejected: z.array(RejectedRow).meta({ description: `The first ${MAX_REJECTED_LISTED} rejected rows` }),
    rejectedCount: z.int().meta({ description: 'All rejected rows' }),
    notices: z
      .array(ImportNotice)
      .meta({ description: 'What the import says once about the file as a whole' }),
    warnings: z.array(ImportWarning).meta({
      description:
        `The first ${MAX_WARNINGS_LISTED} warnings: accepted rows whose province names no current or ` +
        'former province (kept without a province), or whose language is unknown or ambiguous (kept ' +
        'without a language: they get the Vietnamese text)',
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
  /** As written in the language column. */
  language?: string | null | undefined;
  /** Values of the file's attribute columns (`SubscriberRows.attributeColumns`), in their order. */
  attributes?: readonly (string | undefined)[];
  /** Set when the row could not be read (a CSV row with too many fields). */
  problem?: RowProblem;
}

/** Why a row is refused: a catalogue code and what its message names. */
export interface RowProblem {
  code: DetailCode;
  params?: MessageParams;
}

export const SUBSCRIBER_COLUMNS = ['phone', 'province', 'commune', 'district', 'tags', 'language'] as const;
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
  language: ['language', 'lang', 'Ngôn ngữ', 'Tiếng'],
};

/** Columns that number rows: they mean nothing to a message, so they are not kept as attributes. */
const NUMBERING_KEYS: ReadonlySet<string> = new Set([
  'stt',
  'tt',
  'so_tt',
  'so_thu_tu',
  'thu_tu',
  'no',
  'row',
  'row_number',
]);

/** A column kept as a subscriber attribute: its key (`attributeKey`) and its header as written. */
export interface AttributeColumn {
  key: string;
  name: string;
}

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
  /** The file's columns kept as attributes (at most MAX_ATTRIBUTE_COLUMNS); none from JSON. */
  attributeColumns?: readonly AttributeColumn[];
  /** The file has a language column. */
  languageColumn?: boolean;
}

const LEGACY_DISTRICT: PlannedNotice = { code: 'legacy_district_column' };

export const subscriberRowsFromJson = (
  subscribers: z.infer<typeof SubscriberFile>['subscribers'],
): SubscriberRows => ({
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
const EXAMPLE_HEADER = 'phone,province,commune,district,tags';
/** A header cell quoted in an error or notice: a file's first line may be a megabyte of anything. */
const SHOWN_COLUMN_LENGTH = 50;
/** Columns named in a notice; the rest are counted. */
const SHOWN_UNKNOWN_COLUMNS = 10;
const shownColumn = (name: string) =>
  name.length > SHOWN_COLUMN_LENGTH ? `${name.slice(0, SHOWN_COLUMN_LENGTH)}…` : name;
/** `"a", "b" (+3)`: at most SHOWN_UNKNOWN_COLUMNS names, the rest counted. */
const columnList = (names: readonly string[]) => {
  const shown = names.slice(0, SHOWN_UNKNOWN_COLUMNS);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} (+${more})` : shown.join(', ');
};
const quoted = (name: string) => `"${shownColumn(name)}"`;

/** Whether a column the import does not read otherwise is kept as an attribute: it must name a placeholder. */
const attributeColumnOf = (header: string): AttributeColumn | undefined => {
  const name = header.trim().normalize('NFC');
  const key = attributeKey(name);
  if (!key || name.length > MAX_FIELD_NAME_LENGTH || NUMBERING_KEYS.has(key) || RESERVED_KEYS.includes(key))
    return undefined;
  return { key, name };
};

/**
 * Rows of a `text/csv` import: a header row naming the columns, then one subscriber per row (see
 * subscriberRowsFromTable). File-level problems are a 400.
 */
export function subscriberRowsFromCsv(csv: string, maxRows = MAX_IMPORT_ROWS): SubscriberRows {
  if (csv.includes('\uFFFD')) {
    throw fileError('CSV', 'csv_not_utf8');
  }
  const table = parseCsvTable(csv);
  if (!table) throw fileError('CSV', 'csv_empty', { columns: EXAMPLE_HEADER });
  return subscriberRowsFromTable(table, 'CSV', maxRows);
}

/**
 * Rows of any file read as a table (CSV, the first sheet of an .xlsx): the header names the columns by any
 * of their COLUMN_ALIASES (`phone` required; `province`, `commune`, `district`, `tags`, `language` optional;
 * any order). Other columns are kept as subscriber attributes, keyed by `attributeKey(header)`: at most
 * MAX_ATTRIBUTE_COLUMNS, the rest ignored; columns that number rows or whose header names no placeholder are
 * ignored. Each of these is said once in a notice, as is a legacy `district` column. File-level problems
 * (a column named twice, no phone column, more than `maxRows` rows) are a 400; a row with too many fields is
 * only that row's problem.
 */
export function subscriberRowsFromTable(
  table: CsvTable,
  kind: FileKind,
  maxRows = MAX_IMPORT_ROWS,
): SubscriberRows {
  const columns = table.header.map((name) => columnOf(name));
  const ignored: string[] = [];
  const candidates: (AttributeColumn & { index: number })[] = [];
  table.header.forEach((name, index) => {
    if (columns[index] !== undefined || name.trim() === '') return;
    const attribute = attributeColumnOf(name);
    if (attribute) candidates.push({ ...attribute, index });
    else ignored.push(name.trim());
  });
  const keys = new Set<string>();
  const twice: AttributeColumn[] = [];
  for (const candidate of candidates) {
    if (keys.has(candidate.key)) twice.push(candidate);
    keys.add(candidate.key);
  }
  const problems: RowProblem[] = [
    ...table.header
      .filter((_name, i) => columns[i] !== undefined && columns.indexOf(columns[i]) !== i)
      .map((name): RowProblem => ({ code: 'csv_duplicate_column', params: { column: shownColumn(name) } })),
    ...twice.slice(0, SHOWN_UNKNOWN_COLUMNS).map(({ name }): RowProblem => ({
      code: 'csv_duplicate_column',
      params: { column: shownColumn(name) },
    })),
    ...(columns.includes('phone')
      ? []
      : [{ code: 'csv_no_phone_column', params: { columns: EXAMPLE_HEADER } } satisfies RowProblem]),
  ];
  if (problems.length) throw fileErrors(kind, problems);
  if (table.rows.length === 0) throw fileError(kind, 'csv_no_rows');
  if (table.rows.length > maxRows) {
    throw fileError(kind, 'csv_too_many_rows', { rows: table.rows.length, maximum: maxRows });
  }
  const kept = candidates.slice(0, MAX_ATTRIBUTE_COLUMNS);
  const over = candidates.slice(MAX_ATTRIBUTE_COLUMNS);

  const at = (column: Column) => columns.indexOf(column);
  const [phoneAt, provinceAt, communeAt, districtAt, tagsAt, languageAt] = SUBSCRIBER_COLUMNS.map(at) as [
    number,
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
    if (languageAt >= 0) subscriber.language = field(languageAt);
    if (kept.length) subscriber.attributes = kept.map(({ index }) => fields[index]);
    if (fields.slice(width).some((extra) => extra.trim() !== '')) {
      subscriber.problem = { code: 'too_many_fields', params: { fields: fields.length, columns: width } };
    }
    return subscriber;
  });

  const notices: PlannedNotice[] = [];
  if (districtAt >= 0) notices.push(LEGACY_DISTRICT);
  if (kept.length) {
    notices.push({
      code: 'attribute_columns',
      params: { columns: columnList(kept.map(({ name, key }) => `${quoted(name)} {{${key}}}`)) },
    });
  }
  if (over.length) {
    notices.push({
      code: 'too_many_attribute_columns',
      params: { maximum: MAX_ATTRIBUTE_COLUMNS, columns: columnList(over.map(({ name }) => quoted(name))) },
    });
  }
  if (ignored.length) {
    notices.push({ code: 'unknown_columns_ignored', params: { columns: columnList(ignored.map(quoted)) } });
  }
  return {
    rows,
    notices,
    attributeColumns: kept.map(({ key, name }) => ({ key, name })),
    languageColumn: languageAt >= 0,
  };
}

/**
 * Counters in Maps, never plain objects: a province may be called `constructor`, `toString` or
 * `__proto__`, which an object would answer from its prototype or swallow.
 */
export interface AudienceCounts {
  size: number;
  byCarrier: Map<string, number>;
  byProvince: Map<string, number>;
  byLanguage: Map<string, number>;
  /** Members with a value, by attribute key, with the header that names the attribute. */
  attributes: Map<string, { name: string; present: number }>;
}

export const emptyCounts = (): AudienceCounts => ({
  size: 0,
  byCarrier: new Map(),
  byProvince: new Map(),
  byLanguage: new Map(),
  attributes: new Map(),
});

/** The audience's counters as it stands. */
export const countsOf = (
  audience: Pick<Audience, 'size' | 'byCarrier' | 'byProvince'> &
    Partial<Pick<Audience, 'languages' | 'attributes'>>,
): AudienceCounts => ({
  size: audience.size,
  byCarrier: new Map(Object.entries(audience.byCarrier)),
  byProvince: new Map(Object.entries(audience.byProvince)),
  byLanguage: new Map(Object.entries(audience.languages ?? {})),
  attributes: new Map((audience.attributes ?? []).map(({ key, name, present }) => [key, { name, present }])),
});

/** The audience's attribute counters as its view lists them. */
export const attributeList = (attributes: AudienceCounts['attributes']): AudienceAttribute[] =>
  [...attributes].map(([key, { name, present }]) => ({ key, name, present }));

const sum = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) => {
  const total = new Map(a);
  for (const [key, n] of b) total.set(key, (total.get(key) ?? 0) + n);
  return total;
};

/** Attributes of both, counts summed; an attribute is named by the later import's header. */
const sumAttributes = (a: AudienceCounts['attributes'], b: AudienceCounts['attributes']) => {
  const total = new Map(a);
  for (const [key, { name, present }] of b)
    total.set(key, { name, present: (total.get(key)?.present ?? 0) + present });
  return total;
};

/** The counters after an import: what was there plus what it adds. */
export const addCounts = (a: AudienceCounts, b: AudienceCounts): AudienceCounts => ({
  size: a.size + b.size,
  byCarrier: sum(a.byCarrier, b.byCarrier),
  byProvince: sum(a.byProvince, b.byProvince),
  byLanguage: sum(a.byLanguage, b.byLanguage),
  attributes: sumAttributes(a.attributes, b.attributes),
});

/** Languages and attributes of members as counted one by one (a recount of the stored members). */
export interface ContentTally {
  byLanguage: Map<string, number>;
  attributes: Map<string, number>;
}

export const emptyTally = (): ContentTally => ({ byLanguage: new Map(), attributes: new Map() });

export const tallyMember = (tally: ContentTally, member: AudienceMember): void => {
  if (member.language !== undefined) increment(tally.byLanguage, member.language);
  for (const key of Object.keys(member.attributes ?? {})) increment(tally.attributes, key);
};

/**
 * The counters with languages and attributes as recounted from every stored member (after an import that
 * replaced members' attributes): each attribute keeps its place and is named by the latest header
 * (`names`: this import's, then the counters'), and one no member has any more is gone.
 */
export const withTally = (
  counts: AudienceCounts,
  tally: ContentTally,
  names: ReadonlyMap<string, string>,
): AudienceCounts => {
  const attributes = new Map<string, { name: string; present: number }>();
  for (const key of [...counts.attributes.keys(), ...tally.attributes.keys()]) {
    const present = tally.attributes.get(key);
    if (present === undefined || attributes.has(key)) continue;
    attributes.set(key, { name: names.get(key) ?? counts.attributes.get(key)?.name ?? key, present });
  }
  return { ...counts, byLanguage: new Map(tally.byLanguage), attributes };
};

/** What a re-imported phone's row replaces: only what the file has columns for. */
export interface MemberUpdate {
  /** The file has a language column: the member's language becomes `language` (none when undefined). */
  setLanguage: boolean;
  language?: string;
  /** The file has attribute columns: the member's attributes become `attributes` (none when undefined). */
  setAttributes: boolean;
  attributes?: Record<string, string>;
}

const sameAttributes = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) => {
  const aKeys = Object.keys(a ?? {});
  return aKeys.length === Object.keys(b ?? {}).length && aKeys.every((key) => a?.[key] === b?.[key]);
};

/** The member after a re-import's update; the same object when nothing changes. */
export const withUpdate = (member: AudienceMember, update: MemberUpdate): AudienceMember => {
  const language = update.setLanguage ? update.language : member.language;
  const attributes = update.setAttributes ? update.attributes : member.attributes;
  if (language === member.language && sameAttributes(attributes, member.attributes)) return member;
  const { language: _language, attributes: _attributes, ...rest } = member;
  return {
    ...rest,
    ...(language !== undefined ? { language } : {}),
    ...(attributes !== undefined ? { attributes } : {}),
  };
};

/**
 * A member's attributes: an object without a prototype, so a key such as `constructor` that a member lacks
 * reads as undefined rather than as Object's.
 */
export const attributeRecord = (entries: Iterable<readonly [string, string]>): Record<string, string> => {
  const record = Object.create(null) as Record<string, string>;
  for (const [key, value] of entries) record[key] = value;
  return record;
};

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
  /**
   * Phones already in the audience whose row replaces their language and attributes (a file with such
   * columns only); they count as duplicates too. The counters then need a recount (`withTally`).
   */
  updates: Map<string, MemberUpdate>;
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

/** The row's attribute values: trimmed, NFC, an empty cell no value; a bad one rejects the row. */
const attributeValues = (
  columns: readonly AttributeColumn[],
  raw: readonly (string | undefined)[] | undefined,
): Checked<Record<string, string> | undefined> => {
  const values: [string, string][] = [];
  for (const [i, { key, name }] of columns.entries()) {
    const value = raw?.[i]?.trim().normalize('NFC');
    if (!value) continue;
    const column = shownColumn(name);
    if (value.length > MAX_ATTRIBUTE_LENGTH)
      return { ok: false, code: 'attribute_too_long', params: { column, maximum: MAX_ATTRIBUTE_LENGTH } };
    if (CONTROL_CHARACTERS.test(value))
      return { ok: false, code: 'attribute_control_character', params: { column } };
    // A value is inserted into a message as it is; one that looks like a placeholder is a mistake.
    if (value.includes('{{') || value.includes('}}'))
      return { ok: false, code: 'attribute_placeholder', params: { column } };
    values.push([key, value]);
  }
  return { ok: true, value: values.length ? attributeRecord(values) : undefined };
};

/** A language cell: a canonical tag, nothing, or text naming no language (`Thái` alone is ambiguous). */
type LanguageCell =
  | { kind: 'none' }
  | { kind: 'tag'; tag: string }
  | { kind: 'unknown'; value: string; code: 'ambiguous_language' | 'unknown_language' };

const AMBIGUOUS_LANGUAGE_KEYS: ReadonlySet<string> = new Set(['thai', 'tieng_thai', 'dan_toc_thai']);

const languageCell = (raw: string | null | undefined): LanguageCell => {
  const value = raw?.trim().normalize('NFC');
  if (!value) return { kind: 'none' };
  const tag =
    value.length <= MAX_ATTRIBUTE_LENGTH && !CONTROL_CHARACTERS.test(value)
      ? languageTagOf(value)
      : undefined;
  if (tag !== undefined) return { kind: 'tag', tag };
  const ambiguous = AMBIGUOUS_LANGUAGE_KEYS.has(attributeKey(value.slice(0, MAX_ATTRIBUTE_LENGTH)));
  return {
    kind: 'unknown',
    value: value.slice(0, MAX_PLACE_LENGTH),
    code: ambiguous ? 'ambiguous_language' : 'unknown_language',
  };
};

const increment = (counts: Map<string, number>, key: string) => {
  counts.set(key, (counts.get(key) ?? 0) + 1);
};

/** What a planner has decided so far, over every row it was given. */
export type ImportTally = Omit<ImportPlan, 'members'>;

/**
 * An import planned a part of the file at a time (a background import, core/import-job.ts): `add` plans
 * the next rows and answers the members they add, `tally` what all rows so far came to. Rows given in
 * parts are planned exactly as the same rows given at once (`planImport`): a phone seen in an earlier part
 * is a duplicate of the file, never of the audience.
 */
export interface ImportPlanner {
  add(rows: readonly SubscriberRow[]): AudienceMember[];
  tally(): ImportTally;
}

/**
 * Decides what an import does, before anything is written: each row is accepted, a duplicate (its phone
 * is in the audience already or earlier in the request) or rejected with its 1-based row and the reason.
 * A bad row never affects the others. A province is stored as its current unit's name; one that names no
 * unit leaves the row accepted without a province, with a warning: the phone still serves campaigns that
 * target no province. A language names a tag (`languageTagOf`); an unknown or ambiguous one leaves the row
 * without a language, with a warning. Attribute values are checked like places. A phone already in the
 * audience keeps its place and tags, but a file with language or attribute columns replaces those
 * (`updates`).
 */
export function importPlanner(
  audience: AudienceSnapshot,
  file: Pick<SubscriberRows, 'attributeColumns' | 'languageColumn'> = {},
): ImportPlanner {
  const attributeColumns = file.attributeColumns ?? [];
  const updates = new Map<string, MemberUpdate>();
  const updatesContent = attributeColumns.length > 0 || file.languageColumn === true;
  const seen = new Set<string>();
  const rejected: PlannedRejection[] = [];
  const warnings: PlannedWarning[] = [];
  let mappedFromFormerName = 0;
  const added = emptyCounts();
  /** Members with a value, by attribute key: counted here, listed in the columns' order by `tally`. */
  const present = new Map<string, number>();
  let duplicates = 0;

  const add = (rows: readonly SubscriberRow[]): AudienceMember[] => {
    const members: AudienceMember[] = [];
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
      const attributes = attributeValues(attributeColumns, row.attributes);
      const invalid = [commune, district, tags, attributes].find((check) => !check.ok);
      if (invalid && !invalid.ok) {
        reject(invalid);
        continue;
      }
      if (seen.has(phone.phone)) {
        duplicates++;
        continue;
      }
      const language = languageCell(row.language);
      const warnOfLanguage = () => {
        if (language.kind === 'unknown')
          warnings.push({ row: row.row, field: 'language', value: language.value, code: language.code });
      };
      const languageTag = language.kind === 'tag' ? language.tag : undefined;
      const attributeValue = attributes.ok ? attributes.value : undefined;
      if (audience.phones.has(phone.phone)) {
        seen.add(phone.phone);
        duplicates++;
        if (updatesContent) {
          warnOfLanguage();
          updates.set(phone.phone, {
            setLanguage: file.languageColumn === true,
            ...(languageTag !== undefined ? { language: languageTag } : {}),
            setAttributes: attributeColumns.length > 0,
            ...(attributeValue !== undefined ? { attributes: attributeValue } : {}),
          });
        }
        continue;
      }
      const province = provinceCell(row.province);
      const provinceName = province.kind === 'unit' ? province.name : undefined;
      if (province.kind === 'unit' && province.viaFormerName) mappedFromFormerName++;
      if (province.kind === 'unknown') {
        warnings.push({ row: row.row, field: 'province', value: province.value, code: 'unknown_province' });
      }
      warnOfLanguage();

      seen.add(phone.phone);
      const member: AudienceMember = { phone: phone.phone, carrier: phone.carrier };
      if (provinceName !== undefined) member.province = provinceName;
      if (commune.ok && commune.value !== undefined) member.commune = commune.value;
      if (district.ok && district.value !== undefined) member.district = district.value;
      if (tags.ok && tags.value !== undefined) member.tags = tags.value;
      if (languageTag !== undefined) member.language = languageTag;
      if (attributeValue !== undefined) {
        member.attributes = attributeValue;
        for (const key of Object.keys(attributeValue)) increment(present, key);
      }
      members.push(member);
      added.size++;
      increment(added.byCarrier, member.carrier);
      if (provinceName !== undefined) increment(added.byProvince, provinceName);
      if (languageTag !== undefined) increment(added.byLanguage, languageTag);
    }
    return members;
  };

  const tally = (): ImportTally => {
    const attributes = new Map<string, { name: string; present: number }>();
    for (const { key, name } of attributeColumns) {
      const count = present.get(key);
      if (count) attributes.set(key, { name, present: count });
    }
    return {
      duplicates,
      rejected,
      warnings,
      mappedFromFormerName,
      added: { ...added, attributes },
      updates,
    };
  };

  return { add, tally };
}

/** The whole import planned at once: `importPlanner` given every row. */
export function planImport(
  rows: readonly SubscriberRow[],
  audience: AudienceSnapshot,
  file: Pick<SubscriberRows, 'attributeColumns' | 'languageColumn'> = {},
): ImportPlan {
  const planner = importPlanner(audience, file);
  const members = planner.add(rows);
  return { members, ...planner.tally() };
}
