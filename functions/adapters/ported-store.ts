import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Carrier } from '#core/carriers.js';
import { inParallel } from '#core/concurrency.js';
import { latestPerPhone } from '#core/webhooks/delivery-reports.js';
import type { PortedNumbers } from '#core/webhooks/service.js';
import { INDEX, keys } from './table.js';
import { portedCodec } from './table/records.js';
import { queryPages } from './cursor.js';
import { batchGetAll } from './dynamo-batch.js';

/** Conditional Puts in flight at once. */
const PORTED_WRITE_PARALLELISM = 8;

/** Numbers whose carrier a delivery report corrected (number portability), listed under PORTED. */
export const dynamoPortedNumbers = (client: DynamoDBDocumentClient, table: string): PortedNumbers => ({
  async upsert(numbers) {
    // One conditional Put per number (BatchWrite cannot be conditional): an older report that arrives
    // later never overwrites a newer carrier. Ported numbers are rare, so this is a handful of writes.
    await inParallel(latestPerPhone(numbers), PORTED_WRITE_PARALLELISM, async (n) => {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: portedCodec.toItem(n),
            ConditionExpression: 'attribute_not_exists(pk) OR #at < :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': n.at },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
  },

  async all() {
    const ported = new Map<string, Carrier>();
    for await (const page of queryPages(client, {
      TableName: table,
      IndexName: INDEX.lists.name,
      KeyConditionExpression: 'listPk = :pk',
      ExpressionAttributeValues: { ':pk': keys.portedListPk },
      ProjectionExpression: 'phone, carrier',
    })) {
      for (const number of page.map(portedCodec.fromItem))
        if (number) ported.set(number.phone, number.carrier);
    }
    return ported;
  },

  async carriersOf(phones) {
    const items = await batchGetAll(client, table, [...new Set(phones)].map(portedCodec.key), {
      attributes: ['phone', 'carrier'],
    });
    const ported = new Map<string, Carrier>();
    for (const number of items.map(portedCodec.fromItem))
      if (number) ported.set(number.phone, number.carrier);
    return ported;
  },
});
