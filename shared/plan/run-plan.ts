import { countFinalShareOf, type RunInput } from '../config/run-config';
import { resolveMetricQuery } from '../config/metric-presets';
import { isCountQuery, isHistogramQuery } from '../metrics/metric-query';
import { looksInStep } from '../run/looks';
import { bucketInformationShare, logNormalFromQuantiles, PROMETHEUS_DEFAULT_BUCKETS_SECONDS } from './latency-shift';
import {
  bestCountPower,
  earliestContinuousFailure,
  latencyShiftCrossing,
  minimumProvingEvents,
  periodsSeen,
  plannedLooks,
  sequentialCountPower,
  type SourceTiming,
} from './power';
import { buildTimeline, type Period } from './timeline';

/**
 * What a run's design can catch at best, before it runs (`canary-judge plan`): from its steps, looks, error control,
 * metrics source and canary config, and what the operator knows of the traffic. Ceilings, not predictions: the judge
 * catches less (docs/statistical-quality.md "Limits").
 */

export interface PlanAssumptions {
  /** Requests per second on the listener (all versions). */
  requestsPerSecond: number;
  /** The baseline's share of requests that are events, per count metric; `default` for the ones not named. */
  eventRates: { default: number; byMetric: Record<string, number> };
  /** The regression the count metrics are planned against: a rate ratio canary / baseline. */
  ratio: number;
  /** The latency the histogram metrics count, as a log-normal with this p50 and p99; absent: not planned. */
  latency?: LatencyAssumption;
}

export interface LatencyAssumption {
  p50Seconds: number;
  p99Seconds: number;
  /** The regression planned against: the canary's latency × this (all requests, so its mean too). */
  increase: number;
  /** A Prometheus histogram's upper bounds (its `le`, which the run reads only from the data); absent: the defaults. */
  bucketsSeconds?: readonly number[];
}

/** How soon a histogram metric could roll back a latency × `increase`, at best (the latency assumed). */
export interface LatencyShiftPlan {
  increase: number;
  /** Upper bounds of the buckets judged: the query's (CloudWatch percentile ranks) or assumed (Prometheus). */
  bucketsFrom: 'query' | 'assumed';
  bounds: number;
  /** The share of what every request tells of a shift of log latency that the bucket counts keep. */
  informationShare: number;
  /**
   * A test that knows the latency's distribution, reads these buckets from the metric's first judged look, at the
   * run's levels: the median minutes to its rollback (null: in fewer than half the runs), and its chance by then (by
   * the end when null).
   */
  medianMinutes: number | null;
  probability: number;
}

export interface CountMetricPlan {
  name: string;
  eventRate: number;
  /** Events the baseline is expected to have over the run. */
  baselineEvents: number;
  /** The null boundary of its test (allowedIncrease). */
  allowedIncrease: number;
  /** Best power of any test of the run's counts, one look at the end, at the run's one-sided level. */
  bestPower: number;
  /**
   * The conditional binomial test at the level every look gives the metric (group-sequential, normal approximation);
   * null in Kayenta mode or without a run budget (errorControl.method "none"), where looks have no levels of their own.
   */
  everyLookPower: number | null;
  /**
   * The fewest events, all on the canary, with which the run's count test (judgment.countTest) can prove a rise at
   * all (minimumProvingEvents); null in Kayenta mode, which judges counts as per-period ratios.
   */
  minimumEvents: number | null;
  /**
   * The same at the run's last look, where the exact test the anytime-valid one keeps a share for
   * (judgment.countFinalShare) joins it; null without that test.
   */
  minimumEventsLastLook: number | null;
  /** Events the canary is expected to have over the run at the planned ratio. */
  canaryEvents: number;
}

export interface ContinuousMetricPlan {
  name: string;
  /**
   * `series`: one value per period, Mann-Whitney on the points; `histogram`: the requests in buckets (a
   * latency-histogram or *-histogram query), judged from its first look with minDataPoints periods.
   */
  kind: 'series' | 'histogram';
  minDataPoints: number;
  /** The first look at which the metric can fail at all, whatever the data; null: none can (or no levels). */
  earliest: { minutes: number; points: number; confidenceLevel: number } | null;
  /** Histogram metrics with a latency assumed and looks with levels of their own; else null. */
  latencyShift: LatencyShiftPlan | null;
}

export interface RunPlan {
  runSeconds: number;
  looks: number;
  timing: SourceTiming;
  /** One-sided level of the run per metric and direction. */
  alpha: number;
  /** Requests per version in the periods the run's last look judges (after the warm-up, complete at the source). */
  requestsPerVersion: number;
  ratio: number;
  countMetrics: CountMetricPlan[];
  continuousMetrics: ContinuousMetricPlan[];
}

/** The run's source timing and warm-up. */
export function runTiming(run: RunInput): SourceTiming {
  const source = run.metricsSource;
  const periodSeconds = source.type === 'prometheus' ? source.stepSeconds : source.periodSeconds;
  return { periodSeconds, delaySeconds: source.delaySeconds, warmupSeconds: run.analysis.warmupSeconds };
}

