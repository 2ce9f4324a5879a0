/** Keeps plots small: a few hundred points per series, whatever the series length. */

export interface Point {
  x: number;
  y: number;
}

/**
 * Min/max bucketing: split the points into maxPoints/2 buckets of equal count and keep each bucket's lowest and
 * highest point in x order. Unlike taking every n-th point, a single spike survives.
 */
export function downsampleMinMax(points: readonly Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints) return points.slice();
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * points.length) / buckets);
    const to = Math.floor(((b + 1) * points.length) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (points[i].y < points[lo].y) lo = i;
      if (points[i].y > points[hi].y) hi = i;
    }
    out.push(points[Math.min(lo, hi)]);
    if (lo !== hi) out.push(points[Math.max(lo, hi)]);
  }
  return out;
}

/** Evenly spaced order statistics of a sorted sample (always including min and max): same shape, fewer dots. */
export function sampleSorted(sorted: readonly number[], maxPoints: number): number[] {
  if (sorted.length <= maxPoints) return sorted.slice();
  const out: number[] = [];
  for (let i = 0; i < maxPoints; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (maxPoints - 1))]);
  return out;
}
