import { randomBytes } from 'node:crypto';
import type { PartnerDeps } from '../core/partner-service.js';
import type { ApiOptions } from '../http/api.js';
import { dynamoDocumentClient, tableName } from './clients.js';
import { dynamoIdempotencyStore } from './idempotency-store.js';
import { dynamoPartnerStore } from './partner-store.js';

/** Wires use cases to their AWS adapters; handlers call these once, at module scope. */

/** Contract §3: `whsec_` + 32 random bytes, base64 (the Standard Webhooks secret format). */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export const partnerDeps = (): PartnerDeps => ({
  store: dynamoPartnerStore(dynamoDocumentClient(), tableName()),
  now: () => new Date(),
  newSecret: newSigningSecret,
});

export const apiOptions = (): ApiOptions => ({
  idempotency: dynamoIdempotencyStore(dynamoDocumentClient(), tableName()),
});
