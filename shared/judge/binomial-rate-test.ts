/**
 * The exact conditional test of a rate ratio from counts (`judgment.countTest: "conditional-binomial"`): the test a
 * group-sequential boundary spends its budget on, as Mann-Whitney is for the continuous metrics, and at one look the
 * exact test a run's last look adds to the anytime-valid one (`judgment.countFinalShare`).
 *
 * Model, as count-test.ts's: in period t each version's events are Poisson with exposures n (requests) and rates
 * λ_b,t and λ_c,t = ρ·λ_b,t; given the period's total k_t, the canary's events are Binomial(k_t, π_t(ρ)) with odds
 * π_t/(1 − π_t) = ρ·r_t, r_t = n_c,t / n_b,t. The unknown base rates, bursts included, cancel period by period. The
 * likelihood of all periods is then an exponential family in log ρ whose sufficient statistic is the canary's events
 * S = Σ x_c,t, so the test that rejects for large S with S's exact conditional distribution (a convolution of the
 * periods' binomials) is the uniformly most powerful unbiased one-sided test of ρ ≤ ρ₀ whatever the base rates
 * (Lehmann & Romano 4.4; randomized at the boundary, which a judge does not do: it keeps its level and gives up a
 * little power to the discreteness; the exact conditional test of a common odds ratio over strata has the same
 * form). It is exact at any counts and for any traffic shares, changing ones included; with one share in every
 * period S is Binomial(K, π) and the test is the pooled conditional binomial test. It is valid for the looks its
 * levels were planned for (the anytime-valid test stays valid however often it is looked at) and catches more with
 * them (docs/statistical-quality.md).
 *
 * The interval inverts the test over ρ (level 1 − 2·alpha; with one share, Clopper-Pearson's for π mapped to ρ).
 */
