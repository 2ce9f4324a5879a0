import { erfc } from '../../shared/judge/normal';

/**
 * Independent, quadratic reference implementations of judge-spec.md's Mann-Whitney definitions, for tests only:
 * every pairwise difference is built and sorted, and the statistic is computed from average ranks (R's way).
 */

/** 1-based average ranks of `values` (ties share the mean of the ranks they occupy). */
function averageRanks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    for (let k = start; k <= end; k++) ranks[order[k][1]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Kayenta's/R's continuity-corrected statistic F(d, q) from the ranks of (canary - d, baseline). */
export function rankStatistic(baseline: number[], canary: number[], d: number, q: number): number {
  const n = canary.length;
  const m = baseline.length;
  const combined = [...canary.map((v) => v - d), ...baseline];
  const ranks = averageRanks(combined);
  const rankSum = ranks.slice(0, n).reduce((a, b) => a + b, 0);
  const dz = rankSum - (n * (n + 1)) / 2 - (n * m) / 2;
  const counts = new Map<number, number>();
  for (const v of combined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let ties = 0;
  for (const t of counts.values()) ties += t * t * t - t;
  const sigma = Math.sqrt(((n * m) / 12) * (n + m + 1 - ties / ((n + m) * (n + m - 1))));
  return (dz - 0.5 * Math.sign(dz)) / sigma - q;
}

export function allDifferences(baseline: number[], canary: number[]): number[] {
  const out: number[] = [];
  for (const c of canary) for (const b of baseline) out.push(c - b);
  return out.sort((a, b) => a - b);
}

/** Distinct values of an ascending array. */
export function distinct(sorted: number[]): number[] {
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}

function withinSampleTies(baseline: number[], canary: number[]): number {
  let ties = 0;
  for (const sample of [baseline, canary]) {
    const counts = new Map<number, number>();
    for (const v of sample) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const t of counts.values()) ties += t * t * t - t;
  }
  return ties;
}

function justAbove(n: number, m: number, ties: number, above: number, q: number): number {
  const dz = above - (n * m) / 2;
  const sigma = Math.sqrt(((n * m) / 12) * (n + m + 1 - ties / ((n + m) * (n + m - 1))));
  return (dz - 0.5 * Math.sign(dz)) / sigma - q;
}

/**
 * F just above the pairwise difference D (open interval to the next distinct difference): U = #{differences > D},
 * sigma with the ties within each sample only.
 */
export function statisticJustAbove(baseline: number[], canary: number[], D: number, q: number): number {
  const above = allDifferences(baseline, canary).filter((v) => v > D).length;
  return justAbove(canary.length, baseline.length, withinSampleTies(baseline, canary), above, q);
}

/** judge-spec's definition, literally: scan the distinct differences upwards. zq = |Phi^-1(alpha/2)|. */
export function bruteForceMannWhitney(
  baseline: number[],
  canary: number[],
  zq: number,
): { estimate: number; lower: number; upper: number; pValue: number } {
  const diffs = allDifferences(baseline, canary);
  const k = diffs.length;
  const ties = withinSampleTies(baseline, canary);
  const end = (q: number) => {
    for (let i = 0; i < k; i++) {
      if (i + 1 < k && diffs[i + 1] === diffs[i]) continue; // i is the last copy of this difference
      if (justAbove(canary.length, baseline.length, ties, k - 1 - i, q) <= 0) return diffs[i];
    }
    return diffs[k - 1];
  };
  const estimate = k % 2 === 1 ? diffs[(k - 1) / 2] : (diffs[k / 2 - 1] + diffs[k / 2]) / 2;
  const allTied = new Set([...baseline, ...canary]).size === 1;
  const z0 = allTied ? 0 : rankStatistic(baseline, canary, 0, 0);
  return { estimate, lower: end(zq), upper: end(-zq), pValue: erfc(Math.abs(z0) / Math.SQRT2) };
}
