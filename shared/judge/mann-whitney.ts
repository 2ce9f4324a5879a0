import { ValidationError } from '../config/validation';
import { erfc, normalQuantile } from './normal';
import { PairwiseDifferences } from './pairwise-differences';
import type { Sample } from './sample';
import type { MannWhitneyOptions, MannWhitneyResult } from './types';

/**
 * Mann-Whitney / Wilcoxon rank-sum comparison of canary against baseline (shift = canary - baseline), the
 * statistics behind Kayenta's NetflixACAJudge with the improvements of judge-spec.md:
 * - interval ends are exact pairwise differences canary[i] - baseline[j] (Kayenta and R stop a root finder at
 *   an absolute 1e-4, which can exceed the spread of small-unit metrics);
 * - the estimate is the Hodges-Lehmann median of all pairwise differences;
 * - a two-sided p-value for shift 0 (normal approximation, tie- and continuity-corrected, like R's
 *   wilcox.test(exact = FALSE, correct = TRUE));
 * - O(n + m) memory: everything is counted on the two sorted samples, the n·m differences are never built.
 */

/**
 * Every observation ties at the shift asked for, so the rank statistic has no variance. Thrown by shiftStatistic
 * (Kayenta's wilcoxonDiff, which Kayenta's classifier turns into an "Error" classification); mannWhitney's exact
 * formulation never divides by a zero sigma.
 */
export class AllTiedError extends Error {
  override readonly name = 'AllTiedError';
  constructor() {
    super('cannot compute the Mann-Whitney test when all observations are tied (zero variance)');
  }
}

const DEFAULT_CONFIDENCE_LEVEL = 0.98;

/** Throws a ValidationError naming the first element that is not a finite number (an empty sample too). */
function checkFinite(values: readonly number[], field: string): void {
  if (!Array.isArray(values)) {
    throw new ValidationError('Mann-Whitney input', [{ path: field, message: 'must be an array of numbers' }]);
  }
  if (values.length === 0) {
    throw new ValidationError('Mann-Whitney input', [{ path: field, message: 'must not be empty' }]);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError('Mann-Whitney input', [
        { path: `${field}[${i}]`, message: `must be a finite number (got ${String(v)}); remove or replace NaN first` },
      ]);
    }
  }
}

function sortedFinite(values: readonly number[], field: string): Float64Array {
  checkFinite(values, field);
  return Float64Array.from(values).sort();
}

function checkedConfidenceLevel(level: unknown): number {
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    throw new ValidationError('Mann-Whitney options', [
      { path: 'confidenceLevel', message: `must be a number strictly between 0 and 1 (got ${String(level)})` },
    ]);
  }
  return level;
}

/** sum of t^3 - t over the runs of equal values of an ascending sample (exact while t^3 < 2^53). */
function tieSum(sorted: Float64Array): number {
  let sum = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) {
      run++;
    } else {
      sum += run * run * run - run;
      run = 1;
    }
  }
  return sum;
}

/** The tie-corrected standard deviation of the rank-sum statistic (R's and Kayenta's formula and order of operations). */
function rankSigma(n: number, m: number, ties: number): number {
  return Math.sqrt(((n * m) / 12) * (n + m + 1 - ties / ((n + m) * (n + m - 1))));
}

/** (dz - 0.5·sign(dz)) / sigma - q: the continuity-corrected statistic Kayenta and R solve for zero. */
function corrected(dz: number, sigma: number, q: number): number {
  return (dz - 0.5 * Math.sign(dz)) / sigma - q;
}

/**
 * dz and sigma of the sample (x - shift, y): dz = U - n·m/2 with U = #{x - shift > y} + #{x - shift = y}/2, and
 * sigma with the ties of the combined sample. x and y ascending; merged in one pass.
 */
function statisticAtShift(x: Float64Array, y: Float64Array, shift: number): { dz: number; sigma: number } {
  const n = x.length;
  const m = y.length;
  let u = 0;
  let ties = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const xv = i < n ? x[i] - shift : Infinity;
    const value = j < m && y[j] < xv ? y[j] : xv;
    const yBelow = j;
    let xRun = 0;
    while (i < n && x[i] - shift === value) {
      i++;
      xRun++;
    }
    let yRun = 0;
    while (j < m && y[j] === value) {
      j++;
      yRun++;
    }
    u += xRun * yBelow + 0.5 * xRun * yRun;
    const run = xRun + yRun;
    ties += run * run * run - run;
  }
  return { dz: u - (n * m) / 2, sigma: rankSigma(n, m, ties) };
}

