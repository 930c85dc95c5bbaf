import * as z from 'zod';
import type { Audience, AudienceAttribute } from '#core/audience.js';
import { currentFilters } from '#core/audience-filters.js';
import { AuditEntry } from '#core/audit.js';
import { IMPORT_MEDIA_TYPES, type ImportUpload } from '#core/import-upload.js';
import { IMPORT_NOTICE_CODES } from '#core/audience.js';
import { IMPORT_JOB_STATUSES, type ImportJob } from '#core/import-job.js';
import { FILE_DAYS } from '#core/files.js';
import { DETAIL_CODES, ERROR_MESSAGE_CODES } from '#core/messages.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CampaignView, LEGACY_CLICK_TRACKING, type Campaign } from '#core/campaign.js';
import { CARRIERS } from '#core/carriers.js';
import { OPT_OUT_SOURCES, type OptOut } from '#core/opt-out-record.js';
import { PartnerView, type StoredPartner } from '#core/partner.js';
import { SettingsView, type Settings } from '#core/settings.js';
import { InboundRecord, type Inbound } from '#core/webhooks/inbound.js';
import type { SubscriberAuditEntry } from '#core/subscriber-data.js';
import type { RecipientIndexItem } from '#core/webhooks/service.js';
import { keyParts, keys, retentionTtl, TTL_ATTRIBUTE } from '#adapters/table.js';
import { defined, entityCodec, parseItem, type Item } from './codec.js';
import { campaignTextsCodec, clickCodec, linkPrefixCodec } from './links.js';

// The short links' codecs are in links.ts, so that their Lambda imports none of the campaign world.
export { clickCodec, linkPrefixCodec };

/**
 * The codecs of the table's other entities (batches, progress and suppressed recipients are in batch.ts):
 * each one's entity name, keys, `toItem` and a `fromItem` that parses with zod. Stores use nothing else.
 */

const PARTNER = 'Partner';
// The API's schemas refuse unknown keys; a stored item also holds its keys, which parsing drops.
// `sealed`: the secret as a SecretSealer sealed it; `secret`: in clear, in items from before sealing only.
const PartnerItem = z.object(PartnerView.shape).extend({
  secrets: z.array(
    z.union([
      z.object({ sealed: z.string(), validUntil: z.string().optional() }),
      z.object({ secret: z.string(), validUntil: z.string().optional() }),
    ]),
  ),
});
/** Partner: `PARTNER#{id}` / `PARTNER`, listed under `PARTNERS` / `{id}`. */
export const partnerCodec = {
  entity: PARTNER,
  toItem: (partner: StoredPartner): Item => ({
    ...keys.partner(partner.id),
    ...keys.partnerList(partner.id),
    entity: PARTNER,
    ...partner,
  }),
  fromItem: (item: Item): StoredPartner => {
    const partner = parseItem(PARTNER, PartnerItem, item);
    return { ...partner, secrets: partner.secrets.map((s) => defined(s)) };
  },
} as const;

const OPT_OUT = 'OptOut';
const StoredOptOut = z.object({
  phone: z.string(),
  reason: z.string().optional(),
  source: z.enum(OPT_OUT_SOURCES),
  createdAt: z.string(),
  createdBy: z.string(),
});
/** Opt-out of a phone: `OPTOUT#{phone}` / `OPTOUT`, listed under `OPTOUTS` / `{phone}`. */
export const optOutCodec = {
  ...entityCodec(OPT_OUT, StoredOptOut, (optOut: OptOut) => ({
    ...keys.optOut(optOut.phone),
    ...keys.optOutList(optOut.phone),
  })),
  /** A read projecting `phone` (BatchGetItem) or the list key `listSk` (the `lists` index) only. */
  phoneOf: (item: Item): string => parseItem(OPT_OUT, z.object({ phone: z.string() }), item).phone,
  phoneOfListItem: (item: Item): string => parseItem(OPT_OUT, z.object({ listSk: z.string() }), item).listSk,
} as const;

const INBOUND = 'Inbound';
/**
 * Inbound message: `INBOUND#{partnerId}#{id}` / `INBOUND`, listed under `REPLIES#{campaignId}`; expires
 * RETENTION_DAYS after it was received.
 */
export const inboundCodec = entityCodec(INBOUND, InboundRecord, (inbound: Inbound) => ({
  ...keys.inbound(inbound.partnerId, inbound.id),
  ...keys.inboundFrom(inbound.from, inbound.receivedAt, inbound.partnerId, inbound.id),
  [TTL_ATTRIBUTE]: retentionTtl(inbound.receivedAt),
  ...(inbound.campaignId
    ? keys.replyList(inbound.campaignId, inbound.at, inbound.partnerId, inbound.id)
    : {}),
}));

const CAMPAIGN = 'Campaign';
/**
 * A stored campaign, its filters (and those of the version last rejected, so a review compares like with
 * like) in today's province names: campaigns saved before the registry hold them as typed.
 */
