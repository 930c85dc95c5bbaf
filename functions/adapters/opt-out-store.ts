import { createHmac } from 'node:crypto';
import { DeleteCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OptOutStore } from '#core/opt-out-service.js';
import type { OptOut } from '#core/opt-out.js';
import { batchGetAll } from './dynamo-batch.js';
import { conditionalWrite, putIfAbsent } from './conditional-write.js';
import { optOutHashKey } from './config.js';
import { keys } from './table.js';
import { listedPages } from './cursor.js';
import { optOutCodec } from './table/records.js';
import { readItem } from './read-item.js';

const { toItem, fromItem } = optOutCodec;

const HASHED = 'hmac:';

/** The keyed hash an erased number's opt-out is stored under (`hmac:` + HMAC-SHA256 hex). */
export type PhoneHasher = (phone: string) => string;
export const phoneHasher =
  (key: string): PhoneHasher =>
  (phone) =>
    `${HASHED}${createHmac('sha256', key).update(phone).digest('hex')}`;

/**
 * The suppression list: opted-out phones in clear and erased ones as hashes. `has` answers for a phone in
 * either form, hashing it only when the list holds a hash at all.
 */
class OptedOutPhones extends Set<string> {
  private hashed = 0;
  constructor(private readonly hash: PhoneHasher) {
    super();
  }
  override add(entry: string) {
    if (entry.startsWith(HASHED) && !super.has(entry)) this.hashed++;
    return super.add(entry);
  }
  override has(phone: string) {
    return super.has(phone) || (this.hashed > 0 && super.has(this.hash(phone)));
  }
}

/**
 * Opt-outs, one item per phone, also listed in the `lists` index under OPTOUTS (the suppression list). An
 * erased number's opt-out is the same item under its keyed hash (`OPTOUT#hmac:…`), so it still holds and
 * the number is never stored again in clear; every lookup checks both keys (no migration: items written
 * before erasure existed are the clear ones).
 */
export const dynamoOptOutStore = (
  client: DynamoDBDocumentClient,
  table: string,
  hash: PhoneHasher = phoneHasher(optOutHashKey()),
): OptOutStore & {
  /** Replaces the clear opt-out of `phone` (if any) by its hashed form; true when one was there. */
  hashOptOut(phone: string): Promise<boolean>;
  /** The opt-out of `phone` and whether it is held as a hash. */
  find(phone: string): Promise<(OptOut & { hashed: boolean }) | undefined>;
} => {
  const read = (id: string) => readItem(client, table, keys.optOut(id), fromItem);
  const find = async (phone: string) => {
    const clear = await read(phone);
    if (clear) return { ...clear, hashed: false };
    const hashed = await read(hash(phone));
    return hashed ? { ...hashed, phone, hashed: true } : undefined;
  };
  const get = async (phone: string) => {
    const found = await find(phone);
    if (!found) return undefined;
    const { hashed: _hashed, ...optOut } = found;
    return optOut;
  };
  const deleteIfThere = (id: string) =>
    conditionalWrite(
      client.send(
        new DeleteCommand({
          TableName: table,
          Key: keys.optOut(id),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );

  return {
    get,
    find,

    async add(optOut) {
      const existing = await get(optOut.phone);
      if (existing) return { created: false, optOut: existing };
      if (await putIfAbsent(client, table, toItem(optOut))) return { created: true, optOut };
      return this.add(optOut);
    },

    async remove(phone) {
      const [clear, hashed] = await Promise.all([deleteIfThere(phone), deleteIfThere(hash(phone))]);
      return clear || hashed;
    },

    async hashOptOut(phone) {
      const clear = await read(phone);
      if (!clear) return (await read(hash(phone))) !== undefined;
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: toItem({ ...clear, phone: hash(phone) }) } },
            { Delete: { TableName: table, Key: keys.optOut(phone) } },
          ],
        }),
      );
      return true;
    },

    async allOptedOut() {
      const phones = new OptedOutPhones(hash);
      for await (const page of listedPages(client, table, keys.optOutsListPk, 'listSk')) {
        for (const item of page) phones.add(optOutCodec.phoneOfListItem(item));
      }
      return phones;
    },

    async isOptedOut(phones) {
      const unique = [...new Set(phones)];
      const byHash = new Map(unique.map((phone) => [hash(phone), phone]));
      const found = await batchGetAll(client, table, [...unique, ...byHash.keys()].map(keys.optOut), {
        attributes: ['phone'],
      });
      return new Set(found.map(optOutCodec.phoneOf).map((id) => byHash.get(id) ?? id));
    },
  };
};
