import { mean, sampleVariance } from 'simple-statistics';
import type { Sample } from './sample';
import type { SampleStats } from './types';

/** Descriptive statistics of a (NaN-free) sample, as Kayenta's judge reports them. */

function sortedCopy(values: readonly number[]): Float64Array {
  const sorted = Float64Array.from(values);
  for (let i = 0; i < sorted.length; i++) {
    if (Number.isNaN(sorted[i])) {
      throw new RangeError(`percentile: values[${i}] is NaN; remove or replace NaN first`);
    }
  }
  return sorted.sort();
}

/** R-7 percentile of ascending values, in Kayenta's order of operations (bit-compatible with its results). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100] (got ${p})`);
  const n = sorted.length;
  if (n === 0) return NaN;
  // 1-based position h = (n - 1)·p/100 + 1, linear interpolation between its neighbours, clamped at the ends.
  const h = ((n - 1) * p) / 100 + 1;
  const below = Math.floor(h);
  if (below >= n) return sorted[n - 1];
  return sorted[below - 1] + (h - below) * (sorted[below] - sorted[below - 1]);
}

/**
 * R-7 (linear interpolation, NumPy's default) percentile, p in [0, 100]: Kayenta's DescriptiveStatistics.percentile.
 * Empty → NaN; one value → that value. Values must not contain NaN.
 */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(sortedCopy(values), p);
}

const emptyStats = (): SampleStats => ({ count: 0, min: 0, max: 0, mean: 0, median: 0, std: 0 });

/**
 * count, min, max, mean, median (R-7 50th percentile) and sample (n - 1) standard deviation; 0 for one point.
 * An empty sample gives all zeros (Kayenta's metadata for a metric without data).
 */
export function summaryStats(values: readonly number[]): SampleStats {
  if (values.length === 0) return emptyStats();
  return statsOf(values, sortedCopy(values));
}

/** summaryStats of a NaN-free sample, on its existing sort. */
export function sampleStats(sample: Sample): SampleStats {
  if (sample.values.length === 0) return emptyStats();
  return statsOf(sample.values, sample.sorted);
}

/** The sums run over `values` in their own order (their rounding depends on it); the rest reads `sorted`. */
function statsOf(values: readonly number[], sorted: Float64Array): SampleStats {
  const count = values.length;
  return {
    count,
    min: sorted[0],
    max: sorted[count - 1],
    mean: mean(values as number[]),
    median: percentileOfSorted(sorted, 50),
    std: count === 1 ? 0 : Math.sqrt(sampleVariance(values as number[])),
  };
}
