import { dynamoDocumentClient, tableName } from '../../adapters/clients.js';
import { dynamoSettingsStore } from '../../adapters/settings-store.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const settings = dynamoSettingsStore(dynamoDocumentClient(), tableName());

export const handler = api(routes.putSettings, async ({ actor, body }) => {
  const saved = { ...body, updatedAt: new Date().toISOString(), updatedBy: actor.userId };
  await settings.put(saved);
  return { status: 200, body: saved };
});
