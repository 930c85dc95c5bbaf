import { readRetentionConfig } from './config.js';

/**
 * The single DynamoDB table: every key builder and every access pattern lives here, so the Lambda code,
 * the local runtime, the tests and the CDK stack share one definition.
 *
 * | Entity / pattern                     | pk                     | sk                    | index `lists` (listPk / listSk)  |
 * |--------------------------------------|------------------------|-----------------------|----------------------------------|
 * | Partner (get by id)                  | PARTNER#{id}           | PARTNER               | PARTNERS / {id}                  |
 * | List partners                        | query index `lists`, listPk = PARTNERS                                            |
 * | Idempotency record of a POST         | IDEMPOTENCY#{user}#{route}#{key} | IDEMPOTENCY | —  (expires through `ttl`)        |
 * | Audience (get by id; counters, lease)| AUDIENCE#{id}          | AUDIENCE              | AUDIENCES / {createdAt}#{id}     |
 * | List audiences, newest first         | query index `lists`, listPk = AUDIENCES, descending                               |
 * | Audience members, ≤ 250 per item     | AUDIENCE#{id}          | CHUNK#{importId}#{seq}| —                                |
 * | Every member of an audience          | query pk = AUDIENCE#{id}, begins_with(sk, CHUNK#)                                 |
 * | Opt-out of a phone (get by phone)    | OPTOUT#{E.164 phone}   | OPTOUT                | OPTOUTS / {E.164 phone}          |
 * | Suppression list (every opt-out)     | query index `lists`, listPk = OPTOUTS; or BatchGetItem by phone                   |
 * | Campaign (get by id)                 | CAMPAIGN#{id}          | CAMPAIGN              | CAMPAIGNS / {createdAt}#{id}     |
 * | List campaigns, newest first         | query index `lists`, listPk = CAMPAIGNS, descending                               |
 * | List campaigns with one status       | query index `byStatus`, statusPk = CAMPAIGN_STATUS#{status}, descending           |
 * | Audit entry of a campaign            | AUDIT#{campaignId}     | {at}#{id}             | AUDIT / {at}#{id}                |
 * | Audit of one campaign / of all       | query pk = AUDIT#{campaignId} / index `lists`, listPk = AUDIT                     |
 * | Test sends of a user on a campaign, per UTC hour | TESTSENDS#{campaignId}#{userId} | {yyyy-mm-ddThh} | — (ttl 2 hours) |
 * | Settings (frequency cap)             | SETTINGS               | SETTINGS              | —                                |
 * | Local schedule (local runtime only)  | SCHEDULE#{campaignId}  | SCHEDULE              | SCHEDULES / {dueAt}#{campaignId} |
 * | Due schedules                        | query index `lists`, listPk = SCHEDULES, listSk <= now                            |
 * | Local event record (local only)      | EVENT#{id}             | EVENT                 | EVENTS / {at}#{id} (ttl 7 days)  |
 * | Send batch of a campaign             | CAMPAIGN#{campaignId}  | BATCH#{seq 9 digits}  | QUEUE#{partner} / {visibleAt}#{campaignId}#{seq} while queued or handing (ttl RETENTION_DAYS) |
 * | Sending progress of a campaign       | CAMPAIGN#{campaignId}  | PROGRESS              | —                                |
 * | Suppressed recipients (1,000 an item)| CAMPAIGN#{campaignId}  | SUPPRESSED#{chunk 6}  | — (ttl RETENTION_DAYS)           |
 * | Batches of a campaign                | query pk = CAMPAIGN#{id}, sk begins_with BATCH#                                   |
 * | Due batches of a partner (local queue)| query index `lists`, listPk = QUEUE#{partner}, listSk <= now                     |
 * | Pacing of a partner (log, schedule)  | RATE#{partnerId}       | WINDOW                | — (ttl 1 hour after last write)  |
 * | Metrics counters of a campaign, shard n (0..3) | CAMPAIGN#{id} | METRICS#{n}        | —                                |
 * | Metrics of a campaign (O(1) items)   | BatchGetItem campaign + METRICS#0..3 (5 items, however large the campaign)         |
 * | Minute timeline of one hour, shard n | CAMPAIGN#{id}          | MINUTES#{yyyy-mm-ddThh}#{n} | —                          |
 * | Minute timeline over a window        | query pk = CAMPAIGN#{id}, sk between MINUTES#{from hour}#0 and MINUTES#{to hour}#3 (shards summed) |
 * | Aggregated stream record (dedupe)    | AGG#{stream eventID}   | AGG                   | — (ttl 2 days)                   |
 * | Received partner webhook (replay)    | WEBHOOK#{partnerId}#{webhook-id} | WEBHOOK#{endpoint} | — (ttl 1 day)               |
 * | Ported number: carrier learnt from a delivery report | PORTED#{E.164 phone} | PORTED | PORTED / {E.164 phone}          |
 * | Every ported number (materialisation)| query index `lists`, listPk = PORTED                                             |
 * | Inbound message (reply) of a partner | INBOUND#{partnerId}#{id} | INBOUND             | REPLIES#{campaignId} / {at}#{partnerId}#{id} (ttl RETENTION_DAYS) |
 * | Replies of a campaign, newest first  | query index `lists`, listPk = REPLIES#{campaignId}, descending                   |
 * | Recipient index: phones of a campaign by last 2 digits | RECIPIENTS#{last 2 digits} | {materializedAt}#{campaignId}#{first seq}#{run} | — (ttl RETENTION_DAYS) |
 * | Campaigns that sent to a phone lately| query pk = RECIPIENTS#{last 2 digits}, sk >= {now - 7 days}, newest first      |
 * | Member index: where a phone is a member, by last 2 digits | MEMBERS#{last 2 digits} | {audienceId}#{importId} | — (entries `phone:chunk seq`, one item per import and bucket) |
 * | Audiences holding a phone (erasure, export) | query pk = MEMBERS#{last 2 digits}: O(imports), never the members |
 * | Inbound messages from a phone (erasure, export) | query index `byStatus`, statusPk = INBOUND_FROM#{E.164 phone} |
 * | Batches holding a phone (erasure, export) | query pk = RECIPIENTS#{last 2 digits}, every item within retention |
 * | Suppressed index: where a campaign suppressed a phone, by last 2 digits | SUPPRESSEDIDX#{last 2 digits} | {campaignId}#{first chunk 6} | — (entries `phone:chunk`, ttl RETENTION_DAYS) |
 * | Suppressed chunks holding a phone (erasure, export) | query pk = SUPPRESSEDIDX#{last 2 digits}      |
 * | Opt-out of an erased phone         | OPTOUT#hmac:{HMAC-SHA256 hex} | OPTOUT      | OPTOUTS / hmac:{hex}             |
 * | Subscriber data audit (export, erasure) | SUBSCRIBERAUDIT     | {at}#{id}             | — (phone masked)                 |
 * | Short-link prefix of a campaign      | LINKPREFIX#{3-char prefix} | LINKPREFIX        | —                                |
 * | Click on one recipient's short link  | CLICK#{code}           | CLICK                 | CLICKS#{campaignId} / {code} (ttl RETENTION_DAYS after the last click) |
 * | Clicked links of a campaign (reports)| query index `lists`, listPk = CLICKS#{campaignId}: one item per clicked link     |
 * | Import upload of an audience (#18) | IMPORTUPLOAD#{audienceId}#{uploadId} | IMPORTUPLOAD | — (ttl 1 day, as its file) |
 * | Background import of an upload (#17) | IMPORTJOB#{audienceId}#{importId} | IMPORTJOB | IMPORTJOBS / {createdAt}#{audienceId}#{importId} while running (ttl 1 day) |
 * | Running imports (the local runtime's queue of jobs) | query index `lists`, listPk = IMPORTJOBS |
 * | Members of a background import's step | AUDIENCE#{id}     | CHUNK#{importId}-{step 4}#{seq} | — (one import id per step) |
 * | Template head (current version)      | TEMPLATE#{id}          | TEMPLATE              | TEMPLATES / {createdAt}#{id}; byStatus: TEMPLATE_STATUS#active / {createdAt}#{id} unless archived |
 * | List templates, newest first         | query index `byStatus`, statusPk = TEMPLATE_STATUS#active (`?archived=true`: index `lists`, listPk = TEMPLATES) |
 * | Template version (immutable)         | TEMPLATEVERSION#{id}   | {version 6 digits}    | —                                |
 * | Versions of a template, newest first | query pk = TEMPLATEVERSION#{id}, descending                                      |
 * | Audit entry of a template            | TEMPLATEAUDIT#{id}     | {at}#{auditId}        | —                                |
 *
 * Rules: no Scan on a request path; each list is one Query on `lists` (or a collection under one pk);
 * counters live on the item they count. Times are ISO 8601 UTC strings, so they sort as strings.
 *
 * Codecs (table/*.ts): each entity has one codec beside these keys: its `entity` name, its keys, `toItem`
 * (domain value → stored item) and `fromItem` (stored item → domain value, parsed with zod; an item that
 * does not parse is a StoredItemError). Stores and the stream decoder (metric-changes.ts) use only the
 * codecs, so storage names (a batch message's `i`, `st`, `sa`), entity names and key formats appear
 * nowhere else; `keyParts` is the only reader of a key.
 */