const inTodaysProvinces = ({ filters, rejection, ...campaign }: Campaign): Campaign => {
  const version = rejection?.version;
  return {
    ...campaign,
    ...(filters ? { filters: currentFilters(filters) } : {}),
    ...(rejection
      ? {
          rejection: version?.filters
            ? { ...rejection, version: { ...version, filters: currentFilters(version.filters) } }
            : rejection,
        }
      : {}),
  };
};

/** Campaign: `CAMPAIGN#{id}` / `CAMPAIGN`, listed under `CAMPAIGNS` and `CAMPAIGN_STATUS#{status}`. */
export const campaignCodec = {
  entity: CAMPAIGN,
  toItem: (campaign: Campaign): Item => ({
    ...campaign,
    ...keys.campaign(campaign.id),
    ...keys.campaignList(campaign.createdAt, campaign.id),
    ...keys.campaignByStatus(campaign.status, campaign.createdAt, campaign.id),
    entity: CAMPAIGN,
  }),
  /** A campaign stored before click tracking modes was sent with a code per recipient: it reads so. */
  fromItem: (item: Item): Campaign =>
    inTodaysProvinces(parseItem(CAMPAIGN, CampaignView, { clickTracking: LEGACY_CLICK_TRACKING, ...item })),
  /** A read projecting the campaign's texts only (short links find their target there). */
  contentFromItem: campaignTextsCodec.contentFromItem,
} as const;

const AUDIT = 'Audit';
/** Audit entry: `AUDIT#{campaignId}` / `{at}#{id}`, listed under `AUDIT`. */
export const auditCodec = entityCodec(AUDIT, AuditEntry, (entry: AuditEntry) =>
  keys.audit(entry.campaignId, entry.at, entry.id),
);

/** A user's test sends on a campaign in one UTC hour (a counter `sends`, moved by `ADD`). */
export const testSendsCodec = { entity: 'TestSends', key: keys.testSends } as const;

const SETTINGS = 'Settings';
const StoredSettings = z.object(SettingsView.shape);
/** Settings: `SETTINGS` / `SETTINGS`. */
export const settingsCodec = {
  entity: SETTINGS,
  key: keys.settings,
  toItem: (settings: Settings): Item => ({ ...keys.settings, entity: SETTINGS, ...settings }),
  fromItem: (item: Item): Settings => parseItem(SETTINGS, StoredSettings, item),
} as const;

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

/** Idempotency record of a POST (its state and answer are the store's): expires through `ttl`. */
export const idempotencyCodec = { entity: 'Idempotency', key: keys.idempotency } as const;

const SCHEDULE = 'Schedule';
const StoredSchedule = z.object({ campaignId: z.string(), dueAt: z.string() });
/** Local runtime's schedule of a campaign: `SCHEDULE#{campaignId}` / `SCHEDULE`, listed by `dueAt`. */
export const scheduleCodec = {
  entity: SCHEDULE,
  key: keys.schedule,
  toItem: ({ campaignId, dueAt }: z.output<typeof StoredSchedule>): Item => ({
    ...keys.schedule(campaignId),
    ...keys.scheduleList(dueAt, campaignId),
    entity: SCHEDULE,
    campaignId,
    dueAt,
  }),
  fromItem: (item: Item) => parseItem(SCHEDULE, StoredSchedule, item),
} as const;

