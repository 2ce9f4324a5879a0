import { normalQuantile } from './normal';

/**
 * How precisely a histogram knows the mean of its requests, for a confidence bound of the ratio of two versions' means.
 * The sum is exact (the source reports it); the spread of the requests is read from the buckets, each request at its
 * bucket's middle: geometric for a bucket between two positive bounds (latency buckets grow geometrically), half the
 * bound for the first, and for the requests above the top bound the mean the sum leaves for them (at least the bound).
 * Binning widens: with the CloudWatch preset's buckets (×1.33 to ×1.67 apart) lognormal latency reads about 10 % more
 * variance than it has (unit tests), so the bound is pulled slightly further than its level says: the safe side.
 */

export interface HistogramTotals {
  /** Finite upper bounds, ascending. */
  bounds: readonly number[];
  /** Requests per bucket (not cumulative), one more than bounds: the last is above the top bound. */
  counts: readonly number[];
  /** The sum of the requests' values. */
  sum: number;
}

/** The squared coefficient of variation of one request (variance / mean²); NaN without requests or with a mean ≤ 0. */
export function requestRelativeVariance({ bounds, counts, sum }: HistogramTotals): number {
  const requests = counts.reduce((a, b) => a + b, 0);
  if (requests === 0 || !(sum > 0)) return NaN;
  const mean = sum / requests;
  let bucketed = 0;
  let squares = 0;
  bounds.forEach((upper, j) => {
    const lower = j === 0 ? 0 : bounds[j - 1];
    const middle = lower > 0 ? Math.sqrt(lower * upper) : (lower + upper) / 2;
    bucketed += counts[j] * middle;
    squares += counts[j] * middle * middle;
  });
  const above = counts[bounds.length];
  if (above > 0) {
    const top = bounds.length > 0 ? bounds[bounds.length - 1] : 0;
    const aboveMean = Math.max(top, (sum - bucketed) / above);
    squares += above * aboveMean * aboveMean;
  }
  return Math.max(squares / requests - mean * mean, 0) / (mean * mean);
}

/**
 * The one-sided confidence bound of mean(canary) / mean(baseline) at `confidence` on the side of no change: the ratio
 * divided (above 1) or multiplied (below 1) by exp(z·se), never past 1, where se is the standard error of the log of the
 * ratio (delta method, requests independent). At 0.5 the ratio itself; NaN without requests or with a mean of 0 on
 * a side.
 */
export function meanRatioBound(baseline: HistogramTotals, canary: HistogramTotals, confidence: number): number {
  const requests = (t: HistogramTotals) => t.counts.reduce((a, b) => a + b, 0);
  const ratio = canary.sum / requests(canary) / (baseline.sum / requests(baseline));
  const se = Math.sqrt(
    requestRelativeVariance(baseline) / requests(baseline) + requestRelativeVariance(canary) / requests(canary),
  );
  if (!Number.isFinite(ratio) || ratio <= 0 || Number.isNaN(se)) return NaN;
  const pull = Math.exp(normalQuantile(confidence) * se);
  return ratio >= 1 ? Math.max(1, ratio / pull) : Math.min(1, ratio * pull);
}
