/**
 * The conditional binomial test of a rate ratio from counts, at one level per look (`judgment.countTest:
 * "conditional-binomial"`): the test a group-sequential boundary spends its budget on, as Mann-Whitney is for the
 * continuous metrics.
 *
 * Model: each version's events are Poisson with exposures N (requests) and rates λ_b and λ_c = ρ·λ_b. Given the total
 * K = x_c + x_b, the canary's events are Binomial(K, π(ρ)), π(ρ) = ρ·N_c / (ρ·N_c + N_b): the unknown base rate
 * cancels, and the test is exact at any K (the uniformly most powerful unbiased test of ρ, Lehmann & Romano 4.5). Its
 * exactness needs the canary's share of the exposures to be the same in every period: it is, up to the router's
 * randomness, because baseline and canary always get the same weight. The anytime-valid test (count-test.ts) needs no
 * such assumption and stays valid however often it is looked at; this one is valid for the looks its levels were
 * planned for, and catches more with them than the anytime-valid test alone (docs/statistical-quality.md). At one
 * look it is also the exact test a run's last look adds to the anytime-valid one (`judgment.countFinalShare`).
 *
 * The interval is Clopper-Pearson's for π at level 1 − 2·alpha, mapped to ρ = π·N_b / ((1 − π)·N_c).
 */
import {
  informativePeriodsOf,
  totalsOf,
  type CountSide,
  type CountTestOptions,
  type CountTestResult,
} from './count-test';

/** log of Σ exp(x) without overflow; −Infinity for no terms. */
function logSumExp(logs: readonly number[]): number {
  let max = -Infinity;
  for (const l of logs) if (l > max) max = l;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - max);
  return max + Math.log(sum);
}

/**
 * log P(X = i), X ~ Binomial(k, p), for i in [from, from + logs.length): by the ratio P(i+1)/P(i) = (k − i)/(i + 1) ·
 * p/(1 − p) walked outwards from the mode and normalised by the sum. No log-gamma, and the logs near the mode, which
 * carry the mass, stay small, so they keep their precision at any k (about 1e-13 at k = 100,000). Only 20·√k either
 * side of the mode: by Hoeffding's bound the rest holds less than e^-800 of the mass, below a double's reach.
 */
function pmfWindow(k: number, p: number): { from: number; logs: number[] } {
  if (p <= 0 || p >= 1) return { from: p <= 0 ? 0 : k, logs: [0] };
  const logOdds = Math.log(p) - Math.log1p(-p);
  const mode = Math.min(k, Math.floor((k + 1) * p));
  const reach = Math.ceil(20 * Math.sqrt(k)) + 1;
  const from = Math.max(0, mode - reach);
  const to = Math.min(k, mode + reach);
  const logs = new Array<number>(to - from + 1);
  logs[mode - from] = 0;
  for (let i = mode + 1; i <= to; i++) logs[i - from] = logs[i - 1 - from] + Math.log((k - i + 1) / i) + logOdds;
  for (let i = mode - 1; i >= from; i--) logs[i - from] = logs[i + 1 - from] - Math.log((k - i) / (i + 1)) - logOdds;
  const norm = logSumExp(logs);
  for (let i = 0; i < logs.length; i++) logs[i] -= norm;
  return { from, logs };
}

/** P(X ≥ x), X ~ Binomial(k, p). */
export function binomialUpperTail(x: number, k: number, p: number): number {
  if (x <= 0) return 1;
  if (x > k) return 0;
  const { from, logs } = pmfWindow(k, p);
  if (x > from + logs.length - 1) return 0;
  return Math.min(1, Math.exp(logSumExp(logs.slice(Math.max(0, x - from)))));
}

/** P(X ≤ x), X ~ Binomial(k, p). */
export function binomialLowerTail(x: number, k: number, p: number): number {
  if (x >= k) return 1;
  if (x < 0) return 0;
  const { from, logs } = pmfWindow(k, p);
  if (x < from) return 0;
  return Math.min(1, Math.exp(logSumExp(logs.slice(0, x - from + 1))));
}

/** The π where a tail, monotone in π, equals alpha: bisection on (0, 1) to double precision. */
function solveTail(tail: (p: number) => number, alpha: number, increasing: boolean): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > alpha === increasing) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** Inputs are trusted here (the judge's data schema checks them): aligned periods, integers, events ≤ totals. */
export function binomialRateTest(baseline: CountSide, canary: CountSide, options: CountTestOptions): CountTestResult {
  const b = totalsOf(baseline);
  const c = totalsOf(canary);
  const k = b.events + c.events;
  const x = c.events;
  const share = (rho: number) => (rho * c.total) / (rho * c.total + b.total);
  const testable = k > 0 && b.total > 0 && c.total > 0;
  const pIncrease = testable ? binomialUpperTail(x, k, share(options.allowedIncrease)) : 1;
  const pDecrease = testable ? binomialLowerTail(x, k, share(options.allowedDecrease)) : 1;
  const rho = (p: number) => (p * b.total) / ((1 - p) * c.total);
  const interval = options.interval !== false;
  let lower = NaN;
  let upper = NaN;
  if (interval) {
    lower = testable && x > 0 ? rho(solveTail((p) => binomialUpperTail(x, k, p), options.alpha, true)) : 0;
    upper = testable && x < k ? rho(solveTail((p) => binomialLowerTail(x, k, p), options.alpha, false)) : Infinity;
  }
  return {
    test: 'conditional-binomial',
    baseline: b,
    canary: c,
    informativePeriods: informativePeriodsOf(baseline, canary),
    rateRatio: b.rate !== null && c.rate !== null && b.events > 0 ? c.rate / b.rate : null,
    lower,
    upper,
    logEIncrease: 0,
    logEDecrease: 0,
    pIncrease,
    pDecrease,
    increase: pIncrease <= options.alpha,
    decrease: pDecrease <= options.alpha,
  };
}
