/** The answer kept for an `Idempotency-Key` (contract §1), replayed to a retry. */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Whose key it is and for which route: a key counts once per caller and route. */
export interface IdempotencyScope {
  userId: string;
  routeId: string;
}

export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'completed'; requestHash: string; response: StoredResponse }
  | { state: 'in_progress'; requestHash: string };

/** Remembers creating requests by `Idempotency-Key` (contract §1); DynamoDB implements it. */
export interface IdempotencyStore {
  /** Claims the key for this request, or tells what an earlier request with the same key left. */
  claim(scope: IdempotencyScope, key: string, requestHash: string): Promise<IdempotencyClaim>;
  complete(scope: IdempotencyScope, key: string, response: StoredResponse): Promise<void>;
  /** Frees the key after a failed attempt, so the client may retry it. */
  release(scope: IdempotencyScope, key: string): Promise<void>;
}
