import { normalCdf } from './normal';

/**
 * Mann-Whitney on the requests of two histograms with the same buckets: every request is a point, the requests of one
 * bucket are ties. With thousands of requests a look, this sees the whole distribution where a series sees one number
 * per period. The normal approximation with tie and continuity corrections: R's
 * `wilcox.test(canary, baseline, exact = FALSE, alternative = "greater" | "less")` on the requests' bucket numbers, in
 * time linear in the buckets rather than the requests.
 */

export interface BucketComparison {
  baselineRequests: number;
  canaryRequests: number;
  /**
   * P(a canary request is in a higher bucket than a baseline request) + P(same bucket)/2: U / (n·m), the common-language
   * effect size of the requests; 0.5 = no shift. NaN without requests on a side.
   */
  slowerShare: number;
  /** One-sided p that the canary's requests are higher (R's alternative "greater"); 1 without requests or spread. */
  pHigher: number;
  /** One-sided p that they are lower (alternative "less"). */
  pLower: number;
}

/** `baseline[j]`, `canary[j]`: requests in bucket j (not cumulative), buckets in ascending order. */
export function compareBuckets(baseline: readonly number[], canary: readonly number[]): BucketComparison {
  if (baseline.length !== canary.length) throw new RangeError('both versions need the same buckets');
  let n = 0;
  let m = 0;
  let u = 0;
  let ties = 0;
  baseline.forEach((b, j) => {
    const c = canary[j];
    // canary requests of bucket j beat every baseline request below it and tie with those in it
    u += c * (n + b / 2);
    n += b;
    m += c;
    const t = b + c;
    ties += t ** 3 - t;
  });
  if (n === 0 || m === 0) return { baselineRequests: n, canaryRequests: m, slowerShare: NaN, pHigher: 1, pLower: 1 };
  const all = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (all + 1 - ties / (all * (all - 1))));
  const centred = u - (n * m) / 2;
  return {
    baselineRequests: n,
    canaryRequests: m,
    slowerShare: u / (n * m),
    pHigher: sigma > 0 ? normalCdf(-(centred - 0.5) / sigma) : 1,
    pLower: sigma > 0 ? normalCdf((centred + 0.5) / sigma) : 1,
  };
}

/**
 * Two versions' bucket counts on the bounds both have: a release may change its buckets, and a bucket of one side that
 * the other splits differently can only be compared once merged. `bounds` are the finite upper bounds (ascending);
 * `counts` has one more entry, the requests above the top bound.
 */
export function onCommonBounds(
  baseline: { bounds: readonly number[]; counts: readonly number[] },
  canary: { bounds: readonly number[]; counts: readonly number[] },
): { bounds: number[]; baseline: number[]; canary: number[] } {
  const inCanary = new Set(canary.bounds);
  const bounds = baseline.bounds.filter((b) => inCanary.has(b));
  const merge = (side: { bounds: readonly number[]; counts: readonly number[] }) => {
    const out = new Array<number>(bounds.length + 1).fill(0);
    let k = 0;
    side.counts.forEach((count, j) => {
      // bucket j holds values up to side.bounds[j] (the last: above the top bound); it falls in the first common bucket
      // whose bound is at least that
      const upper = j < side.bounds.length ? side.bounds[j] : Infinity;
      while (k < bounds.length && bounds[k] < upper) k++;
      out[k] += count;
    });
    return out;
  };
  return { bounds, baseline: merge(baseline), canary: merge(canary) };
}
