import type { LinkDeps } from '#core/links.js';
import { dynamoDocumentClient } from './clients.js';
import { readConfig, type Config } from './config.js';
import { dynamoLinkStore } from './link-store.js';

/** The short links area's composition root (contract §9: following a recipient's link). */
export const linkDeps = (config: Config = readConfig()): LinkDeps => ({
  ...dynamoLinkStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
});
