import { monotonicFactory } from 'ulid';
import type { SubscriberDeps } from '#core/subscriber-data.js';
import { dynamoDocumentClient } from './clients.js';
import { optOutHashKey, readConfig, type Config } from './config.js';
import { phoneHasher } from './opt-out-store.js';
import { dynamoPersonalDataStore } from './subscriber-store.js';

const newUlid = monotonicFactory();

/** The composition root of a subscriber's personal data: export and erasure (docs/personal-data.md). */
export const subscriberDeps = (config: Config = readConfig()): SubscriberDeps => {
  const clock = { now: () => new Date(), newId: () => newUlid() };
  return {
    ...clock,
    store: dynamoPersonalDataStore(
      dynamoDocumentClient(),
      config.TABLE_NAME,
      clock,
      phoneHasher(optOutHashKey(config)),
    ),
  };
};
