import { compareRates, type RateComparison } from '../../../functions/core/content/compare.js';
import { byLanguageOrder } from '../content-form.js';

/**
 * The metrics per language variant and per A/B treatment (issue #16), read defensively from the metrics
 * view (`byVariant`, `byTreatment` with `holdout`), which may come as a record by key or as a list of rows,
 * and the comparison of each treatment's unique-click rate with the first treatment's, by the core's own
 * two-proportion test (functions/core/content/compare.ts), so the console says what the API would.
 */
export interface GroupCounts {
  key: string;
  delivered: number;
  clicks: number;
  uniqueClicks: number;
  replies: number;
}

const COUNTS = ['delivered', 'clicks', 'uniqueClicks', 'replies'] as const;

const countsOf = (key: string, value: unknown): GroupCounts | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const read = (name: string): number => {
    const found: unknown = (value as Record<string, unknown>)[name];
    return typeof found === 'number' && Number.isFinite(found) ? found : 0;
  };
  const row = { key, delivered: 0, clicks: 0, uniqueClicks: 0, replies: 0 };
  for (const name of COUNTS) row[name] = read(name);
  return row;
};

/** Rows of a `byVariant` / `byTreatment` value: `{ vi: {...} }` or `[{ language: 'vi', ... }]`. */
export const groupRows = (value: unknown, keyField: 'language' | 'treatment'): GroupCounts[] => {
  if (Array.isArray(value)) {
    return value.flatMap((row: unknown) => {
      if (typeof row !== 'object' || row === null) return [];
      const key: unknown = (row as Record<string, unknown>)[keyField] ?? (row as Record<string, unknown>).id;
      const counts = typeof key === 'string' ? countsOf(key, row) : undefined;
      return counts ? [counts] : [];
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, row]) => {
      const counts = countsOf(key, row);
      return counts ? [counts] : [];
    });
  }
  return [];
};

/** The per-variant and per-treatment rows of a metrics view, when it has them; the holdout last. */
export const contentMetricsOf = (
  metrics: object,
): { byVariant: GroupCounts[]; byTreatment: GroupCounts[] } => {
  const record = metrics as Record<string, unknown>;
  const byTreatment = groupRows(record.byTreatment, 'treatment');
  const holdout = byTreatment.filter((row) => row.key === 'holdout');
  return {
    byVariant: groupRows(record.byVariant, 'language').sort((a, b) => byLanguageOrder(a.key, b.key)),
    byTreatment: [...byTreatment.filter((row) => row.key !== 'holdout'), ...holdout],
  };
};

export interface TreatmentComparison extends RateComparison {
  a: string;
  b: string;
}

/** Each treatment after the first against the first (A), by unique clicks over delivered. */
export const treatmentComparisons = (rows: readonly GroupCounts[]): TreatmentComparison[] => {
  const treatments = rows.filter((row) => row.key !== 'holdout');
  const [first, ...others] = treatments;
  if (!first) return [];
  return others.flatMap((other) => {
    const comparison = compareRates(
      { successes: first.uniqueClicks, trials: first.delivered },
      { successes: other.uniqueClicks, trials: other.delivered },
    );
    return comparison ? [{ ...comparison, a: first.key, b: other.key }] : [];
  });
};

/** Percentage points with one decimal in the reader's language: 0.03 → `3,0` (vi), `3.0` (en). */
export const points = (fraction: number, lang: 'vi' | 'en'): string =>
  new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(fraction * 100);

export interface ComparisonWords {
  higher: (b: string, a: string, diff: string, low: string, high: string) => string;
  lower: (b: string, a: string, diff: string, low: string, high: string) => string;
  equal: (b: string, a: string, low: string, high: string) => string;
  notEnough: string;
}

/** "B cao hơn A 3,0 điểm phần trăm (khoảng tin cậy 95 %: 0,2 đến 5,8)", or "chưa đủ dữ liệu". */
export const describeComparison = (
  comparison: TreatmentComparison,
  words: ComparisonWords,
  lang: 'vi' | 'en',
): string => {
  if (!comparison.reliable) return `${comparison.b} – ${comparison.a}: ${words.notEnough}`;
  const low = points(comparison.low, lang);
  const high = points(comparison.high, lang);
  const diff = points(Math.abs(comparison.difference), lang);
  if (diff === points(0, lang)) return words.equal(comparison.b, comparison.a, low, high);
  return (comparison.difference > 0 ? words.higher : words.lower)(
    comparison.b,
    comparison.a,
    diff,
    low,
    high,
  );
};
