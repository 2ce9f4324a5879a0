import { binomialUpperTail } from '../judge/binomial-rate-test';
import { countTest } from '../judge/count-test';
import { firstCrossingProbabilities } from '../judge/group-sequential';
import { levelAttainable } from '../judge/mann-whitney';
import { normalQuantile } from '../judge/normal';
import { sampleOf } from '../judge/sample';
import { informationFraction, lookDueSeconds, lookOptions, looksInStep, type LookInput } from '../run/looks';
import { buildTimeline, type Period } from './timeline';

/**
 * What a run's design allows at best, computed exactly (no simulation), so that a target the judge misses can be told
 * apart from one no judge can reach, and an operator can see before a run what it can catch.
 *
 * Counts: given k events in all, the canary's share is Binomial(k, ρ/(1 + ρ)) with equal exposures, whatever the
 * base rate. The most powerful test of a rate ratio from a run's counts is that conditional binomial test of all of
 * them, looked at once, at the end (randomized at the boundary it is uniformly most powerful unbiased). A judge that
 * looks every minute, or whose guarantee holds under continuous monitoring, can only do worse at the same level.
 *
 * Continuous metrics: a look can reject only if its level is attainable with the points it has (levelAttainable),
 * so with one point a period and the source's delay, the earliest possible failure is a property of the numbers,
 * whatever the data.
 */

/** When a period's data is complete at the source, how long a period is, and the warm-up no look judges. */
export interface SourceTiming {
  periodSeconds: number;
  delaySeconds: number;
  /** Seconds from the first shift that every window skips (analysis.warmupSeconds; absent: none). */
  warmupSeconds?: number;
}

/** The periods a look at `at` seconds judges: complete at the source by then, after the warm-up. */
export function periodsSeen(periods: Period[], timing: SourceTiming, at: number): Period[] {
  const warmup = timing.warmupSeconds ?? 0;
  return periods.filter(
    (p) => p.startSeconds >= warmup && p.startSeconds + timing.periodSeconds <= at - timing.delaySeconds,
  );
}

/**
 * Power of the randomized level-α one-sided binomial test of π ≤ π0 against π1 with n trials: it rejects above the
 * critical count c and, with the probability that makes its size exactly α, at c.
 */
function binomialTestPower(n: number, pi0: number, pi1: number, alpha: number): number {
  if (n === 0) return alpha;
  // the smallest c with P0(X ≥ c) ≤ alpha, by bisection: the upper tail falls with c, and P0(X ≥ n + 1) = 0
  let lo = 0;
  let hi = n + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialUpperTail(mid, n, pi0) <= alpha) hi = mid;
    else lo = mid + 1;
  }
  const critical = lo;
  const sizeAbove = binomialUpperTail(critical, n, pi0);
  const atCritical0 = binomialUpperTail(critical - 1, n, pi0) - sizeAbove;
  const atCritical1 = binomialUpperTail(critical - 1, n, pi1) - binomialUpperTail(critical, n, pi1);
  const gamma = critical > 0 && atCritical0 > 0 ? (alpha - sizeAbove) / atCritical0 : 0;
  return binomialUpperTail(critical, n, pi1) + gamma * atCritical1;
}

export interface CountPowerCase {
  /** Events the baseline is expected to have over the run (its rate × its requests). */
  baselineEvents: number;
  /** True ratio of the canary's rate to the baseline's. */
  ratio: number;
  /** The test's null boundary (the metric's allowedIncrease). */
  allowedIncrease: number;
  /** One-sided level. */
  alpha: number;
}

/**
 * The best power any level-α test of the run's counts has against `ratio`, with equal exposures: the randomized
 * conditional binomial test at the end, averaged over the Poisson number of events in all.
 */
