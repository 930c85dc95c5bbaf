/**
 * A/B treatments and the holdout (issue #16): who gets which, decided by a hash of the campaign and the
 * phone alone, so a restart, a retry or a second materialisation never moves a person, and the console can
 * show the same split. Import-free.
 */

export const TREATMENT_IDS = ['A', 'B', 'C', 'D'] as const;
export type TreatmentId = (typeof TREATMENT_IDS)[number];
export const HOLDOUT = 'holdout';
export type Group = TreatmentId | typeof HOLDOUT;

/** Most of a campaign that may be held out: a control group, not the campaign. */
export const MAX_HOLDOUT_PERCENT = 50;

export interface Split {
  /** Whole percent held out (receives nothing), 0 when absent. */
  holdoutPercent: number;
  /** Treatments with whole percentages; with the holdout they add up to 100. None = one treatment `A`. */
  treatments: readonly { id: TreatmentId; percent: number }[];
}

/** Buckets of 0.01 %: a percent is 100 buckets. */
export const BUCKETS = 10_000;

/**
 * 32-bit FNV-1a over the UTF-16 units, then MurmurHash3's finaliser so that phones differing in their
 * last digit land far apart.
 */
const hash32 = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** A phone's bucket in a campaign, 0 ≤ bucket < BUCKETS. */
export const bucketOf = (campaignId: string, phone: string): number =>
  hash32(`${campaignId}\u0000${phone}`) % BUCKETS;

/** The treatments a split assigns, the implicit `A` when it has none. */
export const treatmentsOf = (split: Split): readonly { id: TreatmentId; percent: number }[] =>
  split.treatments.length ? split.treatments : [{ id: 'A', percent: 100 - split.holdoutPercent }];

/** The group of a phone: the holdout takes the first buckets, then each treatment in order. */
export const groupOf = (split: Split, campaignId: string, phone: string): Group => {
  const bucket = bucketOf(campaignId, phone);
  let upTo = split.holdoutPercent * 100;
  if (bucket < upTo) return HOLDOUT;
  const treatments = treatmentsOf(split);
  for (const treatment of treatments) {
    upTo += treatment.percent * 100;
    if (bucket < upTo) return treatment.id;
  }
  // Only a split that does not add up to 100 gets here: the last treatment takes the rest.
  return treatments[treatments.length - 1]?.id ?? 'A';
};

export type SplitProblem =
  | { code: 'treatment_percent_sum'; total: number }
  | { code: 'duplicate_treatment'; id: string }
  | { code: 'holdout_too_large'; maximum: number };

/** Why a split cannot be used, if it cannot: treatments and holdout must add up to exactly 100. */
export const splitProblem = (split: Split): SplitProblem | undefined => {
  if (split.holdoutPercent > MAX_HOLDOUT_PERCENT) {
    return { code: 'holdout_too_large', maximum: MAX_HOLDOUT_PERCENT };
  }
  const seen = new Set<string>();
  for (const { id } of split.treatments) {
    if (seen.has(id)) return { code: 'duplicate_treatment', id };
    seen.add(id);
  }
  if (!split.treatments.length) return undefined;
  const total = split.treatments.reduce((sum, t) => sum + t.percent, 0) + split.holdoutPercent;
  return total === 100 ? undefined : { code: 'treatment_percent_sum', total };
};
