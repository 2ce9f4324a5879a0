import { createRng } from './rng';
import { ar1Series } from './generators/ar1';
import { cpuSeries } from './generators/cpu';
import { errorSeries } from './generators/errors';
import { latencySeries } from './generators/latency';
import { buildTimeline, type Period } from './generators/timeline';
import { requestCounts } from './generators/traffic';
import type { CanaryEffect } from './scenarios';
import type { RunProfile, ServiceModel } from './world';

/** Metric names of the simulated run; they match the built-in presets the harness judges with. */
export const SIMULATED_METRICS = ['latency', 'latency-p99', 'error-rate', 'cpu'] as const;
export type SimulatedMetric = (typeof SIMULATED_METRICS)[number];

export type VersionSeries = Record<SimulatedMetric, number[]>;

export interface RunSeries {
  periods: Period[];
  baseline: VersionSeries;
  canary: VersionSeries;
}

// Independent random streams, so that changing the canary's effect leaves the shared noise and the baseline
// untouched (common random numbers across scenarios).
const STREAM = { shared: 0, baseline: 1, canary: 2 } as const;

/** All per-period series of one seeded run, for every step of the plan. */
export function simulateRunSeries(
  seed: number,
  profile: RunProfile,
  service: ServiceModel,
  effect: CanaryEffect,
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

  const version = (stream: number, canaryEffect: CanaryEffect): VersionSeries => {
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
    });
    const errorFactor = canaryEffect.errorRateFactor ?? 1;
    const errors = errorSeries(
      rng,
      requests,
      burst.map((b) => service.errorRate * b * errorFactor),
    );
    const perInstanceLoad = requests.map((n) => n / dt / profile.instancesPerVersion);
    const cpu = cpuSeries(rng, service.cpu, dt, perInstanceLoad, profile.instancesPerVersion);
    return { latency: latency.average, 'latency-p99': latency.quantile, 'error-rate': errors.rate, cpu };
  };

  return { periods, baseline: version(STREAM.baseline, {}), canary: version(STREAM.canary, effect) };
}