/**
 * Kayenta's wilcoxonDiff: the continuity-corrected statistic F(shift, quantile) of canary shifted by `shift`
 * against baseline, ranking (canary[i] - shift) among baseline with average ranks. Exposed for checking against
 * Kayenta's suite; mannWhitney does not need it. Throws AllTiedError when every observation ties at this shift.
 */
export function shiftStatistic(baseline: number[], canary: number[], shift: number, quantile = 0): number {
  if (!Number.isFinite(shift) || !Number.isFinite(quantile)) {
    throw new ValidationError('Mann-Whitney input', [
      { path: Number.isFinite(shift) ? 'quantile' : 'shift', message: 'must be a finite number' },
    ]);
  }
  const { dz, sigma } = statisticAtShift(sortedFinite(canary, 'canary'), sortedFinite(baseline, 'baseline'), shift);
  if (sigma === 0) throw new AllTiedError();
  return corrected(dz, sigma, quantile);
}

/**
 * The smallest count c in [1, pairs] of differences at or below a candidate D for which the statistic just above D
 * is <= 0 — there U = pairs - c and only the ties within each sample enter sigma. F falls as c grows, so bisect.
 * undefined when even c = pairs leaves F > 0.
 */
function firstCountAtOrBelowZero(pairs: number, sigma: number, q: number): number | undefined {
  const f = (c: number) => corrected(pairs - c - pairs / 2, sigma, q);
  if (f(pairs) > 0) return undefined;
  let lo = 1;
  let hi = pairs;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (f(mid) <= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The (k+1)-th smallest difference given the k-th, in one sweep instead of another selection. */
function nextOrderStatistic(differences: PairwiseDifferences, kth: number, k: number): number {
  return differences.countAtMost(kth) > k ? kth : differences.smallestAbove(kth);
}

/**
 * Whether the interval at this confidence level is narrower than the whole range of pairwise differences: with few
 * points the rank statistic cannot reach the level's quantile, the lower end is then the smallest difference and the
 * upper the largest, and an interval that excludes 0 means only "every canary point above (below) every baseline
 * point", not the level asked for (1 against 5 points, or 2 against 3, at 98 %).
 */
export function levelAttainable(baseline: Sample, canary: Sample, confidenceLevel: number): boolean {
  const pairs = baseline.sorted.length * canary.sorted.length;
  const sigma = rankSigma(
    canary.sorted.length,
    baseline.sorted.length,
    tieSum(canary.sorted) + tieSum(baseline.sorted),
  );
  if (pairs < 2 || sigma === 0) return false;
  // the statistic just above the smallest difference (one difference at or below it) must still exceed the quantile
  return corrected(pairs - 1 - pairs / 2, sigma, -normalQuantile((1 - confidenceLevel) / 2)) > 0;
}

/** Whether an exact Mann-Whitney test on these sample sizes can reach a confidence level at all. */
export interface ExactLevelAttainability {
  attainable: boolean;
  /** 2 / C(n + m, n): the two-sided p-value when every point of one sample is above every point of the other. */
  smallestPValue: number;
  /** 1 - smallestPValue: the highest two-sided confidence level the sample sizes can support. */
  highestConfidenceLevel: number;
}

/**
 * Whether `confidenceLevel` is attainable by the exact Mann-Whitney test with `baselineCount` and `canaryCount`
 * points, whatever the values: the smallest two-sided p-value is 2 / C(n + m, n) (the one-sided one half of it).
 * The interval at level c excludes 0 on one side only where that side's one-sided p is below (1 - c) / 2, so the
 * same bound holds for a metric judged in one direction. Ties only raise the smallest p. `levelAttainable` (the
 * normal-approximation interval's own bound) is never looser: when this says no, the interval is every difference.
 */
export function exactLevelAttainability(
  baselineCount: number,
  canaryCount: number,
  confidenceLevel: number,
): ExactLevelAttainability {
  const level = checkedConfidenceLevel(confidenceLevel);
  for (const [path, count] of [
    ['baselineCount', baselineCount],
    ['canaryCount', canaryCount],
  ] as const) {
    if (!Number.isInteger(count) || count < 1) {
      throw new ValidationError('Mann-Whitney sample sizes', [
        { path, message: `must be a whole number of at least 1 (got ${String(count)})` },
      ]);
    }
  }
  // C(n + m, k) with k the smaller size, as a running product (Infinity for huge sizes: p underflows to 0, as it should)
  const k = Math.min(baselineCount, canaryCount);
  const n = baselineCount + canaryCount;
  let arrangements = 1;
  for (let i = 1; i <= k; i++) arrangements = (arrangements * (n - k + i)) / i;
  const smallestPValue = Math.min(1, 2 / arrangements);
  // relative slack for 1 - level's rounding: 2 against 3 points do reach 80 % (p = 0.2 = 1 - 0.8 exactly)
  const attainable = smallestPValue <= (1 - level) * (1 + 1e-9);
  return { attainable, smallestPValue, highestConfidenceLevel: 1 - smallestPValue };
}

/** Mean of two neighbouring order statistics, without overflowing for values near the float64 limit. */
function midpoint(a: number, b: number): number {
  const mid = (a + b) / 2;
  return Number.isFinite(mid) ? mid : a / 2 + b / 2;
}

/**
 * Compare canary with baseline. Both samples must be non-empty arrays of finite numbers (NaN and ±Infinity are
 * rejected with a ValidationError naming the element; the judge removes or replaces NaN before calling this).
 * All observations tied is not an error here (every difference is 0, p = 1): the interval ends are taken between
 * neighbouring differences, where sigma > 0 always, and the p-value's statistic is exactly 0.
 *
 * - lower / upper: the pairwise differences where the continuity-corrected statistic just above them first
 *   drops to <= 0 at q = +|z| and q = -|z|, z = Phi^-1((1 - confidenceLevel) / 2) (judge-spec "Exact interval
 *   ends"); lower <= upper.
 * - estimate: median of the n·m differences (mean of the two middle ones when n·m is even).
 * - pValue: erfc(|z0| / sqrt 2), z0 the tie- and continuity-corrected statistic at shift 0.
 */
export function mannWhitney(baseline: number[], canary: number[], options: MannWhitneyOptions = {}): MannWhitneyResult {
  const confidenceLevel = checkedConfidenceLevel(options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL);
  const y = sortedFinite(baseline, 'baseline');
  const x = sortedFinite(canary, 'canary');
  return compareSorted(y, x, confidenceLevel);
}

/** mannWhitney on samples that are already sorted (the judge's): the same checks and result, without another sort. */
export function mannWhitneySamples(
  baseline: Sample,
  canary: Sample,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const confidenceLevel = checkedConfidenceLevel(options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL);
  checkFinite(baseline.values, 'baseline');
  checkFinite(canary.values, 'canary');
  return compareSorted(baseline.sorted, canary.sorted, confidenceLevel);
}

/** y = baseline, x = canary: ascending, finite and non-empty. */
function compareSorted(y: Float64Array, x: Float64Array, confidenceLevel: number): MannWhitneyResult {
  const differences = new PairwiseDifferences(x, y);
  if (!Number.isFinite(differences.min) || !Number.isFinite(differences.max)) {
    throw new ValidationError('Mann-Whitney input', [
      { path: 'canary', message: 'canary - baseline differences overflow float64 (values too large)' },
    ]);
  }

  // dz = 0 is the centre of the null distribution whatever sigma is; when every observation ties, sigma = 0 and
  // dz = 0 together, and p = 1 (reference/mann-whitney.json), not Kayenta's exception.
  const atZero = statisticAtShift(x, y, 0);
  const z0 = atZero.dz === 0 ? 0 : corrected(atZero.dz, atZero.sigma, 0);
  const pValue = erfc(Math.abs(z0) / Math.SQRT2);

  const n = x.length;
  const m = y.length;
  const pairs = differences.size;
  // Between two neighbouring differences no canary value - d ties a baseline value: only within-sample ties count.
  const sigma = rankSigma(n, m, tieSum(x) + tieSum(y));
  const zq = -normalQuantile((1 - confidenceLevel) / 2);
  const lowerCount = firstCountAtOrBelowZero(pairs, sigma, zq);
  const upperCount = firstCountAtOrBelowZero(pairs, sigma, -zq);
  // lowerCount always exists: just above the largest difference F = -0.5·(n·m - 1)/sigma - |z| < 0.
  const lower = differences.kth(lowerCount ?? pairs);
  const upper = upperCount === undefined ? differences.max : differences.kth(upperCount);

  const half = Math.floor(pairs / 2);
  const middle = differences.kth(half + (pairs % 2));
  const estimate = pairs % 2 === 1 ? middle : midpoint(middle, nextOrderStatistic(differences, middle, half));

  return { estimate, lower, upper, pValue, baselineCount: m, canaryCount: n, confidenceLevel };
}
