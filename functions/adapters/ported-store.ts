import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isCarrier, type Carrier } from '../core/carriers.js';
import type { PortedNumbers } from '../core/webhooks/service.js';
import { batchWriteAll } from './dynamo-batch.js';
import { INDEX, keys } from './table.js';
import { queryPages } from './cursor.js';

/** Numbers whose carrier a delivery report corrected (number portability), listed under PORTED. */
export const dynamoPortedNumbers = (client: DynamoDBDocumentClient, table: string): PortedNumbers => ({
  async upsert(numbers) {
    // One item per phone: the latest report in this request wins (BatchWrite refuses a key twice).
    const latest = new Map(numbers.map((n) => [n.phone, n]));
    await batchWriteAll(
      client,
      table,
      [...latest.values()].map((n) => ({
        PutRequest: { Item: { ...keys.ported(n.phone), entity: 'Ported', ...n } },
      })),
    );
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
      for (const item of page) {
        const carrier = String(item.carrier);
        if (isCarrier(carrier)) ported.set(String(item.phone), carrier);
      }
    }
    return ported;
  },
});
