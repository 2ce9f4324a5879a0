import { createRng } from './rng';
import { ar1Series } from './generators/ar1';
import { cpuSeries } from './generators/cpu';
import { errorSeries } from './generators/errors';
import { latencySeries } from './generators/latency';
import { buildTimeline, type Period } from '../../shared/plan/timeline';
import { requestCounts } from './generators/traffic';
import type { CanaryEffect } from './scenarios';
import type { RunProfile, ServiceModel } from './world';

/** Continuous metrics of the simulated run (one value per period); their names match the judged config's. */
export const CONTINUOUS_METRICS = ['latency', 'latency-p99', 'cpu'] as const;
/** Count metrics of the simulated run (events of the period's requests). */
export const COUNT_METRICS = ['error-rate', 'latency-slow'] as const;
export type ContinuousMetric = (typeof CONTINUOUS_METRICS)[number];
export type CountMetric = (typeof COUNT_METRICS)[number];

export interface VersionSeries {
  /** Per period: mean latency, p99 (seconds), CPU (%). */
  values: Record<ContinuousMetric, number[]>;
  /** Requests per period. */
  requests: number[];
  /** Per period: 5xx responses, requests slower than the slow bound. */
  events: Record<CountMetric, number[]>;
  /** Per period, requests per latency histogram bucket (only when asked for: `histogramBoundsSeconds`). */
  latencyBuckets?: number[][];
}

export interface RunSeries {
  periods: Period[];
  baseline: VersionSeries;
  canary: VersionSeries;
}

// Independent random streams, so that changing the canary's effect leaves the shared noise and the baseline
// untouched (common random numbers across scenarios).
const STREAM = { shared: 0, baseline: 1, canary: 2, baselineHistogram: 3, canaryHistogram: 4 } as const;

export interface SeriesOptions {
  /** Also draw each period's latency histogram with these bucket bounds (seconds, ascending). */
  histogramBoundsSeconds?: readonly number[];
}

/** All per-period series of one seeded run, for every step of the plan. */
export function simulateRunSeries(
  seed: number,
  profile: RunProfile,
  service: ServiceModel,
  effect: CanaryEffect,
  options: SeriesOptions = {},
): RunSeries {
  const periods = buildTimeline(profile.steps, profile.periodSeconds);
  const shared = createRng(seed, STREAM.shared);
  const dt = profile.periodSeconds;
  const trafficLevel = ar1Series(shared, periods.length, dt, service.trafficLevel);
  const drift = ar1Series(shared, periods.length, dt, service.latencyDrift);
  // exp of a N(0, sd²) has mean exp(sd²/2): divide it out so bursts do not change the average error rate.
  const burst = ar1Series(shared, periods.length, dt, service.errorBurst).map((x) =>
    Math.exp(x - service.errorBurst.sd ** 2 / 2),
  );
  const runSeconds = profile.steps.reduce((s, step) => s + step.durationSeconds, 0);

  const version = (stream: number, histogramStream: number, canaryEffect: CanaryEffect): VersionSeries => {
    const rng = createRng(seed, stream);
    const requests = requestCounts(rng, periods, dt, { requestsPerSecond: service.requestsPerSecond }, trafficLevel);
    const latencyFactor = Math.log(canaryEffect.latencyFactor ?? 1);
    const leak = canaryEffect.leakFactorAtEnd ?? 1;
    const logShift = periods.map(
      (p, i) => drift[i] + latencyFactor + Math.log(1 + ((leak - 1) * (p.startSeconds + dt / 2)) / runSeconds),
    );
    const latency = latencySeries(rng, service.latency, {
      requests,
      logShift,
      instances: profile.instancesPerVersion,
      slowPath: canaryEffect.slowPath,
      quantile: 0.99,
      slowBoundSeconds: service.slowBoundSeconds,
      histogram: options.histogramBoundsSeconds && {
        boundsSeconds: options.histogramBoundsSeconds,
        rng: createRng(seed, histogramStream),
      },
    });
    const errorFactor = canaryEffect.errorRateFactor ?? 1;
    const errors = errorSeries(
      rng,
      requests,
      burst.map((b) => service.errorRate * b * errorFactor),
    );
    const perInstanceLoad = requests.map((n) => n / dt / profile.instancesPerVersion);
    const cpu = cpuSeries(rng, service.cpu, dt, perInstanceLoad, profile.instancesPerVersion);
    return {
      values: { latency: latency.average, 'latency-p99': latency.quantile, cpu },
      requests,
      events: { 'error-rate': errors.count, 'latency-slow': latency.slow },
      ...(latency.buckets ? { latencyBuckets: latency.buckets } : {}),
    };
  };

  return {
    periods,
    baseline: version(STREAM.baseline, STREAM.baselineHistogram, {}),
    canary: version(STREAM.canary, STREAM.canaryHistogram, effect),
  };
}
