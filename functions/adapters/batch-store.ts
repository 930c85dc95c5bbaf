import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Batch, BatchMessage } from '../core/dispatch/batch.js';
import {
  SAFETY_MARGIN_MS,
  pacingFor,
  recordLateSend,
  reserve,
  type Reservation,
} from '../core/dispatch/pacing.js';
import {
  OutcomeTooLargeError,
  type BatchRef,
  type BatchStore,
  type RateLimiter,
} from '../core/dispatch/ports.js';
import { batchKey, mergeSettle } from '../core/webhooks/delivery-reports.js';
import type { ReportBatchStore } from '../core/webhooks/service.js';
import {
  batchGetAll,
  batchWriteAll,
  conditionFailed,
  itemTooLarge,
  transactionConflict,
} from './dynamo-batch.js';
import { INDEX, keys, ttlAfter } from './table.js';
import { batchCodec } from './table/batch.js';
import { queryPages } from './cursor.js';

const batchFromItem = batchCodec.fromItem;

/** `ADD handedTo :handed` when a hand-over happened (a string set: each partner once). */
const handedOver = (partnerId: string | undefined) =>
  partnerId
    ? { clause: ' ADD handedTo :handed', values: { ':handed': new Set([partnerId]) } }
    : { clause: '', values: {} };

/** A queued batch sits in its partner's queue (index `lists`) until it is settled; see table.ts. */
const queueKeys = (partnerId: string, visibleAt: string, campaignId: string, seq: number) =>
  keys.batchQueue(partnerId, visibleAt, campaignId, seq);

const readBatch = async (client: DynamoDBDocumentClient, table: string, { campaignId, seq }: BatchRef) => {
  const { Item } = await client.send(
    new GetCommand({ TableName: table, Key: keys.batch(campaignId, seq), ConsistentRead: true }),
  );
  return Item ? batchFromItem(Item) : undefined;
};

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
 * The partner's reservation log (pacing.ts) in one item, `log` as [at, count, at, count, ...], moved by one
 * conditional write per batch on its version. The reserved moment is ahead of `now` by about this
 * process's round trip to the table, so the batch is not already late when the write returns.
 */
export const dynamoRateLimiter = (
  client: DynamoDBDocumentClient,
  table: string,
  marginMs = SAFETY_MARGIN_MS,
): RateLimiter => {
  const { windowMs, lateToleranceMs } = pacingFor(marginMs);
  // A write's round trip, smoothed; the lead covers twice it (and at least 50 ms), so a batch reserved for
  // an idle partner is rarely late when the write returns (a late one must reserve again).
  let writeMs = 25;
  // Consumers in one process (the local dispatcher; a Lambda has one) take turns on a partner's log, so
  // they never collide on it: a collision costs a failed write and a read, and a backlog's consumers all
  // ask for the same moment at once.
  const turns = new Map<string, Promise<unknown>>();
  const inTurn = <T>(partnerId: string, work: () => Promise<T>): Promise<T> => {
    const mine = (turns.get(partnerId) ?? Promise.resolve()).then(work, work);
    const settled = mine.catch(() => undefined);
    turns.set(partnerId, settled);
    void settled.then(() => {
      if (turns.get(partnerId) === settled) turns.delete(partnerId);
    });
    return mine;
  };
  return {
    lateToleranceMs,
    reserve: (partnerId, size, tps, now, options = {}) =>
      inTurn(partnerId, () => reserveNow(partnerId, size, tps, now, options)),
    sentLate: (partnerId, size, reservedAt, sentAt) =>
      inTurn(partnerId, async () => {
        await change(partnerId, (log) => ({
          log: recordLateSend(log, reservedAt.getTime(), sentAt.getTime(), size, windowMs),
          at: sentAt,
        }));
      }),
  };

  async function reserveNow(
    partnerId: string,
    size: number,
    tps: number,
    now: Date,
    { replacing, horizonMs }: { replacing?: Date; horizonMs?: number },
  ): Promise<{ at: Date; reserved: boolean }> {
    let answer = { at: now, reserved: false };
    await change(partnerId, (log) => {
      const earliest = Math.max(now.getTime(), Date.now()) + Math.min(1000, Math.max(50, 2 * writeMs));
      const next = reserve(log, earliest, size, tps, {
        windowMs,
        replacing: replacing?.getTime(),
        horizonMs,
      });
      answer = { at: new Date(next.at), reserved: next.reserved };
      // Too far ahead to reserve yet: a read, no write.
      return next.reserved ? { log: next.log, at: answer.at } : undefined;
    });
    return answer;
  }

  /**
   * Reads the partner's log and writes what `next` makes of it (nothing when it answers undefined), on the
   * log's version; when another consumer wrote first, reads its log and asks `next` again.
   */
  async function change(
    partnerId: string,
    next: (log: Reservation[]) => { log: Reservation[]; at: Date } | undefined,
  ): Promise<void> {
    const key = keys.rate(partnerId);
    let current = await readRate(client, table, key);
    for (let attempt = 1; ; attempt++) {
      const ver = Number(current?.ver ?? 0);
      const flat = (current?.log ?? []) as number[];
      const log: Reservation[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) log.push([Number(flat[i]), Number(flat[i + 1])]);
      const started = Date.now();
      const changed = next(log);
      if (!changed) return;
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { ...key, log: changed.log.flat(), ver: ver + 1, ttl: ttlAfter(changed.at, 3600) },
            ConditionExpression: ver ? 'ver = :ver' : 'attribute_not_exists(ver)',
            ...(ver ? { ExpressionAttributeValues: { ':ver': ver } } : {}),
          }),
        );
        writeMs = (writeMs * 3 + (Date.now() - started)) / 4;
        return;
      } catch (error) {
        // Another consumer wrote first: read its log and fit in after it. Many consumers of one busy
        // partner collide often, so each waits a little (jittered, growing) before trying again.
        if (!conditionFailed(error) || attempt >= 200) throw error;
        await new Promise((done) => setTimeout(done, Math.floor(Math.random() * Math.min(50, 2 * attempt))));
        current = await readRate(client, table, key);
      }
    }
  }
};

const readRate = async (client: DynamoDBDocumentClient, table: string, key: { pk: string; sk: string }) =>
  (await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

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
