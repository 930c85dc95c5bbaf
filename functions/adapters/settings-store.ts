import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_SETTINGS, type Settings, type SettingsStore } from '../core/settings.js';
import { keys } from './table.js';

export const dynamoSettingsStore = (client: DynamoDBDocumentClient, table: string): SettingsStore => ({
  async get() {
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: keys.settings }));
    return Item
      ? {
          frequencyCap: Item.frequencyCap as Settings['frequencyCap'],
          updatedAt: String(Item.updatedAt),
          updatedBy: String(Item.updatedBy),
        }
      : DEFAULT_SETTINGS;
  },
  async put(settings) {
    await client.send(
      new PutCommand({ TableName: table, Item: { ...keys.settings, entity: 'Settings', ...settings } }),
    );
  },
});
