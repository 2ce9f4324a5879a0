import { alphaSpent } from '../../shared/judge/error-control';
import { levelAttainable } from '../../shared/judge/mann-whitney';
import { sampleOf } from '../../shared/judge/sample';
import type { LookInput } from '../../shared/run/looks';
import {
  bestCountPower as sharedBestCountPower,
  latencyShiftCrossing,
  plannedLooks,
  sequentialCountPower as sharedSequentialCountPower,
  type CrossingByLook,
} from '../../shared/plan/power';
import { bucketInformationShare } from '../../shared/plan/latency-shift';
import type { Period } from '../../shared/plan/timeline';
import { lookInput, type Policy } from './judge-run';
import { histogramBoundsOf, type RunProfile, type ServiceModel } from './world';

/**
 * What the simulated traffic allows at best, computed exactly (no simulation), so a target the judge misses can be
 * told apart from a target no judge can reach.
 *
 * Counts: the best power of any test of the run's counts, and of the count test looked at every look, come from
 * shared/plan/power.ts (what `canary-judge plan` tells an operator), at the model's average rate and traffic.
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
 * ln(1 + (e^σ² − 1)/n), the moment-matched log-normal the simulation itself uses. And the same with the requests'
 * latency histogram (what Prometheus and CloudWatch's percentile ranks give): bucket counts keep the share
 * bucketInformationShare of the information about the shift, so the drift is that much slower.
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

/** The best power any level-α test of the run's counts has against `ratio` (shared/plan/power.ts). */
export function bestCountPower(c: CountPowerCase, service: ServiceModel): number {
  const { profile, ...test } = c;
  return sharedBestCountPower({ baselineEvents: requestsPerVersion(profile, service) * service.errorRate, ...test });
}

/**
 * The false rollback rate at equal rates that a count test looking once, at the end, must accept to catch a rate ×
 * `ratio` with probability `power`: the smallest level of the best such test (conditional binomial, randomized, null
 * boundary ×1) that reaches it. Its power rises with the level, so bisection on log α finds it.
 */
export function countLevelForPower(profile: RunProfile, service: ServiceModel, ratio: number, power: number): number {
  const powerAt = (alpha: number) => bestCountPower({ profile, ratio, allowedIncrease: 1, alpha }, service);
  let lo = Math.log(1e-9);
  let hi = Math.log(0.5);
  if (powerAt(Math.exp(hi)) < power) return NaN;
  while (hi - lo > 1e-9) {
    const mid = (lo + hi) / 2;
    if (powerAt(Math.exp(mid)) >= power) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
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

/** What the best test sees: every request's latency, its latency histogram, or one exact mean per period and side. */
export type Evidence = 'requests' | 'histogram' | 'period-means';

export type RollbackTimeLimit = CrossingByLook;

const requestsIn = (period: Period, profile: RunProfile, service: ServiceModel) =>
  service.requestsPerSecond * period.share * profile.periodSeconds;

/**
 * The best case of minutes to a rollback for a canary whose latency is `latencyFactor` × the baseline's (module
 * comment): looks and levels of `input` for its continuous metric `metric`, judged from the first look. `efficiency`:
 * the share of the evidence's information the test uses (1 for the best test; a rank test on normal data: 3/π).
 */
export function bestTimeToRollback(
  input: LookInput,
  metric: string,
  profile: RunProfile,
  service: ServiceModel,
  latencyFactor: number,
  evidence: Evidence,
  efficiency = 1,
): RollbackTimeLimit {
  const sigma2 = service.latency.sigma ** 2;
  const kept =
    efficiency *
    (evidence === 'histogram' ? bucketInformationShare(histogramBoundsOf(profile, service), service.latency) : 1);
  const looks = plannedLooks(input, metric, profile, (p) => {
    const requests = requestsIn(p, profile, service);
    return evidence === 'period-means'
      ? efficiency / Math.log1p(Math.expm1(sigma2) / requests)
      : (kept * requests) / sigma2;
  });
  return latencyShiftCrossing(looks, latencyFactor);
}

/** The power against a 5xx rate × `ratio` of the count test looked at with every look (shared/plan/power.ts). */
export function sequentialCountPower(
  input: LookInput,
  metric: string,
  profile: RunProfile,
  service: ServiceModel,
  ratio: number,
  allowedIncrease: number,
): number {
  const events = (p: Period) => requestsIn(p, profile, service) * service.errorRate;
  return sharedSequentialCountPower(input, metric, profile, events, ratio, allowedIncrease);
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
    `Limits of the simulated traffic (exact, no simulation): the best power any test of the run's counts has against a 5xx rate ×2, looking once at the end (conditional binomial, UMP unbiased), by one-sided level α and null boundary (the preset's allowedIncrease), and the false rollback rate at equal rates such a test must accept to catch ×2 in 60 %; the earliest look at which a continuous metric (Mann-Whitney, ${alpha * 100} % Pocock-like, 5 points per side) can reach its level at all${timed ? `; the power against 5xx ×2 (null boundary ×1.1) of the count test looked at with every look at the levels the run's error control gives a metric (group-sequential, normal approximation); and the median minutes to roll back latency +10 % of a test that knows the latency's shape and spread and sees every request's latency (or the latency histogram the profile reads, or one exact mean per period and side), at the levels of the ${policy.id} policy` : ''}:`,
  ];
  for (const profile of profiles) {
    const requests = requestsPerVersion(profile, service);
    const powers = cases.map(
      (c) =>
        `α ${c.alpha}, ×${c.allowedIncrease}: ${(100 * bestCountPower({ profile, ratio: 2, ...c }, service)).toFixed(1)}%`,
    );
    const look = earliestMannWhitneyLook(profile, alpha, 5);
    const limit = (evidence: Evidence) =>
      bestTimeToRollback(lookInput(policy, profile), 'latency', profile, service, 1.1, evidence);
    const best = (evidence: Evidence) => formatMinutes(limit(evidence).medianMinutes);
    const sequential = timed
      ? `; a count test at the Pocock-like levels of every look: ${(100 * sequentialCountPower(lookInput(policy, profile), 'error-rate', profile, service, 2, 1.1)).toFixed(1)}%`
      : '';
    const histogram = () => {
      const kept = bucketInformationShare(histogramBoundsOf(profile, service), service.latency);
      const { medianMinutes, byMinute } = limit('histogram');
      const byThen = byMinute.find((b) => b.minutes === medianMinutes)?.probability ?? NaN;
      return `${formatMinutes(medianMinutes)} (the histogram: ${(100 * kept).toFixed(1)} % of the information, ${(100 * byThen).toFixed(1)} % by then)`;
    };
    const time = timed
      ? `; latency +10 % at best: minute ${best('requests')} (every request), ${histogram()}, ${best('period-means')} (per-period means)`
      : '';
    const level = countLevelForPower(profile, service, 2, 0.6);
    lines.push(
      `  ${profile.id}: ${Math.round(requests).toLocaleString('en-US')} requests per version, ${(requests * service.errorRate).toFixed(0)} baseline 5xx expected; ${powers.join('; ')}; ×2 in 60 %: ${(100 * level).toPrecision(2)} % false rollbacks${sequential}; earliest continuous rollback: minute ${look.minutes.toFixed(1)} (${look.points} points per side, one-sided α ${look.alpha.toPrecision(2)})${time}`,
    );
  }
  return lines.join('\n');
}
