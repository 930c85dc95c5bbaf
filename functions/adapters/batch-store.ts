import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Batch } from '../core/dispatch/batch.js';
import type { BatchStore, RateLimiter } from '../core/dispatch/ports.js';
import { batchWriteAll } from './dynamo-batch.js';
import { INDEX, keys, ttlAfter } from './table.js';

const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'listPk', 'listSk', 'entity', 'claimToken']);

const fromItem = (item: Record<string, unknown>): Batch =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name))) as unknown as Batch;

/** A queued batch sits in its partner's queue (index `lists`) until it is settled; see table.ts. */
const queueKeys = (partnerId: string, visibleAt: string, campaignId: string, seq: number) =>
  keys.batchQueue(partnerId, visibleAt, campaignId, seq);

const cancellationCodes = (error: unknown) =>
  error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((r) => r.Code) : [];

const conditionFailed = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  cancellationCodes(error).includes('ConditionalCheckFailed');

const transactionConflict = (error: unknown) =>
  (error as { name?: string }).name === 'TransactionConflictException' ||
  cancellationCodes(error).includes('TransactionConflict');

export const dynamoBatchStore = (client: DynamoDBDocumentClient, table: string): BatchStore => ({
  async putBatches(batches) {
    await batchWriteAll(
      client,
      table,
      batches.map((batch) => ({
        PutRequest: {
          Item: {
            ...batch,
            ...keys.batch(batch.campaignId, batch.seq),
            ...queueKeys(batch.partnerId, batch.availableAt, batch.campaignId, batch.seq),
            entity: 'Batch',
          },
        },
      })),
    );
  },

  async get({ campaignId, seq }) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.batch(campaignId, seq), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  },

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
            ':listSk': `${leaseUntil}#${campaignId}#${seq}`,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (conditionFailed(error)) return undefined;
      throw error;
    }
  },

  async settle(batch, status, messages, now) {
    const update = {
      TableName: table,
      Key: keys.batch(batch.campaignId, batch.seq),
      UpdateExpression:
        'SET #status = :status, messages = :messages, updatedAt = :now, settledAt = :now REMOVE listPk, listSk, leaseUntil',
      ConditionExpression: '#status = :handing AND leaseUntil = :lease',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':messages': messages,
        ':now': now.toISOString(),
        ':handing': 'handing',
        ':lease': batch.leaseUntil,
      },
    };
    // The campaign's settled count moves in the same write as the batch, so no crash can lose it.
    const counted = {
      TableName: table,
      Key: keys.progress(batch.campaignId),
      UpdateExpression: 'ADD settledBatches :one',
      ExpressionAttributeValues: { ':one': 1 },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        if (batch.test) await client.send(new UpdateCommand(update));
        else
          await client.send(
            new TransactWriteCommand({ TransactItems: [{ Update: update }, { Update: counted }] }),
          );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
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
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.batch(batch.campaignId, batch.seq),
          UpdateExpression:
            'SET #status = :queued, partnerId = :partner, attempt = :attempt, availableAt = :available, listPk = :listPk, listSk = :listSk, updatedAt = :now REMOVE leaseUntil',
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
    return (Items ?? []).map((item) => ({ campaignId: String(item.campaignId), seq: Number(item.seq) }));
  },

  async *listBatches(campaignId) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
          ExpressionAttributeValues: { ':pk': keys.campaign(campaignId).pk, ':batch': 'BATCH#' },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      yield (page.Items ?? []).map(fromItem);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  },
});

export const dynamoRateLimiter = (client: DynamoDBDocumentClient, table: string): RateLimiter => ({
  async tryAcquire(partnerId, second, count, tps) {
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.rate(partnerId, second),
          UpdateExpression: 'ADD used :count SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':count': count,
            ':limit': tps - count,
            ':ttl': ttlAfter(new Date(second * 1000), 3600),
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