/** The run's design against the traffic assumed (inputs validated: a parsed run input, positive rates). */
export function planRun(run: RunInput, assumptions: PlanAssumptions): RunPlan {
  const timing = runTiming(run);
  const control = run.analysis.errorControl;
  const alpha = control.method === 'none' ? (1 - run.analysis.confidenceLevel) / 2 : control.runFalseRollbackRate;
  const levelsPerLook = run.judgment.mode === 'sequential' && control.method !== 'none';
  const finalShare = countFinalShareOf(run.judgment);
  const requestsPer = (seconds: number, weight: number) => assumptions.requestsPerSecond * (weight / 100) * seconds;
  const runSeconds = run.steps.reduce((sum, s) => sum + s.durationSeconds, 0);
  // what the run's last look judges: the warm-up skipped, the periods not complete at the source by the end left out
  const judged = periodsSeen(buildTimeline(run.steps, timing.periodSeconds), timing, runSeconds);
  const requestsPerVersion = judged.reduce((sum, p) => sum + requestsPer(timing.periodSeconds, p.share * 100), 0);
  const looks = run.steps.reduce((sum, _, i) => sum + looksInStep(run, i), 0);

  const countMetrics: CountMetricPlan[] = [];
  const continuousMetrics: ContinuousMetricPlan[] = [];
  run.canaryConfig.metrics.forEach((metric, index) => {
    const analysis = metric.analysisConfigurations.canary;
    // what the run will fetch: the metric's own query, else its preset's for this source
    const query = resolveMetricQuery(metric, run.metricsSource.type, index);
    if (isCountQuery(query)) {
      const eventRate = assumptions.eventRates.byMetric[metric.name] ?? assumptions.eventRates.default;
      const allowedIncrease = analysis.effectSize?.allowedIncrease ?? 1;
      const perPeriod = (p: Period) => requestsPer(timing.periodSeconds, p.share * 100) * eventRate;
      const baselineEvents = requestsPerVersion * eventRate;
      countMetrics.push({
        name: metric.name,
        eventRate,
        baselineEvents,
        allowedIncrease,
        bestPower: bestCountPower({ baselineEvents, ratio: assumptions.ratio, allowedIncrease, alpha }),
        everyLookPower: levelsPerLook
          ? sequentialCountPower(run, metric.name, timing, perPeriod, assumptions.ratio, allowedIncrease)
          : null,
        minimumEvents:
          run.judgment.mode === 'sequential'
            ? minimumProvingEvents(run.judgment.countTest, allowedIncrease, alpha * (1 - finalShare))
            : null,
        minimumEventsLastLook:
          finalShare > 0 ? minimumProvingEvents('conditional-binomial', allowedIncrease, alpha * finalShare) : null,
        canaryEvents: baselineEvents * assumptions.ratio,
      });
      return;
    }
    const minDataPoints = analysis.minDataPoints ?? 1;
    // a histogram's test sees the requests: any look with its periods can fail it; a series needs enough points
    // for Mann-Whitney to reach the look's level at all
    const histogram = isHistogramQuery(query);
    const look = !levelsPerLook
      ? undefined
      : histogram
        ? plannedLooks(run, metric.name, timing, () => 1, { minPoints: minDataPoints, judged: false })[0]
        : earliestContinuousFailure(run, metric.name, timing, minDataPoints);
    const latency = assumptions.latency;
    continuousMetrics.push({
      name: metric.name,
      kind: histogram ? 'histogram' : 'series',
      minDataPoints,
      earliest: look ? { minutes: look.minutes, points: look.points, confidenceLevel: 1 - 2 * look.alpha } : null,
      latencyShift:
        histogram && look && latency
          ? latencyShiftPlan(run, metric.name, timing, minDataPoints, latency, {
              bounds: query.type === 'cloudwatch-histogram' ? query.bounds : undefined,
              requestsPerPeriod: (p) => requestsPer(timing.periodSeconds, p.share * 100),
            })
          : null,
    });
  });
  return {
    runSeconds,
    looks,
    timing,
    alpha,
    requestsPerVersion,
    ratio: assumptions.ratio,
    countMetrics,
    continuousMetrics,
  };
}

/**
 * The best case for a histogram metric against a latency × `increase` (LatencyShiftPlan): the information of the n
 * requests per side behind a look is n·share/σ², and its z crosses the run's boundaries for the metric as
 * latencyShiftCrossing says.
 */
function latencyShiftPlan(
  run: RunInput,
  metric: string,
  timing: SourceTiming,
  minDataPoints: number,
  latency: LatencyAssumption,
  source: { bounds: readonly number[] | undefined; requestsPerPeriod: (p: Period) => number },
): LatencyShiftPlan {
  const distribution = logNormalFromQuantiles(latency.p50Seconds, latency.p99Seconds);
  const bounds = source.bounds ?? latency.bucketsSeconds ?? PROMETHEUS_DEFAULT_BUCKETS_SECONDS;
  const informationShare = bucketInformationShare(bounds, distribution);
  const perRequest = informationShare / distribution.sigma ** 2;
  const looks = plannedLooks(run, metric, timing, (p) => perRequest * source.requestsPerPeriod(p), {
    minPoints: minDataPoints,
  });
  const { medianMinutes, byMinute } = latencyShiftCrossing(looks, latency.increase);
  const decided = Number.isNaN(medianMinutes) ? undefined : byMinute.find((b) => b.minutes === medianMinutes);
  return {
    increase: latency.increase,
    bucketsFrom: source.bounds ? 'query' : 'assumed',
    bounds: bounds.length,
    informationShare,
    medianMinutes: decided ? medianMinutes : null,
    probability: (decided ?? byMinute[byMinute.length - 1]).probability,
  };
}
