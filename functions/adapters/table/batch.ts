import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { CARRIERS } from '#core/carriers.js';
import { HOLDOUT, TREATMENT_IDS } from '#core/content/assignment.js';
import { BATCH_STATUSES, MESSAGE_STATES, type Batch, type BatchMessage } from '#core/dispatch/batch.js';
import type { Progress } from '#core/dispatch/materialize.js';
import type { Reservation } from '#core/dispatch/pacing.js';
import type { RatePace, StoredRateLog } from '#core/dispatch/rate-limiter.js';
import type { BatchRef } from '#core/dispatch/ports.js';
import { SUPPRESSION_REASONS } from '#core/metrics/failure-reasons.js';
import type { SuppressedChunk } from '#core/reports.js';
import { keyParts, keys, retentionTtl, ttlAfter, TTL_ATTRIBUTE } from '#adapters/table.js';
import { defined, parseItem, type Item } from './codec.js';

/**
 * A message as stored inside its batch item (packed, below). The names are short because a batch item
 * holds up to 1,000 messages under DynamoDB's 400 KB item limit, and items written before packing hold
 * them as a list of maps where every byte is paid on each write and stream image: `i` index, `st` state,
 * `sa` sent at, `lg` language variant, `v` field values, `sg` segments (issue #16: each only when it says
 * something). Only this codec knows them.
 */
const StoredMessage = z.object({
  i: z.number(),
  to: z.string(),
  carrier: z.enum(CARRIERS),
  province: z.string().optional(),
  code: z.string().optional(),
  lg: z.string().optional(),
  v: z.record(z.string(), z.string()).optional(),
  sg: z.number().optional(),
  st: z.enum(MESSAGE_STATES),
  reason: z.string().optional(),
  at: z.string().optional(),
  sa: z.string().optional(),
});
type StoredMessage = z.output<typeof StoredMessage>;

const messageFromStored = (m: StoredMessage): BatchMessage =>
  defined({
    index: m.i,
    to: m.to,
    carrier: m.carrier,
    province: m.province,
    code: m.code,
    lang: m.lg,
    values: m.v,
    segments: m.sg,
    state: m.st,
    reason: m.reason,
    at: m.at,
    sentAt: m.sa,
  });

const messageToStored = (m: BatchMessage): StoredMessage =>
  defined({
    i: m.index,
    to: m.to,
    carrier: m.carrier,
    province: m.province,
    code: m.code,
    lg: m.lang,
    v: m.values,
    sg: m.segments,
    st: m.state,
    reason: m.reason,
    at: m.at,
    sa: m.sentAt,
  });

/**
 * A batch's messages as one Binary attribute: the gzip of the JSON of their stored forms. DynamoDB Local
 * spent most of its CPU serialising a list of 100–1,000 maps of typed values on every put, claim, settle
 * and stream image (issue #17), and AWS bills each write by item size: packed, 100 messages weigh 1–4 KB
 * instead of 15–23 KB. Level 1, zlib's fastest: the default level saves some 15 % of those few KB.
 */
const packMessages = (messages: readonly BatchMessage[]): Uint8Array =>
  gzipSync(JSON.stringify(messages.map(messageToStored)), { level: 1 });

const PackedBytes = z.union([
  z.instanceof(Uint8Array),
  // A Lambda stream event carries a Binary value base64-encoded in its JSON, and `unmarshall` keeps it so.
  z.base64().transform((encoded) => Buffer.from(encoded, 'base64')),
]);

const PackedMessages = PackedBytes.transform((packed, context): unknown => {
  try {
    return JSON.parse(gunzipSync(packed).toString('utf8'));
  } catch (error) {
    context.addIssue({ code: 'custom', message: `not gzipped JSON: ${String(error)}` });
    return z.NEVER;
  }
}).pipe(z.array(StoredMessage));

/** Packed, or a list of maps as items written before packing hold it. */
const StoredMessages = z
  .union([PackedMessages, z.array(StoredMessage)])
  .transform((messages) => messages.map(messageFromStored));

