import { mean, sampleVariance } from 'simple-statistics';

/** Effect sizes of canary against baseline (Kayenta's EffectSizes), for the classifier's effect-size gates. */

/** mean(canary) / mean(baseline); NaN when either sample is empty or either mean is exactly 0 (gate disabled). */
export function meanRatio(baseline: readonly number[], canary: readonly number[]): number {
  if (baseline.length === 0 || canary.length === 0) return NaN;
  const baselineMean = mean(baseline as number[]);
  const canaryMean = mean(canary as number[]);
  if (baselineMean === 0 || canaryMean === 0) return NaN;
  return canaryMean / baselineMean;
}

/**
 * Common-language effect size P(canary > baseline) + P(canary = baseline)/2 — Kayenta's rank-sum formula
 * (2·R1 - m(m + 1)) / (2nm), which is U / (nm) rounded once, computed by a merge of the sorted samples.
 * 0.5 = no effect; NaN when a sample is empty.
 */
export function cles(baseline: readonly number[], canary: readonly number[]): number {
  if (baseline.length === 0 || canary.length === 0) return NaN;
  return clesOfSorted(Float64Array.from(baseline).sort(), Float64Array.from(canary).sort());
}

/** cles of two ascending, non-empty samples. */
export function clesOfSorted(b: Float64Array, c: Float64Array): number {
  const n = b.length;
  const m = c.length;
  let u = 0;
  let below = 0;
  let atMost = 0;
  for (let i = 0; i < m; i++) {
    const v = c[i];
    while (below < n && b[below] < v) below++;
    if (atMost < below) atMost = below;
    while (atMost < n && b[atMost] <= v) atMost++;
    u += below + (atMost - below) / 2;
  }
  return u / (n * m);
}

/** Cohen's d: |mean(a) - mean(b)| / pooled sample standard deviation; NaN with fewer than 3 points in all. */
export function cohenD(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0 || n1 + n2 < 3) return NaN;
  const var1 = n1 > 1 ? sampleVariance(a as number[]) : 0;
  const var2 = n2 > 1 ? sampleVariance(b as number[]) : 0;
  const pooled = Math.sqrt(((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2));
  return Math.abs(mean(a as number[]) - mean(b as number[])) / pooled;
}