export const TTL_ATTRIBUTE = 'ttl';

/**
 * Retention of per-recipient message data (docs/personal-data.md): batch items, suppressed recipients,
 * inbound messages, the recipient index and per-recipient clicks carry `ttl` = their own time +
 * RETENTION_DAYS, stamped by their codec (table/*.ts) where the item is written; aggregates (metrics,
 * progress, campaigns) have none and are kept.
 */
let retentionSeconds: number | undefined;
export const retentionTtl = (from: string | Date): number => {
  retentionSeconds ??= readRetentionConfig().RETENTION_DAYS * 24 * 3600;
  return ttlAfter(new Date(from), retentionSeconds);
};

export const INDEX = {
  /** Lists of one kind of thing in a stable order: partners, audiences, campaigns by status, audit trail. */
  lists: { name: 'lists', partitionKey: 'listPk', sortKey: 'listSk' },
  /** Campaigns of one status, newest first (`GET /v1/campaigns?status=`); templates not archived. */
  byStatus: { name: 'byStatus', partitionKey: 'statusPk', sortKey: 'statusSk' },
} as const;

/**
 * The name of one of the table's global secondary indexes: what a function declares it queries (a route's
 * `indexes`, lib/table-actions.ts for the other functions), and is granted `Query` on, that index and no other.
 */
