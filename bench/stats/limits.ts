import { alphaSpent } from '../../shared/judge/error-control';
import { levelAttainable } from '../../shared/judge/mann-whitney';
import { sampleOf } from '../../shared/judge/sample';
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

/** The limits table for the report: best count power per profile and level, earliest continuous rollback. */
export function renderLimits(profiles: RunProfile[], service: ServiceModel, alpha: number): string {
  const cases = [
    { alpha, allowedIncrease: 1.1 },
    { alpha: 0.005, allowedIncrease: 1.1 },
    { alpha: 0.005, allowedIncrease: 1 },
  ];
  const lines = [
    `Limits of the simulated traffic (exact, no simulation): the best power any test of the run's counts has against a 5xx rate ×2, looking once at the end (conditional binomial, UMP unbiased), by one-sided level α and null boundary (the preset's allowedIncrease); and the earliest look at which a continuous metric (Mann-Whitney, ${alpha * 100} % Pocock-like, 5 points per side) can reach its level at all:`,
  ];
  for (const profile of profiles) {
    const requests = requestsPerVersion(profile, service);
    const powers = cases.map(
      (c) =>
        `α ${c.alpha}, ×${c.allowedIncrease}: ${(100 * bestCountPower({ profile, ratio: 2, ...c }, service)).toFixed(1)}%`,
    );
    const look = earliestMannWhitneyLook(profile, alpha, 5);
    lines.push(
      `  ${profile.id}: ${Math.round(requests).toLocaleString('en-US')} requests per version, ${(requests * service.errorRate).toFixed(0)} baseline 5xx expected; ${powers.join('; ')}; earliest continuous rollback: minute ${look.minutes.toFixed(1)} (${look.points} points per side, one-sided α ${look.alpha.toPrecision(2)})`,
    );
  }
  return lines.join('\n');
}
