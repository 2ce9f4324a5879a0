import type { NanStrategy } from './canary-config';
import { iqrOutliers, iqrTest, kSigmaOutliers, kSigmaTest } from './outliers';
import { sampleOf, type Sample } from './sample';

/** Kayenta's preprocessing of one sample (NaN step, then outliers); pure, order-preserving, input untouched. */

/** Drop NaN entries (Kayenta nanStrategy "remove"). */
export function removeNaN(values: readonly number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}

/** Replace NaN entries with `replacement` (Kayenta nanStrategy "replace" uses 0). */
export function replaceNaN(values: readonly number[], replacement = 0): number[] {
  return values.map((v) => (Number.isNaN(v) ? replacement : v));
}

export interface OutlierRemoval {
  method: 'iqr' | 'ksigma';
  /** IQR fence factor or k of k-sigma; default 3.0 (Kayenta's outlierFactor default). */
  factor?: number;
  /** IQR only: Kayenta's judge runs the IQR detector with reduced sensitivity, so this defaults to true. */
  reduceSensitivity?: boolean;
}

/** Keep the points the detector does not flag, in their original order. */
export function removeOutliers(values: readonly number[], removal: OutlierRemoval): number[] {
  const factor = removal.factor ?? 3;
  const flagged =
    removal.method === 'ksigma'
      ? kSigmaOutliers(values, factor)
      : iqrOutliers(values, { factor, reduceSensitivity: removal.reduceSensitivity ?? true });
  return values.filter((_, i) => !flagged[i]);
}

/**
 * The judge's whole preprocessing of one sample (NaN step, then outliers if asked), to the same values as
 * removeNaN/replaceNaN and removeOutliers, built with one sort and no copy where nothing is dropped or replaced.
 */
export function cleanSample(values: readonly number[], nanStrategy: NanStrategy, outliers?: OutlierRemoval): Sample {
  const nanStep = nanStrategy === 'replace' ? replaceNaN : removeNaN;
  const present = values.includes(NaN) ? nanStep(values) : values;
  const sample = sampleOf(present);
  if (!outliers) return sample;
  const factor = outliers.factor ?? 3;
  const isOutlier =
    outliers.method === 'ksigma'
      ? kSigmaTest(present, factor)
      : iqrTest(sample.sorted, { factor, reduceSensitivity: outliers.reduceSensitivity ?? true });
  // Both detectors flag what lies outside an interval (|v - mean| grows monotonically away from the mean, in
  // float64 too), so the kept points are one run of the ascending sample.
  const { sorted } = sample;
  let start = 0;
  let end = sorted.length;
  while (start < end && isOutlier(sorted[start])) start++;
  while (end > start && isOutlier(sorted[end - 1])) end--;
  if (end - start === sorted.length) return sample;
  return { values: present.filter((v) => !isOutlier(v)), sorted: sorted.subarray(start, end) };
}
