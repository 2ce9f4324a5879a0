import type { Ar1Params } from './generators/ar1';
import type { CpuModel } from './generators/cpu';
import type { LatencyModel } from './generators/latency';
import { CLOUDWATCH_LATENCY_BOUNDS_SECONDS } from '../../shared/config/metric-presets';
import { PROMETHEUS_DEFAULT_BUCKETS_SECONDS } from '../../shared/plan/latency-shift';
import type { StepPlan } from '../../shared/plan/timeline';

/**
 * The simulated service and run plans. The numbers describe a modest web service; each is a modelling
 * assumption (stated in docs/statistical-quality.md) and can be changed here to see how the judge's error rates move.
 */
export interface ServiceModel {
  /** Requests per second on the listener. */
  requestsPerSecond: number;
  latency: LatencyModel;
  /** Probability that a request ends in a 5xx. */
  errorRate: number;
  /** Requests slower than this are counted as slow (the latency-slow-share preset's default bound). */
  slowBoundSeconds: number;
  /** Upper bounds of the service's latency histogram buckets, in seconds (below the last: +Inf). */
  latencyHistogramBoundsSeconds: readonly number[];
  cpu: CpuModel;
  /** Shared by both versions (they run side by side): load level, latency drift, bursts of errors. */
  trafficLevel: Ar1Params;
  latencyDrift: Ar1Params;
  errorBurst: Ar1Params;
}

export const DEFAULT_SERVICE: ServiceModel = {
  requestsPerSecond: 100,
  latency: { medianSeconds: 0.08, sigma: 0.6, instanceSd: 0.01 },
  errorRate: 0.002,
  slowBoundSeconds: 0.5,
  latencyHistogramBoundsSeconds: PROMETHEUS_DEFAULT_BUCKETS_SECONDS,
  cpu: { idle: 0.05, perRequestPerSecond: 0.01, instanceSd: 0.03, noise: { sd: 0.08, timeConstantSeconds: 300 } },
  trafficLevel: { sd: 0.1, timeConstantSeconds: 1800 },
  latencyDrift: { sd: 0.05, timeConstantSeconds: 1200 },
  errorBurst: { sd: 0.3, timeConstantSeconds: 300 },
};

export interface RunProfile {
  id: string;
  label: string;
  /** Where the metrics come from: Prometheus has latency histograms, CloudWatch one statistic per period. */
  source: 'cloudwatch' | 'prometheus';
  steps: StepPlan[];
  periodSeconds: number;
  /** How late a period's data is complete at the source (ALB metrics reach CloudWatch about a minute late). */
  delaySeconds: number;
  /** Seconds between looks inside a step (the run config's judgment.checkIntervalSeconds). */
  checkIntervalSeconds: number;
  instancesPerVersion: number;
  /** Judge only every n-th repetition on this profile (its runs are costlier: many more points per window). */
  everyNth: number;
}

const TEN_MINUTES = 600;

export const PROFILES: RunProfile[] = [
  {
    id: 'cw-5pct',
    label: 'CloudWatch 1 min, 4 × 10 min at 5 %',
    source: 'cloudwatch',
    steps: [5, 5, 5, 5].map((weight) => ({ weight, durationSeconds: TEN_MINUTES })),
    periodSeconds: 60,
    delaySeconds: 60,
    checkIntervalSeconds: 60,
    instancesPerVersion: 1,
    everyNth: 1,
  },
  {
    id: 'cw-ramp',
    label: 'CloudWatch 1 min, 4 × 10 min at 5/10/25/50 %',
    source: 'cloudwatch',
    steps: [5, 10, 25, 50].map((weight) => ({ weight, durationSeconds: TEN_MINUTES })),
    periodSeconds: 60,
    delaySeconds: 60,
    checkIntervalSeconds: 60,
    instancesPerVersion: 1,
    everyNth: 1,
  },
  {
    id: 'cw-8steps',
    label: 'CloudWatch 1 min, 8 × 5 min at 5 % (more looks, same data)',
    source: 'cloudwatch',
    steps: Array.from({ length: 8 }, () => ({ weight: 5, durationSeconds: TEN_MINUTES / 2 })),
    periodSeconds: 60,
    delaySeconds: 60,
    checkIntervalSeconds: 60,
    instancesPerVersion: 1,
    everyNth: 2,
  },
  {
    // the minimum sample at work: 3, 6, 9, 12 points per side at the four judgments
    id: 'cw-short',
    label: 'CloudWatch 1 min, 4 × 3 min at 5 % (3 points at the first judgment)',
    source: 'cloudwatch',
    steps: [5, 5, 5, 5].map((weight) => ({ weight, durationSeconds: 180 })),
    periodSeconds: 60,
    delaySeconds: 60,
    checkIntervalSeconds: 60,
    instancesPerVersion: 1,
    everyNth: 1,
  },
  {
    id: 'prom-ramp',
    label: 'Prometheus 10 s, 4 × 10 min at 5/10/25/50 %',
    source: 'prometheus',
    steps: [5, 10, 25, 50].map((weight) => ({ weight, durationSeconds: TEN_MINUTES })),
    periodSeconds: 10,
    // a scrape every 10 s: a 10-second period is complete one period after it ends
    delaySeconds: 10,
    checkIntervalSeconds: 30,
    instancesPerVersion: 1,
    everyNth: 8,
  },
];

/**
 * The latency histogram's bucket bounds a run of this profile reads: the service's own buckets from Prometheus, the
 * latency-histogram preset's percentile-rank bounds from CloudWatch.
 */
export function histogramBoundsOf(profile: RunProfile, service: ServiceModel): readonly number[] {
  return profile.source === 'prometheus' ? service.latencyHistogramBoundsSeconds : CLOUDWATCH_LATENCY_BOUNDS_SECONDS;
}

export function profileById(id: string): RunProfile {
  const found = PROFILES.find((p) => p.id === id);
  if (!found) throw new RangeError(`unknown profile "${id}" (known: ${PROFILES.map((p) => p.id).join(', ')})`);
  return found;
}
