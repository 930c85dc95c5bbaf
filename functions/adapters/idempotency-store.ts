import { conditionalWrite } from './conditional-write.js';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyScope, IdempotencyStore } from '#core/idempotency.js';
import { ttlAfter } from './table.js';
import { idempotencyCodec } from './table/records.js';

/** Keys are kept a day, like the window in which clients retry. */
const RETENTION_SECONDS = 24 * 60 * 60;
/** A claim left by a crashed request stops blocking retries after this long. */
const IN_PROGRESS_EXPIRY_MS = 60_000;

const keyOf = ({ userId, routeId }: IdempotencyScope, key: string) =>
  idempotencyCodec.key(userId, routeId, key);

export const dynamoIdempotencyStore = (
  client: DynamoDBDocumentClient,
  table: string,
  now = () => new Date(),
): IdempotencyStore => ({
  async claim(scope, key, requestHash): Promise<IdempotencyClaim> {
    const at = now();
    const claimed = await conditionalWrite(
      client.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keyOf(scope, key),
            entity: idempotencyCodec.entity,
            state: 'in_progress',
            requestHash,
            claimedAt: at.getTime(),
            ttl: ttlAfter(at, RETENTION_SECONDS),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :inProgress AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':inProgress': 'in_progress',
            ':stale': at.getTime() - IN_PROGRESS_EXPIRY_MS,
          },
        }),
      ),
    );
    if (claimed) return { state: 'claimed' };
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keyOf(scope, key), ConsistentRead: true }),
    );
    if (!Item) return this.claim(scope, key, requestHash);
    const hash = String(Item.requestHash);
    return Item.state === 'completed'
      ? { state: 'completed', requestHash: hash, response: JSON.parse(String(Item.response)) }
      : { state: 'in_progress', requestHash: hash };
  },

  async complete(scope, key, response) {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: keyOf(scope, key),
        UpdateExpression: 'SET #state = :completed, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': JSON.stringify(response) },
      }),
    );
  },

  async release(scope, key) {
    await client.send(new DeleteCommand({ TableName: table, Key: keyOf(scope, key) }));
  },
});
