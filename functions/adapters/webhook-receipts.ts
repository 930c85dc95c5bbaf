import { conditionalWrite } from './conditional-write.js';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredAnswer, WebhookDelivery, WebhookReceipts } from '#core/webhooks/service.js';
import { ttlAfter } from './table.js';
import { webhookReceiptCodec } from './table/records.js';

/** A partner retries with the same `webhook-id` for minutes, not days: a day of receipts is plenty. */
const RECEIPT_TTL_SECONDS = 24 * 3600;

const keyOf = webhookReceiptCodec.key;

/** Partner webhooks already handled, with the answer they got (replayed `webhook-id`s, contract §8). */
export const dynamoWebhookReceipts = (client: DynamoDBDocumentClient, table: string): WebhookReceipts => {
  const get = async (delivery: WebhookDelivery): Promise<StoredAnswer | undefined> => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keyOf(delivery), ConsistentRead: true }),
    );
    // DynamoDB's TTL deletes within days of expiry; an expired receipt no longer counts.
    const receipt = Item && webhookReceiptCodec.fromItem(Item);
    if (!receipt || receipt.expiresAt * 1000 < Date.now()) return undefined;
    return receipt.answer;
  };

  return {
    get,
    async put(delivery, answer, now) {
      const first = await conditionalWrite(
        client.send(
          new PutCommand({
            TableName: table,
            Item: webhookReceiptCodec.toItem(
              delivery,
              answer,
              now.toISOString(),
              ttlAfter(now, RECEIPT_TTL_SECONDS),
            ),
            // The first answer stands (an expired receipt may be replaced).
            ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          }),
        ),
      );
      return first ? undefined : get(delivery);
    },
  };
};