const BATCH = 'Batch';

const StoredBatch = z.object({
  campaignId: z.string(),
  seq: z.number(),
  partnerId: z.string(),
  routes: z.array(z.string()),
  status: z.enum(BATCH_STATUSES),
  attempt: z.number(),
  // A string set (so `ADD` records a partner once, whatever the retries), read as a sorted list.
  handedTo: z
    .union([z.set(z.string()), z.array(z.string())])
    .transform((handed) => [...handed].sort())
    .optional(),
  availableAt: z.string(),
  leaseUntil: z.string().optional(),
  messages: StoredMessages,
  treatment: z.enum([...TREATMENT_IDS, HOLDOUT]).optional(),
  test: z.boolean().optional(),
  linkCode: z.string().optional(),
  ver: z.number().optional(),
  segments: z.number().optional(),
  price: z.number().optional(),
  currency: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** What a reader that projects only the messages, the treatment and whether it is a test send gets of a batch. */
const BatchMessagesProjection = z.object({
  messages: StoredMessages.default([]),
  treatment: z.enum([...TREATMENT_IDS, HOLDOUT]).optional(),
  test: z.boolean().default(false),
});

const StoredBatchRef = z.object({ campaignId: z.string(), seq: z.number() });

/**
 * Send batch of a campaign: `CAMPAIGN#{campaignId}` / `BATCH#{seq 9 digits}`, listed in its partner's
 * queue (index `lists`, `QUEUE#{partner}` / `{visibleAt}#{campaignId}#{seq}`) while queued or handing.
 */
export const batchCodec = {
  entity: BATCH,
  key: (ref: BatchRef) => keys.batch(ref.campaignId, ref.seq),
  toItem: (batch: Batch): Item => ({
    ...batch,
    messages: packMessages(batch.messages),
    ...keys.batch(batch.campaignId, batch.seq),
    ...(batch.status === 'queued' || batch.status === 'handing'
      ? keys.batchQueue(batch.partnerId, batch.availableAt, batch.campaignId, batch.seq)
      : {}),
    entity: BATCH,
    [TTL_ATTRIBUTE]: retentionTtl(batch.createdAt),
  }),
  fromItem: (item: Item): Batch => defined(parseItem(BATCH, StoredBatch, item)),
  /** The stored form of messages, for an update that sets them. */
  messagesToItem: packMessages,
  /** A read projecting `messages`, `treatment` and `test` only. */
  messagesFromItem: (item: Item) => defined(parseItem(BATCH, BatchMessagesProjection, item)),
  /** A read projecting `campaignId` and `seq` only. */
  refFromItem: (item: Item): BatchRef => parseItem(BATCH, StoredBatchRef, item),
} as const;

const PROGRESS = 'Progress';

/**
 * Sending progress of a campaign: `CAMPAIGN#{campaignId}` / `PROGRESS`. Settling batches `ADD` to it before
 * materialisation may have written the rest, so every counter may be absent (0).
 */
const StoredProgress = z
  .object({
    materialized: z.boolean().default(false),
    totalBatches: z.number().default(0),
    settledBatches: z.number().default(0),
    suppressed: z.number().default(0),
    capped: z.number().default(0),
    unroutable: z.number().default(0),
    // The materialisation lease (materialize-lease.ts), flat on the item so one update can set or remove it.
    leaseOwner: z.string().optional(),
    leaseUntil: z.string().optional(),
  })
  .transform(({ leaseOwner, leaseUntil, ...progress }): Progress =>
    leaseOwner !== undefined && leaseUntil !== undefined
      ? { ...progress, lease: { owner: leaseOwner, until: leaseUntil } }
      : progress,
  );

/** The stored names of the lease's attributes, for the updates that set, move or remove it. */
const LEASE_ATTRIBUTES = { owner: 'leaseOwner', until: 'leaseUntil' } as const;

export const progressCodec = {
  entity: PROGRESS,
  key: (campaignId: string) => keys.progress(campaignId),
  fromItem: (item: Item): Progress => parseItem(PROGRESS, StoredProgress, item),
  leaseAttributes: LEASE_ATTRIBUTES,
  /** The campaign a progress item belongs to (the item holds it in its key only). */
  campaignIdOf: (item: Item): string | undefined => keyParts.campaignOfPk(item.pk),
} as const;

const SUPPRESSED = 'Suppressed';

const StoredSuppressedRecipient = z.object({
  to: z.string(),
  carrier: z.enum(CARRIERS),
  province: z.string().optional(),
  reason: z.enum(SUPPRESSION_REASONS),
});

const StoredSuppressed = z.object({
  chunk: z.number(),
  chunks: z.number(),
  at: z.string(),
  recipients: z.array(StoredSuppressedRecipient).transform((list) => list.map((r) => defined(r))),
});

/** Suppressed recipients of a campaign, 1,000 an item: `CAMPAIGN#{campaignId}` / `SUPPRESSED#{chunk 6}`. */
export const suppressedCodec = {
  entity: SUPPRESSED,
  key: (campaignId: string, chunk: number) => keys.suppressed(campaignId, chunk),
  toItem: (campaignId: string, chunk: SuppressedChunk): Item => ({
    ...keys.suppressed(campaignId, chunk.chunk),
    entity: SUPPRESSED,
    campaignId,
    ...chunk,
    [TTL_ATTRIBUTE]: retentionTtl(chunk.at),
  }),
  fromItem: (item: Item): SuppressedChunk => parseItem(SUPPRESSED, StoredSuppressed, item),
} as const;

const SUPPRESSED_INDEX = 'SuppressedIndex';
const StoredSuppressedIndex = z.object({ campaignId: z.string(), entries: z.array(z.string()).default([]) });
/**
 * Where a campaign's suppressed chunks hold a phone, by last 2 digits: `SUPPRESSEDIDX#{bucket}` /
 * `{campaignId}#{first chunk 6}`, entries `phone:chunk`, one item per bucket and group of chunks; it expires
 * with the chunks it points at.
 */
export const suppressedIndexCodec = {
  entity: SUPPRESSED_INDEX,
  toItem: (
    bucket: string,
    campaignId: string,
    firstChunk: number,
    entries: readonly string[],
    at: string,
  ): Item => ({
    ...keys.suppressedIndex(bucket, campaignId, firstChunk),
    entity: SUPPRESSED_INDEX,
    campaignId,
    entries: [...entries],
    [TTL_ATTRIBUTE]: retentionTtl(at),
  }),
  fromItem: (item: Item) => parseItem(SUPPRESSED_INDEX, StoredSuppressedIndex, item),
} as const;

const RATE_LOG = 'RateLog';
const RateLogItem = z.object({
  log: z.array(z.number()).default([]),
  ver: z.number().default(0),
  dueAt: z.number().optional(),
});
/**
 * A partner's pacing (core/dispatch/rate-limiter.ts): `RATE#{partnerId}` / `WINDOW`, the log flat as
 * `[at, count, at, count, ...]`, `dueAt` when the next batch is due on the even schedule, and the version
 * every write is conditional on; it expires an hour after its last write.
 */
export const rateLogCodec = {
  entity: RATE_LOG,
  key: (partnerId: string) => keys.rate(partnerId),
  toItem: (partnerId: string, { log, dueAt }: RatePace, ver: number, keepUntil: Date): Item => ({
    ...keys.rate(partnerId),
    entity: RATE_LOG,
    log: log.flat(),
    ver,
    ...(dueAt === undefined ? {} : { dueAt }),
    [TTL_ATTRIBUTE]: ttlAfter(keepUntil, 0),
  }),
  fromItem: (item: Item): StoredRateLog => {
    const { log: flat, ver, dueAt } = parseItem(RATE_LOG, RateLogItem, item);
    const log: Reservation[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) log.push([flat[i] ?? 0, flat[i + 1] ?? 0]);
    return { log, ver, ...(dueAt === undefined ? {} : { dueAt }) };
  },
} as const;
