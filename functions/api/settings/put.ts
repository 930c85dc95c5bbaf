import { settingsDeps } from '#adapters/deps.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

const { settings } = settingsDeps();

export const handler = api(routes.putSettings, async ({ actor, body }) => {
  const saved = { ...body, updatedAt: new Date().toISOString(), updatedBy: actor.userId };
  await settings.put(saved);
  return { status: 200, body: saved };
});