export type IndexName = (typeof INDEX)[keyof typeof INDEX]['name'];

/** The table's key schema, read by the CDK construct and by the local runtime's create-table. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: Object.values(INDEX),
  ttlAttribute: TTL_ATTRIBUTE,
} as const;

const CAMPAIGN_PREFIX = 'CAMPAIGN#';
const CLICK_PREFIX = 'CLICK#';
const EVENT_PREFIX = 'EVENT#';
/**
 * A queued batch's place in its partner's queue: when it becomes visible, then which batch, in the plan's
 * order (the seq padded: unpadded, batch 11, the short last one, went fourth, after 0, 1 and 10, and left a
 * partner's rolling second under-filled in the middle of the run).
 */
const batchQueueSk = (visibleAt: string, campaignId: string, seq: number) =>
  `${visibleAt}#${campaignId}#${String(seq).padStart(9, '0')}`;
const after = (prefix: string, value: unknown): string | undefined =>
  typeof value === 'string' && value.startsWith(prefix) ? value.slice(prefix.length) : undefined;

export const keys = {
  partner: (id: string) => ({ pk: `PARTNER#${id}`, sk: 'PARTNER' }),
  partnerList: (id: string) => ({ listPk: 'PARTNERS', listSk: id }),
  partnersListPk: 'PARTNERS',
  idempotency: (userId: string, routeId: string, key: string) => ({
    pk: `IDEMPOTENCY#${userId}#${routeId}#${key}`,
    sk: 'IDEMPOTENCY',
  }),
  audience: (id: string) => ({ pk: `AUDIENCE#${id}`, sk: 'AUDIENCE' }),
  audienceList: (createdAt: string, id: string) => ({ listPk: 'AUDIENCES', listSk: `${createdAt}#${id}` }),
  audiencesListPk: 'AUDIENCES',
  audienceChunk: (audienceId: string, importId: string, seq: number) => ({
    pk: `AUDIENCE#${audienceId}`,
    sk: `CHUNK#${importId}#${String(seq).padStart(5, '0')}`,
  }),
  audienceChunkPrefix: 'CHUNK#',
  optOut: (phone: string) => ({ pk: `OPTOUT#${phone}`, sk: 'OPTOUT' }),
  optOutList: (phone: string) => ({ listPk: 'OPTOUTS', listSk: phone }),
  optOutsListPk: 'OPTOUTS',
  campaign: (id: string) => ({ pk: `${CAMPAIGN_PREFIX}${id}`, sk: 'CAMPAIGN' }),
  campaignList: (createdAt: string, id: string) => ({ listPk: 'CAMPAIGNS', listSk: `${createdAt}#${id}` }),
  campaignsListPk: 'CAMPAIGNS',
  campaignByStatus: (status: string, createdAt: string, id: string) => ({
    statusPk: `CAMPAIGN_STATUS#${status}`,
    statusSk: `${createdAt}#${id}`,
  }),
  campaignStatusPk: (status: string) => `CAMPAIGN_STATUS#${status}`,
  audit: (campaignId: string, at: string, id: string) => ({
    pk: `AUDIT#${campaignId}`,
    sk: `${at}#${id}`,
    listPk: 'AUDIT',
    listSk: `${at}#${id}`,
  }),
  auditPk: (campaignId: string) => `AUDIT#${campaignId}`,
  auditListPk: 'AUDIT',
  testSends: (campaignId: string, userId: string, hour: string) => ({
    pk: `TESTSENDS#${campaignId}#${userId}`,
    sk: hour,
  }),
  settings: { pk: 'SETTINGS', sk: 'SETTINGS' },
  /** The data model version, for migrations (functions/core/province-migration.ts). */
  schemaVersion: { pk: 'SCHEMA', sk: 'VERSION' },
  schedule: (campaignId: string) => ({ pk: `SCHEDULE#${campaignId}`, sk: 'SCHEDULE' }),
  scheduleList: (dueAt: string, campaignId: string) => ({
    listPk: 'SCHEDULES',
    listSk: `${dueAt}#${campaignId}`,
  }),
  schedulesListPk: 'SCHEDULES',
  event: (id: string, at: string) => ({
    pk: `${EVENT_PREFIX}${id}`,
    sk: 'EVENT',
    listPk: 'EVENTS',
    listSk: `${at}#${id}`,
  }),
  eventsListPk: 'EVENTS',
  batch: (campaignId: string, seq: number) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `BATCH#${String(seq).padStart(9, '0')}`,
  }),
  batchPrefix: 'BATCH#',
  batchQueue: (partnerId: string, visibleAt: string, campaignId: string, seq: number) => ({
    listPk: `QUEUE#${partnerId}`,
    listSk: batchQueueSk(visibleAt, campaignId, seq),
  }),
  batchQueueSk,
  batchQueuePk: (partnerId: string) => `QUEUE#${partnerId}`,
  progress: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'PROGRESS' }),
  suppressed: (campaignId: string, chunk: number) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `SUPPRESSED#${String(chunk).padStart(6, '0')}`,
  }),
  suppressedPrefix: 'SUPPRESSED#',
  /** The partner's pacing log (one item per partner). */
  rate: (partnerId: string) => ({ pk: `RATE#${partnerId}`, sk: 'WINDOW' }),
  metricsShard: (campaignId: string, shard: number) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `METRICS#${shard}`,
  }),
  /** `hour` as `yyyy-mm-ddThh` (UTC); one item per counter shard, so shards never contend. */
  metricsMinutes: (campaignId: string, hour: string, shard: number) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `MINUTES#${hour}#${shard}`,
  }),
  /** What the last recount of shard n counted (core/metrics/recount.ts), read with the shard. */
  metricsRecount: (campaignId: string, shard: number) => ({
    pk: `CAMPAIGN#${campaignId}`,
    sk: `RECOUNT#${shard}`,
  }),
  aggregated: (eventId: string) => ({ pk: `AGG#${eventId}`, sk: 'AGG' }),
  webhookReceipt: (partnerId: string, endpoint: string, webhookId: string) => ({
    pk: `WEBHOOK#${partnerId}#${webhookId}`,
    sk: `WEBHOOK#${endpoint}`,
  }),
  ported: (phone: string) => ({ pk: `PORTED#${phone}`, sk: 'PORTED', listPk: 'PORTED', listSk: phone }),
  portedListPk: 'PORTED',
  inbound: (partnerId: string, id: string) => ({ pk: `INBOUND#${partnerId}#${id}`, sk: 'INBOUND' }),
  replyList: (campaignId: string, at: string, partnerId: string, id: string) => ({
    listPk: `REPLIES#${campaignId}`,
    listSk: `${at}#${partnerId}#${id}`,
  }),
  repliesListPk: (campaignId: string) => `REPLIES#${campaignId}`,
  /** `bucket`: a phone's bucket, `bucketOf(phone)` (core/webhooks/recipients.ts). */
  /** `run`: the materialisation run that wrote it (its lease owner), so runs never overwrite each other's. */
  recipientIndex: (
    bucket: string,
    materializedAt: string,
    campaignId: string,
    firstSeq: number,
    run: string,
  ) => ({
    pk: `RECIPIENTS#${bucket}`,
    sk: `${materializedAt}#${campaignId}#${String(firstSeq).padStart(9, '0')}#${run}`,
  }),
  recipientIndexPk: (bucket: string) => `RECIPIENTS#${bucket}`,
  suppressedIndex: (bucket: string, campaignId: string, firstChunk: number) => ({
    pk: `SUPPRESSEDIDX#${bucket}`,
    sk: `${campaignId}#${String(firstChunk).padStart(6, '0')}`,
  }),
  suppressedIndexPk: (bucket: string) => `SUPPRESSEDIDX#${bucket}`,
  memberIndex: (bucket: string, audienceId: string, importId: string) => ({
    pk: `MEMBERS#${bucket}`,
    sk: `${audienceId}#${importId}`,
  }),
  memberIndexPk: (bucket: string) => `MEMBERS#${bucket}`,
  inboundFrom: (phone: string, receivedAt: string, partnerId: string, id: string) => ({
    statusPk: `INBOUND_FROM#${phone}`,
    statusSk: `${receivedAt}#${partnerId}#${id}`,
  }),
  inboundFromPk: (phone: string) => `INBOUND_FROM#${phone}`,
  subscriberAudit: (at: string, id: string) => ({ pk: 'SUBSCRIBERAUDIT', sk: `${at}#${id}` }),
  subscriberAuditPk: 'SUBSCRIBERAUDIT',
  importUpload: (audienceId: string, uploadId: string) => ({
    pk: `IMPORTUPLOAD#${audienceId}#${uploadId}`,
    sk: 'IMPORTUPLOAD',
  }),
  importJob: (audienceId: string, importId: string) => ({
    pk: `IMPORTJOB#${audienceId}#${importId}`,
    sk: 'IMPORTJOB',
  }),
  runningImportJob: (createdAt: string, audienceId: string, importId: string) => ({
    listPk: 'IMPORTJOBS',
    listSk: `${createdAt}#${audienceId}#${importId}`,
  }),
  runningImportJobsPk: 'IMPORTJOBS',
  linkPrefix: (prefix: string) => ({ pk: `LINKPREFIX#${prefix}`, sk: 'LINKPREFIX' }),
  click: (code: string) => ({ pk: `${CLICK_PREFIX}${code}`, sk: 'CLICK' }),
  clickList: (campaignId: string, code: string) => ({ listPk: `CLICKS#${campaignId}`, listSk: code }),
  clicksListPk: (campaignId: string) => `CLICKS#${campaignId}`,
  template: (id: string) => ({ pk: `TEMPLATE#${id}`, sk: 'TEMPLATE' }),
  templateList: (createdAt: string, id: string) => ({ listPk: 'TEMPLATES', listSk: `${createdAt}#${id}` }),
  templatesListPk: 'TEMPLATES',
  /** Only a template that is not archived has these: the default list reads no archived one. */
  templateActive: (createdAt: string, id: string) => ({
    statusPk: 'TEMPLATE_STATUS#active',
    statusSk: `${createdAt}#${id}`,
  }),
  templatesActivePk: 'TEMPLATE_STATUS#active',
  templateVersion: (id: string, version: number) => ({
    pk: `TEMPLATEVERSION#${id}`,
    sk: String(version).padStart(6, '0'),
  }),
  templateVersionsPk: (id: string) => `TEMPLATEVERSION#${id}`,
  templateAudit: (templateId: string, at: string, id: string) => ({
    pk: `TEMPLATEAUDIT#${templateId}`,
    sk: `${at}#${id}`,
  }),
  templateAuditPk: (templateId: string) => `TEMPLATEAUDIT#${templateId}`,
} as const;

/** The ids the keys above hold, read back (the codecs' business: nothing else parses a key). */
export const keyParts = {
  /** `CAMPAIGN#{id}` → id: the campaign of an item in its partition (progress, batches, metrics). */
  campaignOfPk: (pk: unknown) => after(CAMPAIGN_PREFIX, pk),
  /** `CLICK#{code}` → code. */
  codeOfClickPk: (pk: unknown) => after(CLICK_PREFIX, pk),
  /** `EVENT#{id}` → id. */
  eventOfPk: (pk: unknown) => after(EVENT_PREFIX, pk),
  /** A recipient index item's sort key starts with the materialisation time. */
  materializedAtOfRecipientSk: (sk: unknown) => (typeof sk === 'string' ? (sk.split('#')[0] ?? '') : ''),
} as const;

export type ItemKey = { pk: string; sk: string };

/** Seconds since the epoch, as DynamoDB's TTL attribute expects. */
export const ttlAfter = (now: Date, seconds: number): number => Math.floor(now.getTime() / 1000) + seconds;
