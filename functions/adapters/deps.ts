import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { AudienceDeps } from '../core/audience-service.js';
import type { OptOutDeps } from '../core/opt-out-service.js';
import type { PartnerDeps } from '../core/partner-service.js';
import type { ApiOptions } from '../http/api.js';
import { dynamoAudienceStore } from './audience-store.js';
import { dynamoDocumentClient, tableName } from './clients.js';
import { webhookUrlPolicy } from './config.js';
import { dynamoIdempotencyStore } from './idempotency-store.js';
import { dynamoOptOutStore } from './opt-out-store.js';
import { dynamoPartnerStore } from './partner-store.js';

/** Wires use cases to their AWS adapters; handlers call these once, at module scope. */

/** Contract §3: `whsec_` + 32 random bytes, base64 (the Standard Webhooks secret format). */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export const partnerDeps = (): PartnerDeps => ({
  store: dynamoPartnerStore(dynamoDocumentClient(), tableName()),
  now: () => new Date(),
  newSecret: newSigningSecret,
  webhookPolicy: webhookUrlPolicy(),
});

/** ULIDs that keep increasing within one millisecond, so ids made together still sort by creation. */
const newUlid = monotonicFactory();

export const audienceDeps = (): AudienceDeps => ({
  store: dynamoAudienceStore(dynamoDocumentClient(), tableName()),
  now: () => new Date(),
  newId: () => newUlid(),
});

export const optOutDeps = (): OptOutDeps => ({
  store: dynamoOptOutStore(dynamoDocumentClient(), tableName()),
  now: () => new Date(),
});

export const apiOptions = (): ApiOptions => ({
  idempotency: dynamoIdempotencyStore(dynamoDocumentClient(), tableName()),
});
