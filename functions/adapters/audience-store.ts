import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Audience, AudienceMember } from '../core/audience.js';
import type { AudienceStore, ImportLease } from '../core/audience-service.js';
import { isCarrier } from '../core/carriers.js';
import { ConflictError } from '../core/errors.js';
import { queryPage, queryPages } from './cursor.js';
import { batchWriteAll, type WriteRequest } from './dynamo-batch.js';
import { logger } from './logger.js';
import { INDEX, keys } from './table.js';

/**
 * Audiences in the single table. Members are stored a few hundred to an item ("chunks" under the
 * audience's partition), so importing 100,000 subscribers is ~400 item writes, not 100,000, and reading
 * an audience back is a handful of Query pages.
 */

const ENTITY = 'Audience';
const CHUNK_ENTITY = 'AudienceChunk';
export const MEMBERS_PER_CHUNK = 250;
/** Far below DynamoDB's 400 KB item limit even when every member carries long names and many tags. */
export const MAX_CHUNK_BYTES = 100 * 1024;
/** BatchWriteItem calls in flight at once (DynamoDB Local on 2 cores peaks around 8). */
const PARALLEL_BATCHES = 8;
/** Counters per UpdateItem: ~50 characters each keeps the expression well under DynamoDB's 4 KB limit. */
const COUNTERS_PER_UPDATE = 60;
const MAP_ALIAS = { byCarrier: '#bc', byProvince: '#bp' } as const;
type Counter = { map: keyof typeof MAP_ALIAS; key: string; n: number };

/**
 * A chunk's members are one string, a member a line: `phone TAB carrier TAB province TAB district TAB tags`
 * (tags joined by `|`, trailing empty fields dropped). Import planning refuses control characters in places
 * and tags, and `;` or `|` in a tag, so no field can hold a separator. Text rather than a list of lists:
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
  ];
  while (fields.length > 2 && fields[fields.length - 1] === '') fields.pop();
  return fields.join(FIELD);
};

export const decodeMember = (line: string): AudienceMember => {
  const [phone = '', carrier = '', province, district, tags] = line.split(FIELD);
  const member: AudienceMember = { phone, carrier: isCarrier(carrier) ? carrier : 'unknown' };
  if (province) member.province = province;
  if (district) member.district = district;
  if (tags) member.tags = tags.split('|');
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

const toItem = (audience: Audience) => ({
  ...keys.audience(audience.id),
  ...keys.audienceList(audience.createdAt, audience.id),
  entity: ENTITY,
  ...audience,
});

const fromItem = (item: Record<string, unknown>): Audience => {
  const {
    pk: _pk,
    sk: _sk,
    listPk: _lp,
    listSk: _ls,
    entity: _e,
    importLease: _lease,
    importLeaseUntil: _until,
    ...audience
  } = item;
  return audience as unknown as Audience;
};

export const dynamoAudienceStore = (client: DynamoDBDocumentClient, table: string): AudienceStore => {
  const batchWrite = (requests: readonly WriteRequest[]) =>
    batchWriteAll(client, table, requests, PARALLEL_BATCHES);

  /** The `members` text of each of the audience's chunks: one Query on its partition, page by page. */
  async function* chunkTexts(audienceId: string, consistentRead: boolean): AsyncGenerator<unknown> {
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
      ExpressionAttributeValues: {
        ':pk': keys.audience(audienceId).pk,
        ':chunk': keys.audienceChunkPrefix,
      },
      ExpressionAttributeNames: { '#members': 'members' },
      ProjectionExpression: '#members',
      ConsistentRead: consistentRead,
    })) {
      for (const item of page) yield item.members;
    }
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

  /**
   * One UpdateItem adding `counters` to the audience's maps (which exist from creation, so nested paths
   * work); map keys go through ExpressionAttributeNames, as province names hold spaces and diacritics.
   * The final update also adds `size` and, holding the lease, releases it.
   */
  const counterUpdate = (
    audienceId: string,
    counters: readonly Counter[],
    final?: { size: number; leaseId?: string },
  ) => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const set = counters.map(({ map, key, n }, i) => {
      const alias = MAP_ALIAS[map];
      names[alias] = map;
      names[`#k${i}`] = key;
      values[`:n${i}`] = n;
      values[':zero'] = 0;
      return `${alias}.#k${i} = if_not_exists(${alias}.#k${i}, :zero) + :n${i}`;
    });
    if (final) {
      names['#size'] = 'size';
      values[':size'] = final.size;
      set.unshift('#size = #size + :size');
    }
    if (final?.leaseId) values[':lease'] = final.leaseId;
    return new UpdateCommand({
      TableName: table,
      Key: keys.audience(audienceId),
      UpdateExpression: `SET ${set.join(', ')}${final?.leaseId ? ' REMOVE importLease, importLeaseUntil' : ''}`,
      ...(final?.leaseId ? { ConditionExpression: 'importLease = :lease' } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
  };

  return {
    async create(audience) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: toItem(audience),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async getAudience(id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.audience(id), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },

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
              'attribute_exists(pk) AND (attribute_not_exists(importLeaseUntil) OR importLeaseUntil < :now)',
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

    async phones(audienceId) {
      const phones = new Set<string>();
      for await (const text of chunkTexts(audienceId, true)) addPhones(text, phones);
      return phones;
    },

    async addMembers(audienceId, importId, members) {
      const chunks = chunkMembers(members).map((text, seq) => ({
        key: keys.audienceChunk(audienceId, importId, seq),
        text,
      }));
      try {
        await batchWrite(
          chunks.map(({ key, text }) => ({
            PutRequest: { Item: { ...key, entity: CHUNK_ENTITY, importId, members: text } },
          })),
        );
      } catch (error) {
        try {
          await batchWrite(chunks.map(({ key }) => ({ DeleteRequest: { Key: key } })));
        } catch (cleanup) {
          logger.error('Could not remove the chunks of a failed import', {
            audienceId,
            importId,
            error: cleanup as Error,
          });
        }
        throw error;
      }
    },

    async finishImport(audienceId, lease, added) {
      const counters: Counter[] = [
        ...Object.entries(added.byCarrier).map(([key, n]) => ({ map: 'byCarrier' as const, key, n })),
        ...Object.entries(added.byProvince).map(([key, n]) => ({ map: 'byProvince' as const, key, n })),
      ];
      const groups: Counter[][] = [];
      for (let i = 0; i < counters.length; i += COUNTERS_PER_UPDATE) {
        groups.push(counters.slice(i, i + COUNTERS_PER_UPDATE));
      }
      const last = groups.pop() ?? [];
      for (const group of groups) await client.send(counterUpdate(audienceId, group));
      try {
        const { Attributes } = await client.send(
          counterUpdate(audienceId, last, { size: added.size, leaseId: lease.id }),
        );
        return Number(Attributes?.size ?? 0);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The lease expired and another import took it over: still count what this import wrote.
        logger.warn('An import outlived its lease', { audienceId, leaseId: lease.id });
        const { Attributes } = await client.send(counterUpdate(audienceId, last, { size: added.size }));
        return Number(Attributes?.size ?? 0);
      }
    },

    async abandonImport(audienceId, lease) {
      try {
        await releaseLease(audienceId, lease);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
};
