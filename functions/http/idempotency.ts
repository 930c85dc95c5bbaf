import { createHash } from 'node:crypto';
import { ConflictError, detail, ValidationError } from '../core/errors.js';

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'completed'; requestHash: string; response: StoredResponse }
  | { state: 'in_progress'; requestHash: string };

/** Remembers creating requests by `Idempotency-Key` (contract §1); DynamoDB implements it. */
export interface IdempotencyStore {
  /** Claims the key for this request, or tells what an earlier request with the same key left. */
  claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Frees the key after a failed attempt, so the client may retry it. */
  release(scope: string, key: string): Promise<void>;
}

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

export const requestHash = (method: string, path: string, body: string): string =>
  createHash('sha256').update(`${method} ${path}\n${body}`).digest('hex');

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
