/**
 * Comparing two treatments' click rates (issue #16): the two-proportion z-test, with a Wald interval for
 * the difference. Enough for the sizes of a provincial campaign (thousands per group); for groups with
 * fewer than 5 successes or failures the normal approximation is poor and `reliable` says so.
 */

export interface Proportion {
  successes: number;
  trials: number;
}

export interface RateComparison {
  /** rate(b) − rate(a), as a fraction. */
  difference: number;
  /** The 95 % confidence interval of the difference (unpooled standard error). */
  low: number;
  high: number;
  /** The z statistic with the pooled standard error, and its two-sided p-value. */
  z: number;
  pValue: number;
  /** False when a group has fewer than 5 successes or 5 failures. */
  reliable: boolean;
}

export const TEST_NAME = 'two-proportion z-test (pooled), 95 % Wald interval for the difference';

const Z_95 = 1.959963984540054;

/** erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
const erf = (x: number): number => {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-x * x));
};

const normalCdf = (z: number): number => 0.5 * (1 + erf(z / Math.SQRT2));

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** b against a; undefined when either has no trials. */
export const compareRates = (a: Proportion, b: Proportion): RateComparison | undefined => {
  if (a.trials <= 0 || b.trials <= 0) return undefined;
  const pa = a.successes / a.trials;
  const pb = b.successes / b.trials;
  const difference = pb - pa;
  const se = Math.sqrt((pa * (1 - pa)) / a.trials + (pb * (1 - pb)) / b.trials);
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  const z = sePooled === 0 ? 0 : difference / sePooled;
  const reliable = [a, b].every((p) => p.successes >= 5 && p.trials - p.successes >= 5);
  return {
    difference: round(difference),
    low: round(difference - Z_95 * se),
    high: round(difference + Z_95 * se),
    z: round(z),
    pValue: round(2 * (1 - normalCdf(Math.abs(z)))),
    reliable,
  };
};
