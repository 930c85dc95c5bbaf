import { dynamoDocumentClient, tableName } from '../../adapters/clients.js';
import { dynamoSettingsStore } from '../../adapters/settings-store.js';
import { api } from '../../http/api.js';
import { routes } from '../routes.js';

const settings = dynamoSettingsStore(dynamoDocumentClient(), tableName());

export const handler = api(routes.getSettings, async () => ({ status: 200, body: await settings.get() }));
