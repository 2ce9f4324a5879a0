import { quantileSorted } from 'simple-statistics';

/** Tukey box-plot numbers of a sample (quartiles by R's type 7, whiskers at the last points within 1.5 IQR). */

export interface BoxStats {
  count: number;
  q1: number;
  median: number;
  q3: number;
  whiskerLow: number;
  whiskerHigh: number;
  min: number;
  max: number;
}

export function boxStats(sorted: readonly number[]): BoxStats | undefined {
  if (sorted.length === 0) return undefined;
  const q1 = quantileSorted(sorted, 0.25);
  const median = quantileSorted(sorted, 0.5);
  const q3 = quantileSorted(sorted, 0.75);
  const fence = 1.5 * (q3 - q1);
  const whiskerLow = sorted.find((v) => v >= q1 - fence) ?? sorted[0];
  const whiskerHigh = [...sorted].reverse().find((v) => v <= q3 + fence) ?? sorted[sorted.length - 1];
  return {
    count: sorted.length,
    q1,
    median,
    q3,
    whiskerLow,
    whiskerHigh,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

export function sortedFinite(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}
