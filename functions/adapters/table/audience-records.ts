import * as z from 'zod';
import { gunzipSync, gzipSync } from 'node:zlib';
import { IMPORT_NOTICE_CODES, type Audience, type AudienceAttribute } from '#core/audience.js';
import { FILE_DAYS } from '#core/files.js';
import { IMPORT_JOB_STATUSES, type ImportJob } from '#core/import-job.js';
import { ImportUploadRecord, type ImportUpload } from '#core/import-upload.js';
import { IMPORT_MEDIA_TYPES } from '#core/media-types.js';
import { DETAIL_CODES, ERROR_MESSAGE_CODES } from '#core/messages.js';
import { keys, TTL_ATTRIBUTE } from '#adapters/table.js';
import { defined, entityCodec, parseItem, type Item } from './codec.js';

/**
 * The codecs of audiences, their members and their imports, apart from records.ts so that a Lambda storing
 * partners, opt-outs or replies imports no audience or import schema.
 */

/**
 * Audience counters are stored as lists of `[name, count]` pairs, not as DynamoDB maps: the document client
 * reads a map into a plain object key by key, and a province called `__proto__` would vanish on the way.
 * Audiences written before counters became pairs hold a map.
 */
const StoredCounts = z
  .union([z.array(z.tuple([z.string(), z.number()])), z.record(z.string(), z.number())])
  .optional()
  .transform((stored): Record<string, number> =>
    Array.isArray(stored) ? Object.fromEntries(stored) : { ...stored },
  );
const toPairs = (counts: Iterable<[string, number]>): [string, number][] => [...counts];

/** Attribute counters as `[key, name, present]` triples, in order; audiences stored before #16 have none. */
const StoredAttributes = z
  .array(z.tuple([z.string(), z.string(), z.number()]))
  .optional()
  .transform((stored): AudienceAttribute[] =>
    (stored ?? []).map(([key, name, present]) => ({ key, name, present })),
  );
const toTriples = (attributes: Iterable<AudienceAttribute>): [string, string, number][] =>
  [...attributes].map(({ key, name, present }) => [key, name, present]);

const AUDIENCE = 'Audience';
const StoredAudience = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  size: z.number(),
  byCarrier: StoredCounts,
  byProvince: StoredCounts,
  languages: StoredCounts,
  attributes: StoredAttributes,
  createdAt: z.string(),
  createdBy: z.string(),
});
/** Audience: `AUDIENCE#{id}` / `AUDIENCE`, listed under `AUDIENCES` / `{createdAt}#{id}`. */
export const audienceCodec = {
  entity: AUDIENCE,
  toItem: (audience: Audience): Item => ({
    ...keys.audience(audience.id),
    ...keys.audienceList(audience.createdAt, audience.id),
    entity: AUDIENCE,
    ...audience,
    byCarrier: toPairs(Object.entries(audience.byCarrier)),
    byProvince: toPairs(Object.entries(audience.byProvince)),
    languages: toPairs(Object.entries(audience.languages)),
    attributes: toTriples(audience.attributes),
  }),
  /** Counters as an update sets them. */
  countsToItem: toPairs,
  attributesToItem: toTriples,
  fromItem: (item: Item): Audience => parseItem(AUDIENCE, StoredAudience, item),
} as const;

const AUDIENCE_CHUNK = 'AudienceChunk';
const StoredChunkMembers = z.object({ members: z.string() });
/** Up to 250 members of an audience as one text (audience-store.ts): `AUDIENCE#{id}` / `CHUNK#{import}#{seq}`. */
export const audienceChunkCodec = {
  entity: AUDIENCE_CHUNK,
  key: keys.audienceChunk,
  toItem: (audienceId: string, importId: string, seq: number, members: string): Item => ({
    ...keys.audienceChunk(audienceId, importId, seq),
    entity: AUDIENCE_CHUNK,
    importId,
    members,
  }),
  /** The members' text of a chunk (a read may project `members` only). */
  membersOf: (item: Item): string => parseItem(AUDIENCE_CHUNK, StoredChunkMembers, item).members,
  /** A chunk as read, its members' text replaced: the same key, import and entity. */
  withMembers: (item: Item, members: string): Item => ({ ...item, entity: AUDIENCE_CHUNK, members }),
} as const;

const MEMBER_INDEX = 'MemberIndex';
const StoredMemberIndex = z.object({ audienceId: z.string(), importId: z.string() });
/** Where an import put each phone, by last 2 digits: `MEMBERS#{bucket}` / `{audienceId}#{importId}`. */
export const memberIndexCodec = {
  entity: MEMBER_INDEX,
  toItem: (bucket: string, audienceId: string, importId: string, entries: readonly string[]): Item => ({
    ...keys.memberIndex(bucket, audienceId, importId),
    entity: MEMBER_INDEX,
    audienceId,
    importId,
    entries: [...entries],
  }),
  fromItem: (item: Item) => parseItem(MEMBER_INDEX, StoredMemberIndex, item),
} as const;