export function bestCountPower(c: CountPowerCase): number {
  const mean = c.baselineEvents * (1 + c.ratio);
  const pi0 = c.allowedIncrease / (1 + c.allowedIncrease);
  const pi1 = c.ratio / (1 + c.ratio);
  let power = 0;
  let mass = 0;
  // Poisson weights by their ratio w(k)/w(k − 1) = mean/k, in logs so a large mean does not underflow e^-mean
  let logWeight = -mean;
  for (let k = 0; mass < 1 - 1e-12 && k < mean * 10 + 100; k++) {
    if (k > 0) logWeight += Math.log(mean / k);
    const w = Math.exp(logWeight);
    mass += w;
    if (w > 0) power += w * binomialTestPower(k, pi0, pi1, c.alpha);
  }
  return power;
}

/** Beyond this many events a count test that still proves nothing is reported as never proving (null). */
const MAX_PROVING_EVENTS = 100_000;

/**
 * The fewest events with which a count test can prove a rise above `allowedIncrease` at one-sided `alpha`: every one
 * of them on the canary, at equal traffic, the strongest evidence k events can be. With fewer, nothing is proven
 * however bad the canary: a canary failing every request on thin traffic is promoted. The conditional binomial test
 * at one look: the smallest k with π₀^k ≤ α, π₀ = ρ₀/(1 + ρ₀) (its looks' levels are below α, so this is a floor);
 * the anytime-valid test: the smallest k at which its e-value reaches 1/α, by the test itself. null: none up to
 * 100,000.
 */
