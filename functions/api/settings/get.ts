import { settingsDeps } from '#adapters/deps.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const { settings } = settingsDeps();

export const handler = api(routes.getSettings, async () => ({ status: 200, body: await settings.get() }));
