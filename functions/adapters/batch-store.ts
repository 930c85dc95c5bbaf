import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import { SAFETY_MARGIN_MS } from '#core/dispatch/pacing.js';
import { sharedRateLimiter, type RateLogStore } from '#core/dispatch/rate-limiter.js';
import {
  OutcomeTooLargeError,
  type BatchRef,
  type BatchStore,
  type RateLimiter,
} from '#core/dispatch/ports.js';
import { batchKey, mergeSettle } from '#core/webhooks/delivery-reports.js';
import type { ReportBatchStore } from '#core/webhooks/service.js';
import {
  batchGetAll,
  batchWriteAll,
  conditionFailed,
  itemTooLarge,
  transactionConflict,
} from './dynamo-batch.js';
import { INDEX, keys } from './table.js';
import { batchCodec, rateLogCodec } from './table/batch.js';
import { queryPages } from './cursor.js';
import { readItem } from './read-item.js';

const batchFromItem = batchCodec.fromItem;

/** `ADD handedTo :handed` when a hand-over happened (a string set: each partner once). */
const handedOver = (partnerId: string | undefined) =>
  partnerId
    ? { clause: ' ADD handedTo :handed', values: { ':handed': new Set([partnerId]) } }
    : { clause: '', values: {} };

/** A queued batch sits in its partner's queue (index `lists`) until it is settled; see table.ts. */
const queueKeys = (partnerId: string, visibleAt: string, campaignId: string, seq: number) =>
  keys.batchQueue(partnerId, visibleAt, campaignId, seq);

const readBatch = (client: DynamoDBDocumentClient, table: string, { campaignId, seq }: BatchRef) =>
  readItem(client, table, keys.batch(campaignId, seq), batchFromItem);

/** Optimistic locking on `ver` (absent = 0, see batch.ts). */
const versionIs = (ver: number) => (ver ? 'ver = :ver' : 'attribute_not_exists(ver)');

/** A transaction holds at most 100 items and 4 MB; groups stay under both (sizes estimated as JSON). */
const TRANSACTION_ITEMS = 100;
const TRANSACTION_BYTES = 3_500_000;

const transactionGroups = <T>(items: readonly T[]): T[][] => {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (group.length && (group.length === TRANSACTION_ITEMS || bytes + size > TRANSACTION_BYTES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
};

/**
 * One transaction per group of batches, each put only if its key is free: a group is written whole or
 * not at all, so a materialisation that lost the race to a batch number writes nothing from it on.
 */
const putNewBatches = async (client: DynamoDBDocumentClient, table: string, batches: readonly Batch[]) => {
  let added = 0;
  for (const group of transactionGroups(batches.map(batchCodec.toItem))) {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: group.map((Item) => ({
              Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
            })),
          }),
        );
        break;
      } catch (error) {
        if (conditionFailed(error)) return added;
        // Another run's transaction on the same numbers: try again, and its batches refuse ours.
        if (transactionConflict(error) && attempt < 8) {
          await new Promise((done) => setTimeout(done, Math.floor(Math.random() * 20 * attempt)));
          continue;
        }
        throw error;
      }
    }
    added += group.length;
  }
  return added;
};

