import { alphaSpent } from '../../shared/judge/error-control';
import { firstCrossingProbabilities } from '../../shared/judge/group-sequential';
import { levelAttainable } from '../../shared/judge/mann-whitney';
import { normalQuantile } from '../../shared/judge/normal';
import { sampleOf } from '../../shared/judge/sample';
import { informationFraction, lookDueSeconds, lookOptions, looksInStep, type LookInput } from '../../shared/run/looks';
import { buildTimeline, type Period } from './generators/timeline';
import { lookInput, type Policy } from './judge-run';
import { logGamma } from './distributions';
import type { RunProfile, ServiceModel } from './world';

/**
 * What the simulated traffic allows at best, computed exactly (no simulation), so a target the judge misses can be
 * told apart from a target no judge can reach.
 *
 * Counts: the most powerful test of a rate ratio from a run's counts is the conditional binomial test of all of them,
 * looked at once, at the end (given k events in all, the canary's share is Binomial(k, ρ/(1 + ρ)) with equal
 * exposures; randomized at the boundary, it is uniformly most powerful unbiased). A judge that looks every minute, or
 * whose guarantee holds under continuous monitoring, can only do worse at the same level. The events' total is
 * Poisson at the model's average rate (its shared bursts cancel in the canary's share).
 *
 * Mann-Whitney: a look can reject only if its level is attainable with the points it has (levelAttainable); a metric's
 * first judged look gets α(t) of the run's budget, so with one point a minute and the source's delay the earliest
 * possible rollback by a continuous metric is a property of the numbers, whatever the data.
 *
 * Time to a rollback at best: a test that sees every request's latency on the log scale, knows its spread σ, and
 * looks when the judge looks, at the judge's own levels, has a z statistic that drifts as δ√(n/2)/σ with the n
 * requests per side behind the look (δ the log of the regression): its first crossing of the judge's boundaries,
 * by look, comes from the same recursion as the boundaries (firstCrossingProbabilities). It ignores what only
 * makes a real test slower (instance offsets, drift within the window, a metric's minimum sample), so no test on this
 * traffic at these levels rolls back sooner in the median. The same with one exact per-period mean per side instead
 * of every request (what CloudWatch's Average gives): the log of a mean of n requests has variance
 * ln(1 + (e^σ² − 1)/n), the moment-matched log-normal the simulation itself uses.
 */

export interface CountPowerCase {
  profile: RunProfile;
  /** True ratio of the canary's rate to the baseline's. */
  ratio: number;
  /** The test's null boundary (the metric's allowedIncrease). */
  allowedIncrease: number;
  /** One-sided level. */
  alpha: number;
}

/** Requests per version over the whole run. */
export function requestsPerVersion(profile: RunProfile, service: ServiceModel): number {
  return profile.steps.reduce((n, s) => n + service.requestsPerSecond * (s.weight / 100) * s.durationSeconds, 0);
}

