import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_SETTINGS, type SettingsStore } from '#core/settings.js';
import { settingsCodec } from './table/records.js';

export const dynamoSettingsStore = (client: DynamoDBDocumentClient, table: string): SettingsStore => ({
  async get() {
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: settingsCodec.key }));
    return Item ? settingsCodec.fromItem(Item) : DEFAULT_SETTINGS;
  },
  async put(settings) {
    await client.send(new PutCommand({ TableName: table, Item: settingsCodec.toItem(settings) }));
  },
});