const EVENT = 'Event';
const StoredEvent = z.object({
  pk: z.string(),
  type: z.string(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
/** Local runtime's record of a published event: `EVENT#{id}` / `EVENT`, kept a week. */
export const eventCodec = {
  entity: EVENT,
  toItem: (id: string, event: { at: string }, ttl: number): Item => ({
    ...keys.event(id, event.at),
    entity: EVENT,
    ...event,
    ttl,
  }),
  /** The published event (its id from the key), as the local event bus reads it off the stream. */
  fromItem: (item: Item) => {
    const { pk, ...event } = parseItem(EVENT, StoredEvent, item);
    return { id: keyParts.eventOfPk(pk) ?? '', ...event };
  },
} as const;

const SCHEMA_VERSION = 'SchemaVersion';
/** The table's data model version (functions/core/province-migration.ts): `SCHEMA` / `VERSION`. */
export const schemaVersionCodec = {
  entity: SCHEMA_VERSION,
  key: keys.schemaVersion,
  toItem: (version: number): Item => ({ ...keys.schemaVersion, entity: SCHEMA_VERSION, version }),
  fromItem: (item: Item): number =>
    parseItem(SCHEMA_VERSION, z.object({ version: z.number() }), item).version,
} as const;

const RECIPIENT_INDEX = 'RecipientIndex';
const StoredRecipientIndex = z.object({
  sk: z.string(),
  campaignId: z.string(),
  entries: z.array(z.string()).default([]),
});
/**
 * Phones of a campaign by last 2 digits: `RECIPIENTS#{bucket}` / `{materializedAt}#{campaignId}#{first seq}`.
 * Kept as long as the batches it points into (RETENTION_DAYS from the materialisation), so an erasure
 * finds a number's batches through it; replies look back 7 days only.
 */
export const recipientIndexCodec = {
  entity: RECIPIENT_INDEX,
  toItem: (bucket: string, item: RecipientIndexItem, firstSeq: number): Item => ({
    ...keys.recipientIndex(bucket, item.materializedAt, item.campaignId, firstSeq),
    entity: RECIPIENT_INDEX,
    campaignId: item.campaignId,
    entries: item.entries,
    [TTL_ATTRIBUTE]: retentionTtl(item.materializedAt),
  }),
  fromItem: (item: Item): RecipientIndexItem => {
    const { sk, campaignId, entries } = parseItem(RECIPIENT_INDEX, StoredRecipientIndex, item);
    return { campaignId, materializedAt: keyParts.materializedAtOfRecipientSk(sk), entries };
  },
} as const;

const MEMBER_INDEX = 'MemberIndex';
const StoredMemberIndex = z.object({
  pk: z.string(),
  sk: z.string(),
  audienceId: z.string(),
  importId: z.string(),
  entries: z.array(z.string()).default([]),
});
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

const SUBSCRIBER_AUDIT = 'SubscriberAudit';
/** An export or erasure of a subscriber's data: `SUBSCRIBERAUDIT` / `{at}#{id}`, the phone masked. */
export const subscriberAuditCodec = {
  entity: SUBSCRIBER_AUDIT,
  toItem: (entry: SubscriberAuditEntry): Item => ({
    ...keys.subscriberAudit(entry.at, entry.id),
    entity: SUBSCRIBER_AUDIT,
    ...entry,
  }),
} as const;

const PORTED = 'Ported';
const StoredPorted = z.object({ phone: z.string(), carrier: z.string() });
/** Ported number: `PORTED#{phone}` / `PORTED`, listed under `PORTED` / `{phone}`. */
export const portedCodec = {
  entity: PORTED,
  key: (phone: string) => {
    const { pk, sk } = keys.ported(phone);
    return { pk, sk };
  },
  toItem: <N extends { phone: string }>(number: N): Item => ({
    ...keys.ported(number.phone),
    entity: PORTED,
    ...number,
  }),
  /** Phone and carrier, when the carrier is one we know (a read may project only these two). */
  fromItem: (item: Item) => {
    const { phone, carrier } = parseItem(PORTED, StoredPorted, item);
    const known = z.enum(CARRIERS).safeParse(carrier);
    return known.success ? { phone, carrier: known.data } : undefined;
  },
} as const;

const WEBHOOK_RECEIPT = 'WebhookReceipt';
const StoredReceipt = z.object({ status: z.number(), body: z.string(), ttl: z.number() });
/** A partner webhook already answered: `WEBHOOK#{partnerId}#{webhook-id}` / `WEBHOOK#{endpoint}`. */
export const webhookReceiptCodec = {
  entity: WEBHOOK_RECEIPT,
  key: (d: { partnerId: string; endpoint: string; webhookId: string }) =>
    keys.webhookReceipt(d.partnerId, d.endpoint, d.webhookId),
  toItem: (
    delivery: { partnerId: string; endpoint: string; webhookId: string },
    answer: { status: number; body: unknown },
    receivedAt: string,
    ttl: number,
  ): Item => ({
    ...keys.webhookReceipt(delivery.partnerId, delivery.endpoint, delivery.webhookId),
    entity: WEBHOOK_RECEIPT,
    ...delivery,
    status: answer.status,
    body: JSON.stringify(answer.body),
    receivedAt,
    ttl,
  }),
  /** The stored answer and when it expires (seconds since the epoch). */
  fromItem: (item: Item) => {
    const { status, body, ttl } = parseItem(WEBHOOK_RECEIPT, StoredReceipt, item);
    return { answer: { status, body: JSON.parse(body) as unknown }, expiresAt: ttl };
  },
} as const;

const IMPORT_UPLOAD = 'ImportUpload';
const StoredImportUpload = z.object({
  uploadId: z.string(),
  audienceId: z.string(),
  contentType: z.enum(IMPORT_MEDIA_TYPES),
  createdAt: z.string(),
  createdBy: z.string(),
  keptUntil: z.string(),
});
/** Import upload: `IMPORTUPLOAD#{audienceId}#{uploadId}` / `IMPORTUPLOAD`, gone (ttl) when its file is. */
export const importUploadCodec = {
  entity: IMPORT_UPLOAD,
  key: (upload: Pick<ImportUpload, 'audienceId' | 'uploadId'>) =>
    keys.importUpload(upload.audienceId, upload.uploadId),
  toItem: (upload: ImportUpload): Item => ({
    ...keys.importUpload(upload.audienceId, upload.uploadId),
    entity: IMPORT_UPLOAD,
    ...upload,
    [TTL_ATTRIBUTE]: Math.floor(new Date(upload.keptUntil).getTime() / 1000),
  }),
  fromItem: (item: Item): ImportUpload => parseItem(IMPORT_UPLOAD, StoredImportUpload, item),
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
