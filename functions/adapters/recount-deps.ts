import type { RecountDeps } from '#core/metrics/recount.js';
import { dynamoDocumentClient } from './clients.js';
import { readConfig, type Config } from './config.js';
import { dynamoRecountStore } from './recount-store.js';

/** The recount's composition root: the CLI, the Lambda and the admin route share it. */
export const recountDeps = (config: Config = readConfig()): RecountDeps => ({
  store: dynamoRecountStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
});
