import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebhookReceipts } from '../core/webhooks/service.js';
import { keys, ttlAfter } from './table.js';

/** A partner retries with the same `webhook-id` for minutes, not days: a day of receipts is plenty. */
const RECEIPT_TTL_SECONDS = 24 * 3600;

/** Partner webhooks already handled, with the answer they got (replayed `webhook-id`s, contract §8). */
export const dynamoWebhookReceipts = (client: DynamoDBDocumentClient, table: string): WebhookReceipts => ({
  async get(partnerId, webhookId) {
    const { Item } = await client.send(
      new GetCommand({
        TableName: table,
        Key: keys.webhookReceipt(partnerId, webhookId),
        ConsistentRead: true,
      }),
    );
    // DynamoDB's TTL deletes within days of expiry; an expired receipt no longer counts.
    if (!Item || Number(Item.ttl) * 1000 < Date.now()) return undefined;
    return { status: Number(Item.status), body: JSON.parse(String(Item.body)) as unknown };
  },

  async put(partnerId, webhookId, answer, now) {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...keys.webhookReceipt(partnerId, webhookId),
          entity: 'WebhookReceipt',
          partnerId,
          webhookId,
          status: answer.status,
          body: JSON.stringify(answer.body),
          receivedAt: now.toISOString(),
          ttl: ttlAfter(now, RECEIPT_TTL_SECONDS),
        },
      }),
    );
  },
});
