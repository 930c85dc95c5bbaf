import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Carrier } from '#core/carriers.js';
import { inParallel } from '#core/concurrency.js';
import { latestPerPhone } from '#core/webhooks/delivery-reports.js';
import type { PortedNumbers } from '#core/webhooks/service.js';
import { conditionalWrite } from './conditional-write.js';
import { keys } from './table.js';
import { portedCodec } from './table/records.js';
import { listedPages } from './cursor.js';
import { batchGetAll } from './dynamo-batch.js';

/** Conditional Puts in flight at once. */
const PORTED_WRITE_PARALLELISM = 8;

/** Adds the (phone → carrier) of each ported-number item to `ported`. */
const addCarriers = (ported: Map<string, Carrier>, items: readonly Record<string, unknown>[]) => {
  for (const number of items.map(portedCodec.fromItem)) if (number) ported.set(number.phone, number.carrier);
  return ported;
};

/** Numbers whose carrier a delivery report corrected (number portability), listed under PORTED. */
export const dynamoPortedNumbers = (client: DynamoDBDocumentClient, table: string): PortedNumbers => ({
  async upsert(numbers) {
    // One conditional Put per number (BatchWrite cannot be conditional): an older report that arrives
    // later never overwrites a newer carrier. Ported numbers are rare, so this is a handful of writes.
    await inParallel(latestPerPhone(numbers), PORTED_WRITE_PARALLELISM, async (n) => {
      await conditionalWrite(
        client.send(
          new PutCommand({
            TableName: table,
            Item: portedCodec.toItem(n),
            ConditionExpression: 'attribute_not_exists(pk) OR #at < :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': n.at },
          }),
        ),
      );
    });
  },

  async all() {
    const ported = new Map<string, Carrier>();
    for await (const page of listedPages(client, table, keys.portedListPk, 'phone, carrier'))
      addCarriers(ported, page);
    return ported;
  },

  async carriersOf(phones) {
    const items = await batchGetAll(client, table, [...new Set(phones)].map(portedCodec.key), {
      attributes: ['phone', 'carrier'],
    });
    return addCarriers(new Map(), items);
  },
});
