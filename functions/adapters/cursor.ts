import { ValidationError } from '../core/errors.js';

/** List cursors are the DynamoDB LastEvaluatedKey, base64url-encoded JSON: opaque to callers. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

export const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through to the validation error below
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'is not a cursor this API returned' },
  ]);
};