export const dynamoBatchStore = (client: DynamoDBDocumentClient, table: string): BatchStore => ({
  async putBatches(batches) {
    await batchWriteAll(
      client,
      table,
      batches.map((batch) => ({ PutRequest: { Item: batchCodec.toItem(batch) } })),
    );
  },

  putNewBatches: (batches) => putNewBatches(client, table, batches),

  get: (ref) => readBatch(client, table, ref),

  async claim({ campaignId, seq }, now, leaseMs) {
    const at = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    try {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.batch(campaignId, seq),
          UpdateExpression: 'SET #status = :handing, leaseUntil = :lease, listSk = :listSk, updatedAt = :now',
          ConditionExpression:
            '(#status = :queued AND availableAt <= :now) OR (#status = :handing AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':handing': 'handing',
            ':queued': 'queued',
            ':now': at,
            ':lease': leaseUntil,
            ':listSk': keys.batchQueueSk(leaseUntil, campaignId, seq),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? batchFromItem(Attributes) : undefined;
    } catch (error) {
      if (conditionFailed(error)) return undefined;
      throw error;
    }
  },

  async settle(batch, status, messages, now, charge, handedTo) {
    const handed = handedOver(handedTo);
    const settleOnce = async (ver: number, toWrite: BatchMessage[]) => {
      const update = {
        TableName: table,
        Key: keys.batch(batch.campaignId, batch.seq),
        UpdateExpression: `SET #status = :status, messages = :messages, ver = :next, updatedAt = :now, settledAt = :now${
          charge ? ', price = :price, currency = :currency' : ''
        } REMOVE listPk, listSk, leaseUntil${handed.clause}`,
        ConditionExpression: `#status = :handing AND leaseUntil = :lease AND ${versionIs(ver)}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':messages': batchCodec.messagesToItem(toWrite),
          ':now': now.toISOString(),
          ':handing': 'handing',
          ':lease': batch.leaseUntil,
          ':next': ver + 1,
          ...(ver ? { ':ver': ver } : {}),
          ...(charge ? { ':price': charge.price, ':currency': charge.currency } : {}),
          ...handed.values,
        },
      };
      // The campaign's settled count moves in the same write as the batch, so no crash can lose it.
      const counted = {
        TableName: table,
        Key: keys.progress(batch.campaignId),
        UpdateExpression: 'ADD settledBatches :one',
        ExpressionAttributeValues: { ':one': 1 },
      };
      if (batch.test) await client.send(new UpdateCommand(update));
      else
        await client.send(
          new TransactWriteCommand({ TransactItems: [{ Update: update }, { Update: counted }] }),
        );
    };

    let ver = batch.ver ?? 0;
    let toWrite = messages;
    for (let attempt = 1; ; attempt++) {
      try {
        await settleOnce(ver, toWrite);
        return true;
      } catch (error) {
        if (conditionFailed(error) && attempt < 8) {
          // A delivery report may have reached the batch before us (the partner answered fast): while the
          // lease is still ours, merge its changes into ours and try again.
          const current = await readBatch(client, table, batch);
          if (current?.status !== 'handing' || current.leaseUntil !== batch.leaseUntil) return false;
          ver = current.ver ?? 0;
          toWrite = mergeSettle(batch.messages, current.messages, messages);
          continue;
        }
        if (conditionFailed(error)) return false;
        if (itemTooLarge(error)) throw new OutcomeTooLargeError(batch);
        // Batches of one campaign settling at once contend for its progress item: try again shortly.
        if (transactionConflict(error) && attempt < 8) {
          await new Promise((done) => setTimeout(done, Math.floor(Math.random() * 20 * attempt)));
          continue;
        }
        throw error;
      }
    }
  },

  async release(batch, next, now) {
    const availableAt = next.availableAt.toISOString();
    const handed = handedOver(next.handedTo);
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.batch(batch.campaignId, batch.seq),
          UpdateExpression: `SET #status = :queued, partnerId = :partner, attempt = :attempt, availableAt = :available, listPk = :listPk, listSk = :listSk, updatedAt = :now REMOVE leaseUntil${handed.clause}`,
          ConditionExpression: '#status = :handing AND leaseUntil = :lease',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':partner': next.partnerId,
            ':attempt': next.attempt,
            ':available': availableAt,
            ...Object.fromEntries(
              Object.entries(queueKeys(next.partnerId, availableAt, batch.campaignId, batch.seq)).map(
                ([k, v]) => [`:${k}`, v],
              ),
            ),
            ':now': now.toISOString(),
            ':handing': 'handing',
            ':lease': batch.leaseUntil,
            ...handed.values,
          },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  async due(partnerId, now, limit) {
    const { Items } = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: INDEX.lists.name,
        KeyConditionExpression: 'listPk = :pk AND listSk <= :now',
        ExpressionAttributeValues: { ':pk': keys.batchQueuePk(partnerId), ':now': `${now.toISOString()}#~` },
        ProjectionExpression: 'campaignId, seq',
        Limit: limit,
      }),
    );
    return (Items ?? []).map(batchCodec.refFromItem);
  },

  async *listBatches(campaignId) {
    for await (const page of queryPages(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
      ExpressionAttributeValues: { ':pk': keys.campaign(campaignId).pk, ':batch': keys.batchPrefix },
      ConsistentRead: true,
    })) {
      yield page.map(batchFromItem);
    }
  },
});

/**
 * The partner's pacing (pacing.ts, shared as core/dispatch/rate-limiter.ts says) in one item (`rateLogCodec`),
 * moved by one conditional write per batch on its version.
 */
export const dynamoRateLimiter = (
  client: DynamoDBDocumentClient,
  table: string,
  marginMs = SAFETY_MARGIN_MS,
): RateLimiter =>
  sharedRateLimiter({
    store: dynamoRateLog(client, table),
    now: Date.now,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    random: Math.random,
    marginMs,
  });

const dynamoRateLog = (client: DynamoDBDocumentClient, table: string): RateLogStore => ({
  async read(partnerId) {
    const item = await readItem(client, table, rateLogCodec.key(partnerId), rateLogCodec.fromItem);
    return item ?? { log: [], ver: 0 };
  },
  async write(partnerId, pace, ver, keepUntil) {
    try {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: rateLogCodec.toItem(partnerId, pace, ver + 1, keepUntil),
          ConditionExpression: ver ? 'ver = :ver' : 'attribute_not_exists(ver)',
          ...(ver ? { ExpressionAttributeValues: { ':ver': ver } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },
});

/** Batches as delivery reports read and write them: many at once, each write conditional on `ver`. */
export const dynamoReportBatchStore = (client: DynamoDBDocumentClient, table: string): ReportBatchStore => ({
  async read(refs: readonly BatchRef[]) {
    const unique = new Map(refs.map((r) => [batchKey(r.campaignId, r.seq), keys.batch(r.campaignId, r.seq)]));
    const items = await batchGetAll(client, table, [...unique.values()], { consistent: true });
    return new Map(items.map(batchFromItem).map((batch) => [batchKey(batch.campaignId, batch.seq), batch]));
  },

  async writeMessages(batch, messages, now) {
    const ver = batch.ver ?? 0;
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.batch(batch.campaignId, batch.seq),
          UpdateExpression: 'SET messages = :messages, ver = :next, updatedAt = :now',
          ConditionExpression: versionIs(ver),
          ExpressionAttributeValues: {
            ':messages': batchCodec.messagesToItem(messages),
            ':next': ver + 1,
            ':now': now.toISOString(),
            ...(ver ? { ':ver': ver } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },
});
