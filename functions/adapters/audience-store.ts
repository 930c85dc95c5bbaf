import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { attributeList, attributeRecord, type AudienceMember } from '#core/audience.js';
import type { AudienceStore, ImportLease } from '#core/audience-service.js';
import type { MigrationStore } from '#core/province-migration.js';
import { isCarrier } from '#core/carriers.js';
import { ConflictError } from '#core/errors.js';
import { queryPage, queryPages } from './cursor.js';
import { batchWriteAll, type WriteRequest } from './dynamo-batch.js';
import { logger } from './logger.js';
import { INDEX, keys } from './table.js';
import { audienceChunkCodec, audienceCodec, memberIndexCodec } from './table/audience-records.js';
import { bucketOf } from '#core/webhooks/recipients.js';
import { readItem } from './read-item.js';

/**
 * Audiences in the single table. Members are stored a few hundred to an item ("chunks" under the
 * audience's partition), so importing 100,000 subscribers is ~400 item writes, not 100,000, and reading
 * an audience back is a handful of Query pages.
 */

export const MEMBERS_PER_CHUNK = 250;
/** Far below DynamoDB's 400 KB item limit even when every member carries long names and many tags. */
export const MAX_CHUNK_BYTES = 100 * 1024;
/** BatchWriteItem calls in flight at once (DynamoDB Local on 2 cores peaks around 8). */
const PARALLEL_BATCHES = 8;

/**
 * A chunk's members are one string, a member a line:
 * `phone TAB carrier TAB province TAB district TAB tags TAB commune TAB language TAB attributes` (tags
 * joined by `|`, attributes as a JSON object `{"ho_va_ten":"Nguyễn An"}`, trailing empty fields dropped;
 * each new field came last, so members stored before it read back unchanged). Import planning refuses
 * control characters in places, tags and attribute values, and `;` or `|` in a tag, so no field can hold
 * a separator (and JSON would escape one anyway). Text rather than a list of lists:
 * on DynamoDB Local, 100,000 members stored as nested lists took 5.5 s to write and 6 s to read back, as
 * each item held ~1,000 attribute values to marshal; as text both take a fraction of that.
 */
const FIELD = '\t';
const LINE = '\n';

export const encodeMember = (member: AudienceMember): string => {
  const fields = [
    member.phone,
    member.carrier,
    member.province ?? '',
    member.district ?? '',
    member.tags?.join('|') ?? '',
    member.commune ?? '',
    member.language ?? '',
    member.attributes && Object.keys(member.attributes).length ? JSON.stringify(member.attributes) : '',
  ];
  while (fields.length > 2 && fields[fields.length - 1] === '') fields.pop();
  return fields.join(FIELD);
};

const StoredAttributes = z.record(z.string(), z.string());

export const decodeMember = (line: string): AudienceMember => {
  const [phone = '', carrier = '', province, district, tags, commune, language, attributes] =
    line.split(FIELD);
  const member: AudienceMember = { phone, carrier: isCarrier(carrier) ? carrier : 'unknown' };
  if (province) member.province = province;
  if (commune) member.commune = commune;
  if (district) member.district = district;
  if (tags) member.tags = tags.split('|');
  if (language) member.language = language;
  if (attributes)
    member.attributes = attributeRecord(Object.entries(StoredAttributes.parse(JSON.parse(attributes))));
  return member;
};

export const decodeMembers = (text: unknown): AudienceMember[] =>
  typeof text === 'string' && text !== '' ? text.split(LINE).map(decodeMember) : [];

const addPhones = (text: unknown, phones: Set<string>) => {
  if (typeof text !== 'string' || text === '') return;
  for (const line of text.split(LINE)) {
    const end = line.indexOf(FIELD);
    phones.add(end === -1 ? line : line.slice(0, end));
  }
};

/** Bucket (last two digits) → `phone:chunk seq` entries of an import's chunks (the member index). */
const memberBuckets = (chunks: readonly string[]): Map<string, string[]> => {
  const buckets = new Map<string, string[]>();
  chunks.forEach((text, seq) => {
    const phones = new Set<string>();
    addPhones(text, phones);
    for (const phone of phones) {
      const bucket = bucketOf(phone);
      const list = buckets.get(bucket) ?? [];
      list.push(`${phone}:${seq}`);
      buckets.set(bucket, list);
    }
  });
  return buckets;
};

