import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MigrationStore } from '#core/province-migration.js';
import { schemaVersionCodec } from './table/records.js';

/** The table's data model version: one item, absent (version 0) in a table from before migrations. */
export const dynamoSchemaStore = (
  client: DynamoDBDocumentClient,
  table: string,
): Pick<MigrationStore, 'schemaVersion' | 'setSchemaVersion'> => ({
  async schemaVersion() {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: schemaVersionCodec.key, ConsistentRead: true }),
    );
    return Item ? schemaVersionCodec.fromItem(Item) : 0;
  },
  async setSchemaVersion(version) {
    await client.send(new PutCommand({ TableName: table, Item: schemaVersionCodec.toItem(version) }));
  },
});