const IMPORT_UPLOAD = 'ImportUpload';
/** Import upload: `IMPORTUPLOAD#{audienceId}#{uploadId}` / `IMPORTUPLOAD`, gone (ttl) when its file is. */
export const importUploadCodec = {
  ...entityCodec(IMPORT_UPLOAD, ImportUploadRecord, (upload: ImportUpload) => ({
    ...keys.importUpload(upload.audienceId, upload.uploadId),
    [TTL_ATTRIBUTE]: Math.floor(new Date(upload.keptUntil).getTime() / 1000),
  })),
  key: (upload: Pick<ImportUpload, 'audienceId' | 'uploadId'>) =>
    keys.importUpload(upload.audienceId, upload.uploadId),
} as const;

const IMPORT_JOB = 'ImportJob';
const StoredParams = z.record(z.string(), z.union([z.string(), z.number()])).optional();
/** What a job's item keeps compressed (`report`): its listed rows, notices and error, a few hundred KB as JSON. */
const StoredJobReport = z.object({
  rejected: z.array(
    z.object({
      row: z.number(),
      phone: z.string(),
      code: z.enum(DETAIL_CODES),
      reason: z.string(),
      params: StoredParams,
    }),
  ),
  warnings: z.array(
    z.object({
      row: z.number(),
      field: z.enum(['province', 'language']),
      value: z.string(),
      code: z.enum(DETAIL_CODES),
      params: StoredParams,
    }),
  ),
  notices: z.array(z.object({ code: z.enum(IMPORT_NOTICE_CODES), params: StoredParams })),
  error: z
    .object({
      status: z.number(),
      code: z.string(),
      message: z.string(),
      details: z
        .array(
          z.object({
            path: z.string(),
            code: z.enum(DETAIL_CODES),
            message: z.string(),
            params: StoredParams,
          }),
        )
        .optional(),
      catalogued: z.object({ code: z.enum(ERROR_MESSAGE_CODES), params: StoredParams }).optional(),
    })
    .optional(),
});
const StoredImportJob = z.object({
  importId: z.string(),
  audienceId: z.string(),
  uploadId: z.string(),
  contentType: z.enum(IMPORT_MEDIA_TYPES),
  status: z.enum(IMPORT_JOB_STATUSES),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  leaseUntil: z.string(),
  replaced: z.number().optional(),
  size: z.number().optional(),
  finishedAt: z.string().optional(),
  report: z.instanceof(Uint8Array),
});
/** The job's progress counters, attributes of the job's item beside those above. */
const StoredImportCounts = z.object({
  stepsDone: z.number(),
  rowsRead: z.number(),
  totalRows: z.number().optional(),
  accepted: z.number(),
  duplicates: z.number(),
  rejectedCount: z.number(),
  warningCount: z.number(),
  mappedFromFormerName: z.number(),
});

/**
 * Background import (issues #17/#18): `IMPORTJOB#{audienceId}#{importId}` / `IMPORTJOB`, listed under
 * `IMPORTJOBS` / `{createdAt}#{audienceId}#{importId}` only while it runs (the local runtime's queue of
 * jobs to run, core/import-job.ts), gone (ttl) a day after it began, as its file. Counters are attributes;
 * the rejected rows, warnings, notices and error listed are one gzipped JSON (`report`).
 */
export const importJobCodec = {
  entity: IMPORT_JOB,
  key: (job: Pick<ImportJob, 'audienceId' | 'importId'>) => keys.importJob(job.audienceId, job.importId),
  runningListPk: keys.runningImportJobsPk,
  toItem: (job: ImportJob): Item => {
    const { progress, error, ...rest } = job;
    const { rejected, warnings, notices, ...counts } = progress;
    const report = gzipSync(JSON.stringify(defined({ rejected, warnings, notices, error })));
    return defined({
      ...keys.importJob(job.audienceId, job.importId),
      ...(job.status === 'running' ? keys.runningImportJob(job.createdAt, job.audienceId, job.importId) : {}),
      entity: IMPORT_JOB,
      ...rest,
      ...counts,
      report: new Uint8Array(report),
      [TTL_ATTRIBUTE]: Math.floor(new Date(job.createdAt).getTime() / 1000) + FILE_DAYS * 24 * 3600,
    });
  },
  fromItem: (item: Item): ImportJob => {
    const { report, ...job } = parseItem(IMPORT_JOB, StoredImportJob, item);
    const counts = parseItem(IMPORT_JOB, StoredImportCounts, item);
    const parsed = parseItem(IMPORT_JOB, StoredJobReport, {
      ...(JSON.parse(gunzipSync(report).toString('utf8')) as Item),
      pk: item.pk,
      sk: item.sk,
    });
    const { rejected, warnings, notices, error } = parsed;
    return defined({
      ...job,
      progress: defined({
        ...counts,
        rejected: rejected.map((row) => defined(row)),
        warnings: warnings.map((warning) => defined(warning)),
        notices: notices.map((notice) => defined(notice)),
      }),
      error: error && defined(error),
    });
  },
} as const;
