/** What a partner's answer to a batch means for that batch (contract §8 "We send"). */
export type HandOverResult =
  | { kind: 'accepted'; rejected: { messageId: string; reason: string }[] }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'refused'; reason: string };

export interface PartnerAnswer {
  status?: number;
  /** Network error or timeout, when there is no status. */
  error?: string;
  retryAfter?: string | null;
  body?: unknown;
}

/** How much of a partner's reason for rejecting a message is kept on the message. */
export const MAX_REASON_LENGTH = 200;

const rejectedList = (body: unknown): { messageId: string; reason: string }[] => {
  const list = (body as { rejected?: unknown } | undefined)?.rejected;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    const { messageId, reason } = (entry ?? {}) as { messageId?: unknown; reason?: unknown };
    return typeof messageId === 'string'
      ? [{ messageId, reason: typeof reason === 'string' ? reason.slice(0, MAX_REASON_LENGTH) : 'rejected' }]
      : [];
  });
};

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export const parseRetryAfter = (value: string | null | undefined, now: Date): number | undefined => {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
};

export const classifyAnswer = (answer: PartnerAnswer, now: Date): HandOverResult => {
  const { status } = answer;
  if (status === undefined) return { kind: 'retry', reason: answer.error ?? 'no answer' };
  if (status >= 200 && status < 300) return { kind: 'accepted', rejected: rejectedList(answer.body) };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter, now);
    return {
      kind: 'retry',
      reason: 'throttled (429)',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason: `partner error ${status}` };
  // Redirects are never followed (the signed batch would go wherever they point): a failed attempt.
  if (status >= 300 && status < 400) return { kind: 'retry', reason: `redirect (${status}) not followed` };
  return { kind: 'refused', reason: `rejected by partner (${status})` };
};

export const MAX_ATTEMPTS_PER_PARTNER = 5;

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s, 4 s ... capped at 30 s; Retry-After wins. */
export const backoffMs = (attempt: number, random: () => number, retryAfterMs?: number): number => {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 60_000) + Math.floor(random() * 100);
  const ceiling = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
};
