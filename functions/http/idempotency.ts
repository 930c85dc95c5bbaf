import { createHash } from 'node:crypto';
import { ConflictError, detail, ValidationError } from '#core/errors.js';
import type { IdempotencyClaim, StoredResponse } from '#core/idempotency.js';

export type {
  IdempotencyClaim,
  IdempotencyScope,
  IdempotencyStore,
  StoredResponse,
} from '#core/idempotency.js';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export const idempotencyKeyOf = (headers: Record<string, string>): string | undefined => {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError('Invalid Idempotency-Key header', [
      detail('Idempotency-Key', 'invalid_idempotency_key'),
    ]);
  }
  return key;
};

/** Over the body's bytes, so two binary bodies (an .xlsx) never hash alike; text hashes as its UTF-8. */
export const requestHash = (method: string, path: string, body: string | Uint8Array): string =>
  createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');

/** What to do with a claim: replay the first response, run the request, or refuse. */
export const replayOrProceed = (claim: IdempotencyClaim, hash: string): StoredResponse | undefined => {
  if (claim.state === 'claimed') return undefined;
  if (claim.requestHash !== hash) {
    throw new ConflictError('This Idempotency-Key was already used with a different request');
  }
  if (claim.state === 'in_progress') {
    throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly');
  }
  return claim.response;
};
