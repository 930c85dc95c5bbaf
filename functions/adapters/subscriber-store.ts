import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countsOf, type AudienceMember } from '#core/audience.js';
import type { Clock, Ids } from '#core/clock.js';
import { ConflictError } from '#core/errors.js';
import {
  ERASED_PHONE,
  splitEntries,
  withoutMember,
  type Membership,
  type MessageRecord,
  type PersonalDataStore,
  type SuppressedRecord,
} from '#core/subscriber-data.js';
import { batchKey } from '#core/webhooks/delivery-reports.js';
import { bucketOf } from '#core/webhooks/recipients.js';
import type { Inbound } from '#core/webhooks/inbound.js';
import { dynamoAudienceStore, decodeMembers, encodeMember } from './audience-store.js';
import { dynamoBatchStore } from './batch-store.js';
import { conditionalWrite } from './conditional-write.js';
import { queryPages } from './cursor.js';
import { conditionFailed } from './dynamo-batch.js';
import { dynamoOptOutStore, type PhoneHasher } from './opt-out-store.js';
import { readItem } from './read-item.js';
import { INDEX, keys } from './table.js';
import { batchCodec, suppressedCodec, suppressedIndexCodec } from './table/batch.js';
import { audienceChunkCodec, memberIndexCodec } from './table/audience-records.js';
import { clickCodec, inboundCodec, portedCodec, subscriberAuditCodec } from './table/records.js';

/** An erasure holds each audience like an import does, so no import counts the audience meanwhile. */
const ERASURE_LEASE_MS = 60_000;

type Key = { pk: string; sk: string };

/** Index items (`MEMBERS#` / `RECIPIENTS#`) of a phone's bucket that hold it, with its seqs. */
interface Holding {
  key: Key;
  entries: string[];
  seqs: number[];
  kept: string[];
}

/**
 * Every item that holds a phone, found through the phone's keys (table.ts): the member, recipient and
 * suppressed indexes of its last two digits (one Query each), its inbound messages (index `byStatus`), its
 * ported-number and opt-out items (by key). Never a Scan.
 */
