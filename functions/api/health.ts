import { api } from '#http/api.js';
import { routes } from './routes.js';

export const handler = api(routes.health, async () => ({ status: 200, body: { status: 'ok' } }));
