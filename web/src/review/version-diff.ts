import { reviewedVersion } from '../../../functions/core/reviewed-version.js';
import type { Campaign, Schemas } from '../api/client.js';

export type ReviewedVersion = Schemas['ReviewedVersion'];
export type ReviewedField = keyof ReviewedVersion;

/** The reviewed fields in the order the review page lists them. */
export const REVIEWED_FIELDS = [
  'name',
  'message',
  'variants',
  'treatments',
  'holdoutPercent',
  'audienceIds',
  'filters',
  'schedule',
  'sendingWindow',
  'partnerIds',
  'timeZone',
  'clickTracking',
] as const satisfies readonly ReviewedField[];

/** The version under review, in the same shape as the one a rejection kept (the core's own rule). */
export const versionOf = (campaign: Campaign): ReviewedVersion => reviewedVersion(campaign);

/** Lists whose order means nothing (a set of audiences, partners, provinces) compare sorted. */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    return items.every((item) => typeof item === 'string') ? [...items].sort() : items;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
};

const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

export interface FieldChange<K extends ReviewedField = ReviewedField> {
  field: K;
  before: ReviewedVersion[K];
  after: ReviewedVersion[K];
}

/** The fields that differ between the rejected version and the one now under review, in REVIEWED_FIELDS order. */
export const changedFields = (before: ReviewedVersion, after: ReviewedVersion): FieldChange[] =>
  REVIEWED_FIELDS.filter((field) => !same(before[field], after[field])).map((field) => ({
    field,
    before: before[field],
    after: after[field],
  }));

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };

/** Words and the spaces between them, so a diff keeps the text's own spacing and line breaks. */
const tokens = (text: string): string[] => text.match(/\s+|[^\s]+/gu) ?? [];

/**
 * A word-level diff (longest common subsequence of words and spaces): reading the `same` and `removed` parts
 * gives `before`, the `same` and `added` parts give `after`. Neighbouring parts of one kind are joined, and
 * within a change the removed part comes first.
 */
export const diffWords = (before: string, after: string): DiffPart[] => {
  const a = tokens(before);
  const b = tokens(after);
  const width = b.length + 1;
  // common[i * width + j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = new Int32Array((a.length + 1) * width);
  const at = (i: number, j: number): number => common[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const ops: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const left = a[i];
    const right = b[j];
    if (left !== undefined && left === right) {
      ops.push({ kind: 'same', text: left });
      i++;
      j++;
    } else if (left !== undefined && (right === undefined || at(i + 1, j) >= at(i, j + 1))) {
      ops.push({ kind: 'removed', text: left });
      i++;
    } else {
      ops.push({ kind: 'added', text: right ?? '' });
      j++;
    }
  }
  return joinChanges(ops);
};

const isSpace = (part: DiffPart | undefined) => part?.kind === 'same' && /^\s+$/u.test(part.text);
const isChange = (part: DiffPart | undefined) => part !== undefined && part.kind !== 'same';

/**
 * Joins a run of changes into one removed and one added part; a space kept between two changed words
 * belongs to the change (else "a b" → "x y" reads as four changes of one word each).
 */
const joinChanges = (ops: readonly DiffPart[]): DiffPart[] => {
  const parts: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed) parts.push({ kind: 'removed', text: removed });
    if (added) parts.push({ kind: 'added', text: added });
    removed = '';
    added = '';
  };
  ops.forEach((op, k) => {
    const inChange = isSpace(op) && isChange(ops[k - 1]) && isChange(ops[k + 1]);
    if (op.kind === 'removed' || inChange) removed += op.text;
    if (op.kind === 'added' || inChange) added += op.text;
    if (op.kind === 'same' && !inChange) {
      flush();
      const last = parts[parts.length - 1];
      if (last?.kind === 'same') last.text += op.text;
      else parts.push({ kind: 'same', text: op.text });
    }
  });
  flush();
  return parts;
};