export const dynamoPersonalDataStore = (
  client: DynamoDBDocumentClient,
  table: string,
  clock: Clock & Ids,
  hash?: PhoneHasher,
): PersonalDataStore => {
  const audiences = dynamoAudienceStore(client, table);
  const batches = dynamoBatchStore(client, table);
  const optOuts = dynamoOptOutStore(client, table, hash);

  const holdings = async (
    pk: string,
    phone: string,
  ): Promise<(Holding & { item: Record<string, unknown> })[]> => {
    const found = [];
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    })) {
      for (const item of page) {
        const entries = Array.isArray(item.entries) ? item.entries.map(String) : [];
        const { seqs, kept } = splitEntries(entries, phone);
        if (seqs.length)
          found.push({ key: { pk: String(item.pk), sk: String(item.sk) }, entries, seqs, kept, item });
      }
    }
    return found;
  };

  const memberHoldings = async (phone: string) =>
    (await holdings(keys.memberIndexPk(bucketOf(phone)), phone)).map((h) => ({
      ...h,
      ...memberIndexCodec.fromItem(h.item),
    }));

  const recipientHoldings = async (phone: string) =>
    (await holdings(keys.recipientIndexPk(bucketOf(phone)), phone)).map((h) => ({
      ...h,
      campaignId: String(h.item.campaignId),
    }));

  const suppressedHoldings = async (phone: string) =>
    (await holdings(keys.suppressedIndexPk(bucketOf(phone)), phone)).map((h) => ({
      ...h,
      campaignId: suppressedIndexCodec.fromItem(h.item).campaignId,
    }));

  const readRaw = (key: Key) => readItem(client, table, key, (item) => item);

  const setEntries = (key: Key, kept: readonly string[]) =>
    kept.length
      ? client.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: 'SET entries = :kept',
            ExpressionAttributeValues: { ':kept': kept },
          }),
        )
      : client.send(new DeleteCommand({ TableName: table, Key: key }));

  const inboundItems = async (phone: string) => {
    const items = [];
    for await (const page of queryPages(client, {
      TableName: table,
      IndexName: INDEX.byStatus.name,
      KeyConditionExpression: 'statusPk = :pk',
      ExpressionAttributeValues: { ':pk': keys.inboundFromPk(phone) },
    }))
      items.push(...page);
    return items;
  };

  const memberships = async (phone: string): Promise<Membership[]> => {
    const found: Membership[] = [];
    for (const holding of await memberHoldings(phone)) {
      const audience = await audiences.getAudience(holding.audienceId);
      for (const seq of holding.seqs) {
        const chunk = await readRaw(audienceChunkCodec.key(holding.audienceId, holding.importId, seq));
        const member =
          chunk && decodeMembers(audienceChunkCodec.membersOf(chunk)).find((m) => m.phone === phone);
        if (member)
          found.push({ audienceId: holding.audienceId, audienceName: audience?.name ?? '', member });
      }
    }
    return found;
  };

  const messages = async (phone: string): Promise<MessageRecord[]> => {
    const found: MessageRecord[] = [];
    // Two runs of one materialisation may each have indexed the phone in the same batch: read it once.
    const read = new Set<string>();
    for (const holding of await recipientHoldings(phone)) {
      for (const seq of holding.seqs) {
        const key = batchKey(holding.campaignId, seq);
        if (read.has(key)) continue;
        read.add(key);
        const batch = await batches.get({ campaignId: holding.campaignId, seq });
        for (const m of batch?.messages.filter((message) => message.to === phone) ?? []) {
          const click = m.code ? await readRaw(clickCodec.key(m.code)) : undefined;
          found.push({
            campaignId: holding.campaignId,
            seq,
            index: m.index,
            state: m.state,
            ...(m.reason ? { reason: m.reason } : {}),
            ...(m.sentAt ? { sentAt: m.sentAt } : {}),
            ...(m.at ? { at: m.at } : {}),
            ...(m.code ? { code: m.code, clicks: click ? clickCodec.fromItem(click).clicks : 0 } : {}),
          });
        }
      }
    }
    return found;
  };

  const suppressions = async (phone: string): Promise<SuppressedRecord[]> => {
    const found: SuppressedRecord[] = [];
    for (const holding of await suppressedHoldings(phone))
      for (const chunk of holding.seqs) {
        const item = await readRaw(suppressedCodec.key(holding.campaignId, chunk));
        const stored = item && suppressedCodec.fromItem(item);
        for (const r of stored?.recipients.filter((recipient) => recipient.to === phone) ?? [])
          found.push({ campaignId: holding.campaignId, reason: r.reason, at: stored?.at ?? '' });
      }
    return found;
  };

  /**
   * The phone's entries in one suppressed chunk replaced by the erased marker (reason, carrier and
   * province stay, so the report adds up), unless a new run of the materialiser rewrote the chunk meanwhile.
   */
  const eraseFromSuppressed = async (campaignId: string, chunk: number, phone: string): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      const item = await readRaw(suppressedCodec.key(campaignId, chunk));
      if (!item) return 0;
      const stored = suppressedCodec.fromItem(item);
      const hits = stored.recipients.filter((r) => r.to === phone).length;
      if (!hits) return 0;
      const erased = stored.recipients.map((r) => (r.to === phone ? { ...r, to: ERASED_PHONE } : r));
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: suppressedCodec.key(campaignId, chunk),
            UpdateExpression: 'SET recipients = :erased',
            ConditionExpression: '#at = :at AND chunks = :chunks',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':erased': erased, ':at': stored.at, ':chunks': stored.chunks },
          }),
        );
        return hits;
      } catch (error) {
        if (conditionFailed(error) && attempt < 8) continue;
        throw error;
      }
    }
  };

  /** The audience's members without `phone`: each chunk rewritten, the counters moved under a lease. */
  const eraseFromAudience = async (audienceId: string, chunkKeys: Key[], phone: string) => {
    const now = clock.now();
    const lease = { id: clock.newId(), now, until: new Date(now.getTime() + ERASURE_LEASE_MS) };
    const audience = await audiences.beginImport(audienceId, lease);
    if (!audience) return 0;
    try {
      let counts = countsOf(audience);
      let removed = 0;
      for (const key of chunkKeys) {
        const chunk = await readRaw(key);
        if (!chunk) continue;
        const members = decodeMembers(audienceChunkCodec.membersOf(chunk));
        const gone: AudienceMember[] = members.filter((m) => m.phone === phone);
        if (!gone.length) continue;
        for (const member of gone) counts = withoutMember(counts, member);
        removed += gone.length;
        const kept = members.filter((m) => m.phone !== phone);
        if (kept.length)
          await client.send(
            new PutCommand({
              TableName: table,
              Item: audienceChunkCodec.withMembers(chunk, kept.map(encodeMember).join('\n')),
            }),
          );
        else await client.send(new DeleteCommand({ TableName: table, Key: key }));
      }
      await audiences.finishImport(audienceId, lease, counts);
      return removed ? 1 : 0;
    } catch (error) {
      await audiences.abandonImport(audienceId, lease).catch(() => undefined);
      throw error;
    }
  };

  /** The phone's messages in one batch replaced by the erased marker, under the batch's version. */
  const eraseFromBatch = async (campaignId: string, seq: number, phone: string): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      const batch = await batches.get({ campaignId, seq });
      if (!batch) return 0;
      const hits = batch.messages.filter((m) => m.to === phone).length;
      if (!hits) return 0;
      if (batch.status === 'queued' || batch.status === 'handing')
        throw new ConflictError(
          `Campaign ${campaignId} is still sending to this number; erase it once the campaign has sent`,
        );
      const erased = batch.messages.map((m) =>
        m.to === phone ? { ...m, to: ERASED_PHONE, values: undefined } : m,
      );
      const ver = batch.ver ?? 0;
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: batchCodec.key(batch),
            UpdateExpression: 'SET messages = :messages, ver = :next',
            ConditionExpression: ver ? 'ver = :ver' : 'attribute_not_exists(ver)',
            ExpressionAttributeValues: {
              ':messages': batchCodec.messagesToItem(erased),
              ':next': ver + 1,
              ...(ver ? { ':ver': ver } : {}),
            },
          }),
        );
        return hits;
      } catch (error) {
        // A delivery report moved the batch meanwhile: read it again.
        if (conditionFailed(error) && attempt < 8) continue;
        throw error;
      }
    }
  };

  return {
    async collect(phone) {
      const [audienceList, messageList, suppressed, inbound, optOut, portedItem] = await Promise.all([
        memberships(phone),
        messages(phone),
        suppressions(phone),
        inboundItems(phone),
        optOuts.find(phone),
        readRaw(portedCodec.key(phone)),
      ]);
      const ported = portedItem && portedCodec.fromItem(portedItem);
      return {
        phone,
        audiences: audienceList,
        messages: messageList,
        suppressed,
        inbound: inbound.map((item): Inbound => inboundCodec.fromItem(item)),
        ...(optOut ? { optOut } : {}),
        ...(ported
          ? {
              ported: {
                carrier: ported.carrier,
                ...(typeof portedItem.at === 'string' ? { at: portedItem.at } : {}),
              },
            }
          : {}),
      };
    },

    async erase(phone) {
      // Messages first: a campaign still sending refuses the erasure before anything else changed.
      let messageCount = 0;
      for (const holding of await recipientHoldings(phone)) {
        for (const seq of holding.seqs) messageCount += await eraseFromBatch(holding.campaignId, seq, phone);
        await setEntries(holding.key, holding.kept);
      }

      let suppressedCount = 0;
      for (const holding of await suppressedHoldings(phone)) {
        for (const chunk of holding.seqs)
          suppressedCount += await eraseFromSuppressed(holding.campaignId, chunk, phone);
        await setEntries(holding.key, holding.kept);
      }

      let audienceCount = 0;
      const byAudience = new Map<string, { chunks: Key[]; holdings: Holding[] }>();
      for (const holding of await memberHoldings(phone)) {
        const entry = byAudience.get(holding.audienceId) ?? { chunks: [], holdings: [] };
        entry.chunks.push(
          ...holding.seqs.map((seq) => audienceChunkCodec.key(holding.audienceId, holding.importId, seq)),
        );
        entry.holdings.push(holding);
        byAudience.set(holding.audienceId, entry);
      }
      for (const [audienceId, { chunks, holdings: held }] of byAudience) {
        audienceCount += await eraseFromAudience(audienceId, chunks, phone);
        for (const holding of held) await setEntries(holding.key, holding.kept);
      }

      const inbound = await inboundItems(phone);
      for (const item of inbound)
        await client.send(
          new DeleteCommand({ TableName: table, Key: { pk: String(item.pk), sk: String(item.sk) } }),
        );

      const ported = await conditionalWrite(
        client.send(
          new DeleteCommand({
            TableName: table,
            Key: portedCodec.key(phone),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
      const optOutKept = await optOuts.hashOptOut(phone);
      return {
        audiences: audienceCount,
        messages: messageCount,
        inbound: inbound.length,
        ported: ported ? 1 : 0,
        suppressed: suppressedCount,
        optOutKept,
      };
    },

    async audit(entry) {
      await client.send(new PutCommand({ TableName: table, Item: subscriberAuditCodec.toItem(entry) }));
    },
  };
};
