import * as z from 'zod';
import type { AudienceCounts, AudienceMember } from './audience.js';
import type { OptOut } from './opt-out.js';
import { decodedSegment, PhoneNumber } from './opt-out.js';
import { maskPhone } from './phone.js';
import type { Actor } from './roles.js';
import { InboundRecord, type Inbound } from './webhooks/inbound.js';
import type { Clock, Ids } from './clock.js';

/**
 * A subscriber's personal data (Law 91/2025/QH15; docs/personal-data.md): everything the table holds about
 * one phone number, as an admin exports it, and its erasure. Every kind of item that holds a phone is found
 * through an access pattern keyed by the phone (table.ts), never by reading the table.
 */

export { ERASED_PHONE } from './phone-mask.js';

export const SubscriberParams = z.strictObject({
  phone: z.string().transform(decodedSegment).pipe(PhoneNumber),
});

export interface Membership {
  audienceId: string;
  audienceName: string;
  member: AudienceMember;
}

export type MessageRecord = z.output<typeof MessageView>;

/** Where a campaign left the number out (opted out, over the frequency cap): its suppressed list. */
export type SuppressedRecord = z.output<typeof SuppressedView>;

export interface SubscriberRecord {
  phone: string;
  audiences: Membership[];
  messages: MessageRecord[];
  suppressed: SuppressedRecord[];
  inbound: Inbound[];
  optOut?: OptOut & { hashed: boolean };
  ported?: { carrier: string; at?: string };
}

export type ErasureResult = z.output<typeof ErasureView>;

/** The stores' side: each kind of item that holds a phone, found and erased by the phone. */
export interface PersonalDataStore {
  collect(phone: string): Promise<SubscriberRecord>;
  /** Erases the phone everywhere; an opt-out is kept as a keyed hash. */
  erase(phone: string): Promise<Omit<ErasureResult, 'phone'>>;
  audit(entry: SubscriberAuditEntry): Promise<void>;
}

export interface SubscriberAuditEntry {
  id: string;
  action: 'export' | 'erase';
  /** Masked (+8498****321): the audit never holds the number in clear. */
  phone: string;
  actor: string;
  at: string;
  counts?: Omit<ErasureResult, 'phone'>;
}

export interface SubscriberDeps extends Clock, Ids {
  store: PersonalDataStore;
}

const audited = (
  deps: SubscriberDeps,
  action: SubscriberAuditEntry['action'],
  phone: string,
  actor: Actor,
) => ({
  id: deps.newId(),
  action,
  phone: maskPhone(phone),
  actor: actor.userId,
  at: deps.now().toISOString(),
});

/** `GET /v1/subscribers/{phone}/export`: everything held about the number, audited. */
export const exportSubscriber = async (
  deps: SubscriberDeps,
  phone: string,
  actor: Actor,
): Promise<SubscriberRecord> => {
  const record = await deps.store.collect(phone);
  await deps.store.audit(audited(deps, 'export', phone, actor));
  return record;
};

/** `DELETE /v1/subscribers/{phone}`: the number erased from every item, its opt-out kept hashed; audited. */
export const eraseSubscriber = async (
  deps: SubscriberDeps,
  phone: string,
  actor: Actor,
): Promise<ErasureResult> => {
  const counts = await deps.store.erase(phone);
  await deps.store.audit({ ...audited(deps, 'erase', phone, actor), counts });
  return { phone: maskPhone(phone), ...counts };
};

const decrement = (counts: Map<string, number>, key: string | undefined) => {
  if (key === undefined) return;
  const left = (counts.get(key) ?? 0) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
};

/** The audience's counters without one member: `size`, carrier, province, language and attributes. */
export const withoutMember = (counts: AudienceCounts, member: AudienceMember): AudienceCounts => {
  const byCarrier = new Map(counts.byCarrier);
  const byProvince = new Map(counts.byProvince);
  const byLanguage = new Map(counts.byLanguage);
  decrement(byCarrier, member.carrier);
  decrement(byProvince, member.province);
  decrement(byLanguage, member.language);
  const attributes = new Map<string, { name: string; present: number }>();
  for (const [key, { name, present }] of counts.attributes) {
    const left = member.attributes?.[key] === undefined ? present : present - 1;
    if (left > 0) attributes.set(key, { name, present: left });
  }
  return { size: Math.max(0, counts.size - 1), byCarrier, byProvince, byLanguage, attributes };
};

/** `phone:seq` entries (recipient and member indexes) without the phone's, and the seqs it had. */
export const splitEntries = (entries: readonly string[], phone: string) => {
  const prefix = `${phone}:`;
  const seqs: number[] = [];
  const kept: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith(prefix)) seqs.push(Number(entry.slice(prefix.length)));
    else kept.push(entry);
  }
  return { seqs, kept };
};

const MemberView = z.object({
  phone: z.string(),
  carrier: z.string(),
  province: z.string().optional(),
  commune: z.string().optional(),
  district: z.string().optional(),
  tags: z.array(z.string()).optional(),
  language: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

const MessageView = z.object({
  campaignId: z.string(),
  seq: z.int(),
  index: z.int(),
  state: z.string(),
  reason: z.string().optional(),
  sentAt: z.string().optional(),
  at: z.string().optional(),
  code: z.string().optional().meta({ description: 'Per-recipient short-link code' }),
  clicks: z.int().optional(),
});

const SuppressedView = z.object({ campaignId: z.string(), reason: z.string(), at: z.string() });

/** `GET /v1/subscribers/{phone}/export`. */
export const SubscriberExportView = z
  .object({
    phone: z.string().meta({ description: 'E.164', example: '+84981234567' }),
    audiences: z.array(z.object({ audienceId: z.string(), audienceName: z.string(), member: MemberView })),
    messages: z.array(MessageView),
    suppressed: z
      .array(SuppressedView)
      .meta({ description: 'Campaigns that left the number out: opted out or over the frequency cap' }),
    inbound: z.array(InboundRecord.omit({ lang: true, treatment: true, optOutRefused: true })),
    optOut: z
      .object({
        phone: z.string(),
        source: z.string(),
        reason: z.string().optional(),
        createdAt: z.string(),
        createdBy: z.string(),
        hashed: z.boolean().meta({ description: 'Held as a keyed hash: the number was erased' }),
      })
      .optional(),
    ported: z.object({ carrier: z.string(), at: z.string().optional() }).optional(),
  })
  .meta({ id: 'SubscriberExport' });

/** `DELETE /v1/subscribers/{phone}`. */
export const ErasureView = z
  .object({
    phone: z.string().meta({ description: 'Masked (+8498****321)' }),
    audiences: z.int().meta({ description: 'Audiences the number was removed from (their sizes moved)' }),
    messages: z.int().meta({ description: 'Messages whose number was replaced by `erased`' }),
    inbound: z.int().meta({ description: 'Inbound messages (replies) deleted' }),
    ported: z.int().meta({ description: 'Ported-number records deleted (0 or 1)' }),
    suppressed: z.int().meta({
      description: 'Entries of campaigns’ suppressed lists whose number was replaced by `erased`',
    }),
    optOutKept: z.boolean().meta({ description: 'An opt-out holds, kept as a keyed hash' }),
  })
  .meta({ id: 'Erasure' });