const ALL_BUCKETS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/** Encodes members into chunks of at most MEMBERS_PER_CHUNK members and MAX_CHUNK_BYTES (UTF-8). */
export const chunkMembers = (members: readonly AudienceMember[]): string[] => {
  const chunks: string[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const member of members) {
    const line = encodeMember(member);
    const size = Buffer.byteLength(line, 'utf8') + LINE.length;
    if (lines.length === MEMBERS_PER_CHUNK || (lines.length > 0 && bytes + size > MAX_CHUNK_BYTES)) {
      chunks.push(lines.join(LINE));
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length) chunks.push(lines.join(LINE));
  return chunks;
};

const { toItem, fromItem } = audienceCodec;

export const dynamoAudienceStore = (
  client: DynamoDBDocumentClient,
  table: string,
): AudienceStore & Pick<MigrationStore, 'rewriteMembers' | 'reindexMembers'> => {
  const batchWrite = (requests: readonly WriteRequest[]) =>
    batchWriteAll(client, table, requests, PARALLEL_BATCHES);

  /** The audience's chunk items whose sort key starts with `prefix` (all chunks, or one import's). */
  async function* chunkItems(
    audienceId: string,
    {
      prefix = keys.audienceChunkPrefix,
      keysOnly = false,
      consistentRead = true,
    }: { prefix?: string; keysOnly?: boolean; consistentRead?: boolean } = {},
  ): AsyncGenerator<Record<string, unknown>> {
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
      ExpressionAttributeValues: { ':pk': keys.audience(audienceId).pk, ':chunk': prefix },
      ...(keysOnly ? { ProjectionExpression: 'pk, sk' } : {}),
      ConsistentRead: consistentRead,
    }))
      yield* page;
  }

  /** The `members` text of each of the audience's chunks: one Query on its partition, page by page. */
  async function* chunkTexts(audienceId: string, consistentRead: boolean): AsyncGenerator<unknown> {
    for await (const item of chunkItems(audienceId, { consistentRead }))
      yield audienceChunkCodec.membersOf(item);
  }

  const releaseLease = (audienceId: string, lease: ImportLease) =>
    client.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.audience(audienceId),
        UpdateExpression: 'REMOVE importLease, importLeaseUntil',
        ConditionExpression: 'importLease = :lease',
        ExpressionAttributeValues: { ':lease': lease.id },
      }),
    );

  /** The chunks and member index items of one import. */
  const discardMembers = async (audienceId: string, importId: string) => {
    const chunks: WriteRequest[] = [];
    const prefix = `${keys.audienceChunkPrefix}${importId}#`;
    for await (const key of chunkItems(audienceId, { prefix, keysOnly: true }))
      chunks.push({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } });
    for (const bucket of ALL_BUCKETS)
      chunks.push({ DeleteRequest: { Key: keys.memberIndex(bucket, audienceId, importId) } });
    await batchWrite(chunks);
  };

  return {
    discardMembers,

    async releaseImport(audienceId, lease) {
      try {
        await releaseLease(audienceId, lease);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async create(audience) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: toItem(audience),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    getAudience: (id) => readItem(client, table, keys.audience(id), fromItem),

    list(page) {
      return queryPage(
        client,
        table,
        { index: INDEX.lists.name, keyName: 'listPk', keyValue: keys.audiencesListPk },
        page,
        fromItem,
      );
    },

    async *members(audienceId) {
      for await (const text of chunkTexts(audienceId, false)) yield decodeMembers(text);
    },

    async beginImport(audienceId, lease) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.audience(audienceId),
            UpdateExpression: 'SET importLease = :lease, importLeaseUntil = :until',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(importLeaseUntil) OR importLeaseUntil < :now ' +
              'OR importLease = :lease)',
            ExpressionAttributeValues: {
              ':lease': lease.id,
              ':until': lease.until.getTime(),
              ':now': lease.now.getTime(),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return Attributes ? fromItem(Attributes) : undefined;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (!error.Item) return undefined;
        throw new ConflictError(
          `Another import into audience ${audienceId} is still running; retry when it has finished`,
        );
      }
    },

    async phones(audienceId, { except } = {}) {
      const phones = new Set<string>();
      const skipped = except === undefined ? undefined : `${keys.audienceChunkPrefix}${except}`;
      for await (const item of chunkItems(audienceId)) {
        if (skipped !== undefined && String(item.sk).startsWith(skipped)) continue;
        addPhones(audienceChunkCodec.membersOf(item), phones);
      }
      return phones;
    },

    async addMembers(audienceId, importId, members) {
      // On failure, importSubscribers calls abandonImport, which removes whatever was written.
      const chunks = chunkMembers(members);
      await batchWrite([
        ...chunks.map((text, seq) => ({
          PutRequest: { Item: audienceChunkCodec.toItem(audienceId, importId, seq, text) },
        })),
        // At most 100 more items an import, whatever its size: where each phone is, for erasure and export.
        ...[...memberBuckets(chunks)].map(([bucket, entries]) => ({
          PutRequest: { Item: memberIndexCodec.toItem(bucket, audienceId, importId, entries) },
        })),
      ]);
    },

    async finishImport(audienceId, lease, totals) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.audience(audienceId),
            UpdateExpression:
              'SET #size = :size, byCarrier = :carriers, byProvince = :provinces, languages = :languages, ' +
              'attributes = :attributes, lastImport = :lease ' +
              'REMOVE importLease, importLeaseUntil',
            ConditionExpression: 'importLease = :lease',
            ExpressionAttributeNames: { '#size': 'size' },
            ExpressionAttributeValues: {
              ':size': totals.size,
              ':carriers': audienceCodec.countsToItem(totals.byCarrier),
              ':provinces': audienceCodec.countsToItem(totals.byProvince),
              ':languages': audienceCodec.countsToItem(totals.byLanguage),
              ':attributes': audienceCodec.attributesToItem(attributeList(totals.attributes)),
              ':lease': lease.id,
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return Number(Attributes?.size ?? 0);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // A retry of a commit whose answer was lost finds it done.
        if (error.Item?.lastImport?.S === lease.id) return Number(error.Item.size?.N ?? 0);
        logger.warn('An import outlived its lease', { audienceId, leaseId: lease.id });
        throw new ConflictError(
          `The import into audience ${audienceId} took longer than its lease and another import took over; ` +
            'nothing of it was kept: retry',
        );
      }
    },

    async reindexMembers(audienceId) {
      // Every chunk's text by import, at its seq (the sk's last part), as the import wrote them.
      const imports = new Map<string, string[]>();
      for await (const item of chunkItems(audienceId)) {
        // `CHUNK#{importId}#{seq}`: chunks of old imports may not hold `importId` as an attribute.
        const [, importId = '', seq = ''] = String(item.sk).split('#');
        const texts = imports.get(importId) ?? [];
        texts[Number(seq)] = audienceChunkCodec.membersOf(item);
        imports.set(importId, texts);
      }
      // The whole index of each import, as the import writes it: writing it again changes nothing.
      await batchWrite(
        [...imports].flatMap(([importId, texts]) =>
          [...memberBuckets(texts)].map(([bucket, entries]) => ({
            PutRequest: { Item: memberIndexCodec.toItem(bucket, audienceId, importId, entries) },
          })),
        ),
      );
      return imports.size;
    },

    async rewriteMembers(audienceId, rewrite) {
      let changed = 0;
      const puts: WriteRequest[] = [];
      for await (const item of chunkItems(audienceId)) {
        const members = decodeMembers(audienceChunkCodec.membersOf(item));
        const rewritten = members.map(rewrite);
        const count = rewritten.filter((member, i) => member !== members[i]).length;
        if (count === 0) continue;
        changed += count;
        // The same item, only its members' text changed: a chunk stays within its byte limit, as a
        // current name is never much longer than the name it replaces (at most 100 characters).
        const text = rewritten.map(encodeMember).join(LINE);
        puts.push({ PutRequest: { Item: audienceChunkCodec.withMembers(item, text) } });
      }
      await batchWrite(puts);
      return changed;
    },

    async abandonImport(audienceId, lease) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: keys.audience(audienceId),
          ProjectionExpression: 'importLease, lastImport',
          ConsistentRead: true,
        }),
      );
      if (Item?.lastImport === lease.id) return;
      await discardMembers(audienceId, lease.id);
      if (Item?.importLease !== lease.id) return;
      try {
        await releaseLease(audienceId, lease);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
};
