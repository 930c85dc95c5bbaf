import * as z from 'zod';
import { CARRIERS } from '#core/carriers.js';
import { OPT_OUT_SOURCES, type OptOut } from '#core/opt-out-record.js';
import { PartnerView, type StoredPartner } from '#core/partner.js';
import { SettingsView, type Settings } from '#core/settings.js';
import { InboundRecord, type Inbound } from '#core/webhooks/inbound.js';
import type { SubscriberAuditEntry } from '#core/subscriber-data.js';
import type { RecipientIndexItem } from '#core/webhooks/service.js';
import { keyParts, keys, retentionTtl, TTL_ATTRIBUTE } from '#adapters/table.js';
import { defined, entityCodec, parseItem, type Item } from './codec.js';
import { clickCodec, linkPrefixCodec } from './links.js';

// The short links' codecs are in links.ts, so that their Lambda imports none of the campaign world.
export { clickCodec, linkPrefixCodec };

/**
 * The codecs of the table's other entities (batches, progress and suppressed recipients are in batch.ts;
 * campaigns in campaign-records.ts; audiences and imports in audience-records.ts): each one's entity name,
 * keys, `toItem` and a `fromItem` that parses with zod. Stores use nothing else.
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

const SETTINGS = 'Settings';
const StoredSettings = z.object(SettingsView.shape);
/** Settings: `SETTINGS` / `SETTINGS`. */
export const settingsCodec = {
  ...entityCodec<Settings>(SETTINGS, StoredSettings, () => keys.settings),
  key: keys.settings,
} as const;

/** Idempotency record of a POST (its state and answer are the store's): expires through `ttl`. */
export const idempotencyCodec = { entity: 'Idempotency', key: keys.idempotency } as const;

const SCHEDULE = 'Schedule';
const StoredSchedule = z.object({ campaignId: z.string(), dueAt: z.string() });
/** Local runtime's schedule of a campaign: `SCHEDULE#{campaignId}` / `SCHEDULE`, listed by `dueAt`. */
export const scheduleCodec = {
  ...entityCodec(SCHEDULE, StoredSchedule, ({ campaignId, dueAt }) => ({
    ...keys.schedule(campaignId),
    ...keys.scheduleList(dueAt, campaignId),
  })),
  key: keys.schedule,
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
 * Phones of a campaign by last 2 digits: `RECIPIENTS#{bucket}` / `{materializedAt}#{campaignId}#{first seq}#{run}`.
 * Written before the batches it names (materialize.ts), so an entry may name a batch that never held the
 * phone (a run that crashed or lost the number to another): readers check the batch.
 * Kept as long as the batches it points into (RETENTION_DAYS from the materialisation), so an erasure
 * finds a number's batches through it; replies look back 7 days only.
 */
export const recipientIndexCodec = {
  entity: RECIPIENT_INDEX,
  toItem: (bucket: string, item: RecipientIndexItem, firstSeq: number, run: string): Item => ({
    ...keys.recipientIndex(bucket, item.materializedAt, item.campaignId, firstSeq, run),
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
