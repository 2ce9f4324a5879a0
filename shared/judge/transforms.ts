import { iqrOutliers, kSigmaOutliers } from './outliers';

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
