import { logGamma } from './distributions';
import type { RunVerdict } from './judge-run';

/** Outcomes of many runs of one (profile, scenario, policy) cell. */
export interface Tally {
  runs: number;
  /** rollbacksAtStep[k] = runs rolled back by the judgment of step k (0-based). */
  rollbacksAtStep: number[];
  /** How often each metric was not Pass at a rollback. */
  failingMetrics: Record<string, number>;
  /** Minutes from the first shift to each rollback decision. */
  rollbackMinutes: number[];
}

export function emptyTally(stepCount: number): Tally {
  return { runs: 0, rollbacksAtStep: new Array(stepCount).fill(0), failingMetrics: {}, rollbackMinutes: [] };
}

export function addVerdict(tally: Tally, verdict: RunVerdict): void {
  tally.runs++;
  if (verdict.action !== 'rollback') return;
  tally.rollbacksAtStep[verdict.stepIndex]++;
  tally.rollbackMinutes.push(verdict.minutes);
  for (const m of verdict.failing) tally.failingMetrics[m] = (tally.failingMetrics[m] ?? 0) + 1;
}

export function mergeTallies(a: Tally, b: Tally): Tally {
  const failingMetrics = { ...a.failingMetrics };
  for (const [m, n] of Object.entries(b.failingMetrics)) failingMetrics[m] = (failingMetrics[m] ?? 0) + n;
  return {
    runs: a.runs + b.runs,
    rollbacksAtStep: a.rollbacksAtStep.map((n, i) => n + b.rollbacksAtStep[i]),
    failingMetrics,
    rollbackMinutes: [...a.rollbackMinutes, ...b.rollbackMinutes],
  };
}

/**
 * Median minutes from the first shift to the rollback over all runs of the cell, a run that was not rolled back
 * counting as never (Infinity): the time by which half of the runs were rolled back; Infinity when fewer than half were.
 */
export function medianMinutesToRollback(t: Tally): number {
  const sorted = [...t.rollbackMinutes].sort((a, b) => a - b);
  const half = Math.ceil(t.runs / 2);
  return half <= sorted.length ? sorted[half - 1] : Infinity;
}

/** Share of runs rolled back at all. */
export function rollbackRate(t: Tally): number {
  return t.rollbacksAtStep.reduce((a, b) => a + b, 0) / t.runs;
}

/** Share of runs rolled back by the judgment of step `stepNumber` (1-based) or earlier. */
export function rollbackRateByStep(t: Tally, stepNumber: number): number {
  return t.rollbacksAtStep.slice(0, stepNumber).reduce((a, b) => a + b, 0) / t.runs;
}

/** Mean 1-based step of the rollback among rolled-back runs; NaN if none was. */
export function meanRollbackStep(t: Tally): number {
  const total = t.rollbacksAtStep.reduce((a, b) => a + b, 0);
  return t.rollbacksAtStep.reduce((s, n, k) => s + n * (k + 1), 0) / total;
}

/**
 * Upper end of a one-sided exact (Clopper-Pearson) binomial bound: the largest p with P(X <= x | n, p) >= 1 - level.
 * Used to state "the false-rollback rate is at most ..." from a finite number of runs.
 */
export function binomialUpperBound(x: number, n: number, level: number): number {
  if (x >= n) return 1;
  let lo = x / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(x, n, mid) > 1 - level) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** P(X <= x) for X ~ Binomial(n, p), summed in log space (no underflow for large n). */
function binomialCdf(x: number, n: number, p: number): number {
  const logTerms: number[] = [];
  for (let k = 0; k <= x; k++) {
    logTerms.push(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
  }
  const max = Math.max(...logTerms);
  return Math.min(1, Math.exp(max) * logTerms.reduce((s, t) => s + Math.exp(t - max), 0));
}