function logBinomialPmf(k: number, n: number, p: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** Power of the randomized level-α one-sided binomial test of π ≤ π0 against π1, with n trials. */
function binomialTestPower(n: number, pi0: number, pi1: number, alpha: number): number {
  if (n === 0) return alpha;
  let tail0 = 0;
  let power = 0;
  for (let x = n; x >= 0; x--) {
    const p0 = Math.exp(logBinomialPmf(x, n, pi0));
    const p1 = Math.exp(logBinomialPmf(x, n, pi1));
    if (tail0 + p0 > alpha) return power + (p0 > 0 ? ((alpha - tail0) / p0) * p1 : 0);
    tail0 += p0;
    power += p1;
  }
  return power;
}

/** The best power any level-α test of the run's counts has against `ratio` (see the module comment). */
export function bestCountPower(c: CountPowerCase, service: ServiceModel): number {
  const baselineEvents = requestsPerVersion(c.profile, service) * service.errorRate;
  const mean = baselineEvents * (1 + c.ratio);
  const pi0 = c.allowedIncrease / (1 + c.allowedIncrease);
  const pi1 = c.ratio / (1 + c.ratio);
  let power = 0;
  let mass = 0;
  for (let k = 0; mass < 1 - 1e-12 && k < mean * 10 + 100; k++) {
    const w = Math.exp(-mean + k * Math.log(mean) - logGamma(k + 1));
    mass += w;
    power += w * binomialTestPower(k, pi0, pi1, c.alpha);
  }
  return power;
}

export interface EarliestLook {
  /** Points per side at the first look whose level is attainable. */
  points: number;
  /** Minutes from the first shift to that look (the source's delay included). */
  minutes: number;
  /** The one-sided α the look gets, and the smallest one-sided p its points allow. */
  alpha: number;
}

/**
 * The earliest look at which a continuous metric judged from the first step (no warm-up, minDataPoints as given) can
 * reject at all: looks every checkIntervalSeconds, a look at time τ has the periods that ended by τ − delay. A lower
 * bound: a metric judged at an earlier look whose level was out of reach has spent part of its budget there.
 */
export function earliestMannWhitneyLook(profile: RunProfile, alpha: number, minDataPoints: number): EarliestLook {
  const planned = profile.steps.reduce((s, x) => s + x.durationSeconds, 0);
  for (let seconds = profile.checkIntervalSeconds; seconds <= planned; seconds += profile.checkIntervalSeconds) {
    const points = Math.floor((seconds - profile.delaySeconds) / profile.periodSeconds);
    if (points < minDataPoints) continue;
    const spent = alphaSpent('pocock', alpha, seconds / planned);
    const distinct = (offset: number) => sampleOf(Array.from({ length: points }, (_, i) => 2 * i + offset));
    if (levelAttainable(distinct(0), distinct(1), 1 - 2 * spent))
      return { points, minutes: seconds / 60, alpha: spent };
  }
  return { points: NaN, minutes: NaN, alpha: NaN };
}

/** What the best test sees: every request's latency, or one exact mean per period and side. */
export type Evidence = 'requests' | 'period-means';

export interface RollbackTimeLimit {
  /** Median minutes from the first shift to the rollback (NaN: rolled back in fewer than half the runs). */
  medianMinutes: number;
  /** Chance of a rollback by each look's minute, in order of the looks. */
  byMinute: { minutes: number; probability: number }[];
}

interface PlannedLook {
  minutes: number;
  /** Information behind the look (any unit: only ratios between looks matter). */
  information: number;
  /** The one-sided boundary (z) at the look's level. */
  z: number;
}

/**
 * The looks of `input` on the profile's timeline that have data, each with the information of the periods complete at
 * the source by then (`perPeriod`) and the level the looks give `metric` when it is judged from the first of them.
 */
function plannedLooks(
  input: LookInput,
  metric: string,
  profile: RunProfile,
  perPeriod: (period: Period) => number,
): PlannedLook[] {
  const periods = buildTimeline(profile.steps, profile.periodSeconds);
  const looks: PlannedLook[] = [];
  let stepStart = 0;
  let firstFraction: number | undefined;
  profile.steps.forEach((step, stepIndex) => {
    const count = looksInStep(input, stepIndex);
    for (let look = 1; look <= count; look++) {
      const at = stepStart + lookDueSeconds(input, stepIndex, look);
      const information = periods
        .filter((p) => p.startSeconds + profile.periodSeconds <= at - profile.delaySeconds)
        .reduce((sum, p) => sum + perPeriod(p), 0);
      if (information === 0) continue;
      const position = { stepIndex, stepCount: profile.steps.length, look, looksInStep: count };
      const spent = firstFraction === undefined ? {} : { [metric]: firstFraction };
      const level = lookOptions(input, position, spent).metricConfidence?.[metric];
      if (level === undefined) throw new RangeError(`the looks give no level to a metric "${metric}"`);
      firstFraction ??= informationFraction(input, position);
      looks.push({ minutes: at / 60, information, z: normalQuantile(1 - (1 - level) / 2) });
    }
    stepStart += step.durationSeconds;
  });
  return looks;
}

/** Chance of a first crossing by each look of a statistic whose final z has mean `finalDrift`. */
function crossingByLook(looks: PlannedLook[], finalDrift: number): RollbackTimeLimit {
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

const requestsIn = (period: Period, profile: RunProfile, service: ServiceModel) =>
  service.requestsPerSecond * period.share * profile.periodSeconds;

/**
 * The best case of minutes to a rollback for a canary whose latency is `latencyFactor` × the baseline's (module
 * comment): looks and levels of `input` for its continuous metric `metric`, judged from the first look.
 */
export function bestTimeToRollback(
  input: LookInput,
  metric: string,
  profile: RunProfile,
  service: ServiceModel,
  latencyFactor: number,
  evidence: Evidence,
): RollbackTimeLimit {
  const sigma2 = service.latency.sigma ** 2;
  const looks = plannedLooks(input, metric, profile, (p) => {
    const requests = requestsIn(p, profile, service);
    return evidence === 'requests' ? requests / sigma2 : 1 / Math.log1p(Math.expm1(sigma2) / requests);
  });
  return crossingByLook(looks, Math.log(latencyFactor) * Math.sqrt(looks[looks.length - 1].information / 2));
}

/**
 * The power against a 5xx rate × `ratio` of the conditional binomial test looked at with every look of `input`, at
 * the levels the looks give `metric` (group-sequential, as continuous metrics spend their budget), normal
 * approximation: with N expected events in all, the canary's share has z drifting to (π₁ − π₀)√N / √(π₀(1 − π₀)).
 * What looking every minute costs against bestCountPower's single look, before any price for validity under
 * unplanned looks (the anytime-valid test pays that too).
 */
export function sequentialCountPower(
  input: LookInput,
  metric: string,
  profile: RunProfile,
  service: ServiceModel,
  ratio: number,
  allowedIncrease: number,
): number {
  const looks = plannedLooks(input, metric, profile, (p) => requestsIn(p, profile, service) * service.errorRate);
  const pi0 = allowedIncrease / (1 + allowedIncrease);
  const pi1 = ratio / (1 + ratio);
  const events = looks[looks.length - 1].information * (1 + ratio);
  const limit = crossingByLook(looks, ((pi1 - pi0) * Math.sqrt(events)) / Math.sqrt(pi0 * (1 - pi0)));
  return limit.byMinute[limit.byMinute.length - 1].probability;
}

const formatMinutes = (m: number) => (Number.isNaN(m) ? 'over the run' : `${m}`);

/** The limits table for the report: best count power per profile and level, earliest continuous rollback, and the
 * best-case minutes to roll back +10 % mean latency at the levels of `policy` (sequential policies judging `latency`). */
export function renderLimits(profiles: RunProfile[], service: ServiceModel, policy: Policy): string {
  const alpha = policy.analysis.errorControl.runFalseRollbackRate;
  const timed =
    policy.mode === 'sequential' &&
    ['latency', 'error-rate'].every((name) => policy.canaryConfig.metrics.some((m) => m.name === name));
  const cases = [
    { alpha, allowedIncrease: 1.1 },
    { alpha: 0.005, allowedIncrease: 1.1 },
    { alpha: 0.005, allowedIncrease: 1 },
  ];
  const lines = [
    `Limits of the simulated traffic (exact, no simulation): the best power any test of the run's counts has against a 5xx rate ×2, looking once at the end (conditional binomial, UMP unbiased), by one-sided level α and null boundary (the preset's allowedIncrease); the earliest look at which a continuous metric (Mann-Whitney, ${alpha * 100} % Pocock-like, 5 points per side) can reach its level at all${timed ? `; the power against 5xx ×2 (null boundary ×1.1) of the count test looked at with every look at the levels the run's error control gives a metric (group-sequential, normal approximation); and the median minutes to roll back latency +10 % of a test that sees every request's latency (or one exact mean per period and side) and knows its spread, at the levels of the ${policy.id} policy` : ''}:`,
  ];
  for (const profile of profiles) {
    const requests = requestsPerVersion(profile, service);
    const powers = cases.map(
      (c) =>
        `α ${c.alpha}, ×${c.allowedIncrease}: ${(100 * bestCountPower({ profile, ratio: 2, ...c }, service)).toFixed(1)}%`,
    );
    const look = earliestMannWhitneyLook(profile, alpha, 5);
    const best = (evidence: Evidence) =>
      formatMinutes(
        bestTimeToRollback(lookInput(policy, profile), 'latency', profile, service, 1.1, evidence).medianMinutes,
      );
    const sequential = timed
      ? `; a count test at the Pocock-like levels of every look: ${(100 * sequentialCountPower(lookInput(policy, profile), 'error-rate', profile, service, 2, 1.1)).toFixed(1)}%`
      : '';
    const time = timed
      ? `; latency +10 % at best: minute ${best('requests')} (every request), ${best('period-means')} (per-period means)`
      : '';
    lines.push(
      `  ${profile.id}: ${Math.round(requests).toLocaleString('en-US')} requests per version, ${(requests * service.errorRate).toFixed(0)} baseline 5xx expected; ${powers.join('; ')}${sequential}; earliest continuous rollback: minute ${look.minutes.toFixed(1)} (${look.points} points per side, one-sided α ${look.alpha.toPrecision(2)})${time}`,
    );
  }
  return lines.join('\n');
}