import {
  evidenceOf,
  totalsOf,
  type CountSide,
  type CountTestOptions,
  type CountTestResult,
  type Period,
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

/** The distribution of S on the integers from `from` on: the natural logs of its probabilities, normalised. */
export interface LogPmf {
  from: number;
  logs: number[];
  /** The largest value S can take (the periods' events in all): kept terms ending below it were trimmed. */
  top: number;
}

/**
 * Below this share of the largest term a term of a convolution is dropped: it keeps every tail above about 1e-50,
 * which p-values and interval ends need, within about ±17 spreads of the mode where all a double holds (1e-300) is
 * ±37: about a fifth of the work.
 */
const NEGLIGIBLE = 1e-60;
/** A tilt is read from the kept terms only while it leaves less than about this share of its mass past them. */
const CONTAINED = 1e-25;

/** The terms from the first to the last at or above NEGLIGIBLE of the largest, and where they start. */
function trimmed(terms: Float64Array): { values: Float64Array; lo: number } {
  let max = 0;
  for (const v of terms) if (v > max) max = v;
  let lo = 0;
  let hi = terms.length - 1;
  while (terms[lo] < max * NEGLIGIBLE) lo++;
  while (terms[hi] < max * NEGLIGIBLE) hi--;
  return { values: terms.subarray(lo, hi + 1), lo };
}

/**
 * The distribution of the canary's events S = Σ x_c,t given each period's total k_t, at rate ratio ρ: the periods'
 * Binomial(k_t, π_t(ρ)) convolved. Periods with the same exposure ratio are one binomial (a sum of binomials with one π
 * is binomial), so equal shares cost a single binomial; the rest are convolved in linear scale relative to the largest
 * term, trimmed where terms fall below NEGLIGIBLE of it.
 */
export function conditionalEventsDistribution(periods: readonly Period[], rho: number): LogPmf {
  const byRatio = new Map<number, number>();
  for (const p of periods) byRatio.set(p.r, (byRatio.get(p.r) ?? 0) + p.k);
  let from = 0;
  let top = 0;
  let mass = new Float64Array([1]);
  for (const [r, k] of byRatio) {
    const part = pmfWindow(k, (rho * r) / (1 + rho * r));
    const weights = trimmed(Float64Array.from(part.logs, Math.exp));
    const next = new Float64Array(mass.length + weights.values.length - 1);
    for (let i = 0; i < mass.length; i++) {
      const m = mass[i];
      for (let j = 0; j < weights.values.length; j++) next[i + j] += m * weights.values[j];
    }
    const kept = trimmed(next);
    let max = 0;
    for (const v of kept.values) if (v > max) max = v;
    mass = kept.values.map((v) => v / max);
    from += part.from + weights.lo + kept.lo;
    top += k;
  }
  const total = mass.reduce((a, b) => a + b, 0);
  return { from, logs: Array.from(mass, (v) => Math.log(v / total)), top };
}

function tailOf(weighted: readonly number[], at: number, side: 'upper' | 'lower'): number {
  const part = side === 'upper' ? weighted.slice(Math.max(0, at)) : weighted.slice(0, Math.max(0, at + 1));
  return Math.min(1, Math.exp(logSumExp(part) - logSumExp(weighted)));
}

/** P(S ≥ s) (upper) or P(S ≤ s) (lower) at the rate ratio `pmf` was computed at. */
export function conditionalTail(pmf: LogPmf, s: number, side: 'upper' | 'lower'): number {
  return tailOf(pmf.logs, s - pmf.from, side);
}

/**
 * The same tail at a rate ratio e^logTilt times the one `pmf` was computed at, without another convolution: the
 * likelihood is an exponential family in log ρ with statistic S, so P_ρ'(S = j) ∝ P_ρ(S = j)·(ρ'/ρ)^j. Undefined when
 * the tilted mass reaches past the terms the pmf kept (a tilt by many spreads of S) and the tail is not plainly 1:
 * compute at that ρ instead.
 */
export function tiltedTail(pmf: LogPmf, s: number, side: 'upper' | 'lower', logTilt: number): number | undefined {
  const weighted = pmf.logs.map((l, i) => l + (pmf.from + i - s) * logTilt);
  let max = -Infinity;
  for (const w of weighted) if (w > max) max = w;
  const last = weighted.length - 1;
  const cutBelow = pmf.from > 0 && weighted[0] - max > Math.log(CONTAINED);
  const cutAbove = pmf.from + last < pmf.top && weighted[last] - max > Math.log(CONTAINED);
  if (!cutBelow && !cutAbove) return tailOf(weighted, s - pmf.from, side);
  // mass past the kept terms on the tail's own side only adds to the tail: one within 1e-12 of 1 is 1 to that precision
  const ownSide = side === 'upper' ? cutAbove && !cutBelow : cutBelow && !cutAbove;
  const value = tailOf(weighted, s - pmf.from, side);
  return ownSide && value >= 1 - 1e-12 ? value : undefined;
}

const LOG_RHO_RANGE = 40; // ρ in [e^-40, e^40]: far beyond any rate ratio a release can have

/**
 * The log ρ where a tail, monotone in ρ, equals alpha: outwards from `start` in steps doubling from `step` until the
 * tail crosses alpha (near the data, where a tilt of one convolution reads it), then bisection to double precision.
 * 0 or Infinity when it does not cross within e^±40.
 */
function solveRho(
  tail: (logRho: number) => number,
  alpha: number,
  increasing: boolean,
  start: number,
  step: number,
): number {
  const rootBelow = (logRho: number) => tail(logRho) > alpha === increasing;
  const down = rootBelow(start);
  let inner = start;
  let width = step;
  let outer: number;
  for (;;) {
    const edge = down ? Math.max(-LOG_RHO_RANGE, start - width) : Math.min(LOG_RHO_RANGE, start + width);
    if (rootBelow(edge) !== down) {
      outer = edge;
      break;
    }
    if (Math.abs(edge) >= LOG_RHO_RANGE) return down ? 0 : Infinity;
    inner = edge;
    width *= 2;
  }
  let lo = Math.min(inner, outer);
  let hi = Math.max(inner, outer);
  for (let i = 0; i < 200 && hi - lo > 1e-14; i++) {
    const mid = (lo + hi) / 2;
    if (rootBelow(mid)) hi = mid;
    else lo = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** Inputs are trusted here (the judge's data schema checks them): aligned periods, integers, events ≤ totals. */
export function binomialRateTest(baseline: CountSide, canary: CountSide, options: CountTestOptions): CountTestResult {
  const b = totalsOf(baseline);
  const c = totalsOf(canary);
  const { periods, canaryEvents: x } = evidenceOf(baseline, canary);
  const k = periods.reduce((sum, p) => sum + p.k, 0);
  let pIncrease = 1;
  let pDecrease = 1;
  let lower = options.interval === false ? NaN : 0;
  let upper = options.interval === false ? NaN : Infinity;
  if (periods.length > 0) {
    // one convolution near the data, tilted to every ρ asked for; a ρ many spreads away gets its own
    const meanRatio = periods.reduce((sum, p) => sum + p.k * p.r, 0) / k;
    const centre = Math.log((x + 0.5) / ((k - x + 0.5) * meanRatio));
    const pmf = conditionalEventsDistribution(periods, Math.exp(centre));
    const tail = (side: 'upper' | 'lower') => (logRho: number) =>
      tiltedTail(pmf, x, side, logRho - centre) ??
      conditionalTail(conditionalEventsDistribution(periods, Math.exp(logRho)), x, side);
    pIncrease = tail('upper')(Math.log(options.allowedIncrease));
    pDecrease = tail('lower')(Math.log(options.allowedDecrease));
    if (options.interval !== false) {
      // S's spread in log ρ at the centre: 1/√(Fisher information Σ k_t·π_t·(1 − π_t))
      const information = periods.reduce((sum, p) => {
        const pi = (Math.exp(centre) * p.r) / (1 + Math.exp(centre) * p.r);
        return sum + p.k * pi * (1 - pi);
      }, 0);
      const step = 1 / Math.sqrt(information);
      if (x > 0) lower = solveRho(tail('upper'), options.alpha, true, centre, step);
      if (x < k) upper = solveRho(tail('lower'), options.alpha, false, centre, step);
    }
  }
  return {
    test: 'conditional-binomial',
    baseline: b,
    canary: c,
    informativePeriods: periods.length,
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