export function minimumProvingEvents(
  test: 'anytime-valid' | 'conditional-binomial',
  allowedIncrease: number,
  alpha: number,
): number | null {
  if (test === 'conditional-binomial') {
    const k = Math.ceil(Math.log(alpha) / Math.log(allowedIncrease / (1 + allowedIncrease)));
    return k <= MAX_PROVING_EVENTS ? Math.max(k, 1) : null;
  }
  const proves = (k: number) =>
    countTest(
      { events: [0], totals: [k] },
      { events: [k], totals: [k] },
      { alpha, allowedIncrease, allowedDecrease: 1, interval: false },
    ).increase;
  // the e-value grows with k (one more event on the canary multiplies every alternative's likelihood ratio by
  // more than 1): double to a bracket, then bisect
  let high = 1;
  while (!proves(high)) {
    if (high >= MAX_PROVING_EVENTS) return null;
    high = Math.min(high * 2, MAX_PROVING_EVENTS);
  }
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (proves(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/** A planned look with data: its minute, the information behind it and its one-sided boundary (z). */
export interface PlannedLook {
  minutes: number;
  /** Points per side behind the look. */
  points: number;
  /** Information behind the look (any unit: only ratios between looks matter). */
  information: number;
  /** The one-sided level the look gives the metric, and its boundary. */
  alpha: number;
  z: number;
}

/**
 * The looks of `input` that have data, each with the information of the periods complete at the source by then
 * (`perPeriod`) and the level the looks give `metric` when it is judged from the first look with `minPoints` periods
 * (sequential mode: Kayenta mode has no per-metric levels). `judged: false`: each look's level as if it were the
 * metric's first judged look (the metric has spent nothing before it).
 */
export function plannedLooks(
  input: LookInput,
  metric: string,
  timing: SourceTiming,
  perPeriod: (period: Period) => number,
  { minPoints = 1, judged = true }: { minPoints?: number; judged?: boolean } = {},
): PlannedLook[] {
  const periods = buildTimeline(input.steps, timing.periodSeconds);
  const looks: PlannedLook[] = [];
  let stepStart = 0;
  let firstFraction: number | undefined;
  input.steps.forEach((step, stepIndex) => {
    const count = looksInStep(input, stepIndex);
    for (let look = 1; look <= count; look++) {
      const at = stepStart + lookDueSeconds(input, stepIndex, look);
      const seen = periodsSeen(periods, timing, at);
      const information = seen.reduce((sum, p) => sum + perPeriod(p), 0);
      if (information === 0 || seen.length < minPoints) continue;
      const position = { stepIndex, stepCount: input.steps.length, look, looksInStep: count };
      const spent = firstFraction === undefined ? {} : { [metric]: firstFraction };
      const level = lookOptions(input, position, spent).metricConfidence?.[metric];
      if (level === undefined) throw new RangeError(`the looks give no level to a metric "${metric}"`);
      if (judged) firstFraction ??= informationFraction(input, position);
      const alpha = (1 - level) / 2;
      looks.push({ minutes: at / 60, points: seen.length, information, alpha, z: normalQuantile(1 - alpha) });
    }
    stepStart += step.durationSeconds;
  });
  return looks;
}

export interface CrossingByLook {
  /** Median minutes to the first crossing (NaN: crossed in fewer than half the runs). */
  medianMinutes: number;
  /** Chance of a crossing by each look's minute, in order of the looks. */
  byMinute: { minutes: number; probability: number }[];
}

/** Chance of a first crossing by each look of a statistic whose z at the last look has mean `finalDrift`. */
export function crossingByLook(looks: PlannedLook[], finalDrift: number): CrossingByLook {
  const total = looks[looks.length - 1].information;
  const first = firstCrossingProbabilities(
    looks.map((l) => l.information / total),
    looks.map((l) => l.z),
    finalDrift,
  );
  let cumulative = 0;
  const byMinute = looks.map((l, k) => ({ minutes: l.minutes, probability: (cumulative += first[k]) }));
  return { medianMinutes: byMinute.find((b) => b.probability >= 0.5)?.minutes ?? NaN, byMinute };
}

/**
 * Chance of a first crossing by each look for a canary whose latency is `factor` × the baseline's, `looks` carrying
 * the information about log latency per side (requests / σ², or less from buckets or means): the two-sample z of
 * the log shift drifts as ln(factor)·√(information / 2).
 */
export function latencyShiftCrossing(looks: PlannedLook[], factor: number): CrossingByLook {
  return crossingByLook(looks, Math.log(factor) * Math.sqrt(looks[looks.length - 1].information / 2));
}

/**
 * The power against a rate × `ratio` of the conditional binomial test looked at with every look of `input`, at the
 * levels the looks give `metric` (group-sequential, as continuous metrics spend their budget), normal approximation:
 * with N expected events in all, the canary's share has z drifting to (π₁ − π₀)√N / √(π₀(1 − π₀)). What looking every
 * minute costs against bestCountPower's single look, before any price for validity under unplanned looks (the
 * anytime-valid test pays that too). `eventsPerPeriod`: the baseline's expected events in a period.
 */
export function sequentialCountPower(
  input: LookInput,
  metric: string,
  timing: SourceTiming,
  eventsPerPeriod: (period: Period) => number,
  ratio: number,
  allowedIncrease: number,
): number {
  const looks = plannedLooks(input, metric, timing, eventsPerPeriod);
  const pi0 = allowedIncrease / (1 + allowedIncrease);
  const pi1 = ratio / (1 + ratio);
  const events = looks[looks.length - 1].information * (1 + ratio);
  const limit = crossingByLook(looks, ((pi1 - pi0) * Math.sqrt(events)) / Math.sqrt(pi0 * (1 - pi0)));
  return limit.byMinute[limit.byMinute.length - 1].probability;
}

/**
 * The first look at which a continuous metric judged by Mann-Whitney can fail at all, whatever the data: the look's
 * points must make its level attainable. The judge does not judge a metric at a look whose level its points cannot
 * reach (not judged yet: nothing spent), so that look gets the level of a first judged look. Undefined when no look of
 * the run can.
 */
export function earliestContinuousFailure(
  input: LookInput,
  metric: string,
  timing: SourceTiming,
  minDataPoints: number,
): PlannedLook | undefined {
  const distinct = (points: number, offset: number) =>
    sampleOf(Array.from({ length: points }, (_, i) => 2 * i + offset));
  return plannedLooks(input, metric, timing, () => 1, { minPoints: minDataPoints, judged: false }).find((look) =>
    levelAttainable(distinct(look.points, 0), distinct(look.points, 1), 1 - 2 * look.alpha),
  );
}
