import type { AnalysisConfig, JudgmentConfig } from '../../shared/config/run-config';
import { resolveMetricQuery } from '../../shared/config/metric-presets';
import type { CanaryConfig } from '../../shared/judge/canary-config';
import { isHistogramQuery } from '../../shared/metrics/metric-query';
import type { JudgeThresholds, MetricData } from '../../shared/judge/types';
import {
  isLastLookOfRun,
  isLastLookOfStep,
  judgeLook,
  lookDueSeconds,
  looksInStep,
  type LookInput,
  type LookPosition,
  type SpentBudget,
} from '../../shared/run/looks';
import { periodsSeen } from '../../shared/plan/power';
import { histogramBoundsOf, type RunProfile, type ServiceModel } from './world';
import { CONTINUOUS_METRICS, COUNT_METRICS, type RunSeries } from './series';

/** How a run is judged: the canary config, the thresholds, the run-level error control and the judgment mode. */
export interface Policy {
  id: string;
  label: string;
  canaryConfig: CanaryConfig;
  thresholds: JudgeThresholds;
  analysis: AnalysisConfig;
  mode: JudgmentConfig['mode'];
  /**
   * Sequential looks every profile check interval (the profile says how often its source is worth a look, like its
   * metric period), or only at each step's end.
   */
  looks: 'every-check' | 'step-end';
  /** The count metrics' test (sequential mode); absent: the default, anytime-valid. */
  countTest?: JudgmentConfig['countTest'];
  /** The anytime-valid count test's relative alternatives; absent: its default grid. */
  countAlternatives?: readonly number[];
  /** The share of the anytime-valid count test's budget kept for an exact test at the run's last look; absent: the default. */
  countFinalShare?: number;
}

export interface RunVerdict {
  action: 'promote' | 'rollback';
  /** 0-based step of the deciding look. */
  stepIndex: number;
  /** Minutes from the first shift to the deciding look (the metric delay included: a look sees only complete data). */
  minutes: number;
  /** Metrics that were not Pass at the deciding look (the reasons of a rollback). */
  failing: string[];
}

const inputs = new Map<string, LookInput>();

/**
 * The run input the looks read: the policy's judging with the profile's steps and check interval. One object per
 * (policy, profile), so the boundaries worked out for one run serve all others (shared/run/looks.ts caches them per
 * input).
 */
export function lookInput(policy: Policy, profile: RunProfile): LookInput {
  const key = `${policy.id}/${profile.id}`;
  const known = inputs.get(key);
  if (known) return known;
  const longestStep = Math.max(...profile.steps.map((s) => s.durationSeconds));
  const input: LookInput = {
    canaryConfig: policy.canaryConfig,
    thresholds: policy.thresholds,
    analysis: policy.analysis,
    judgment: {
      mode: policy.mode,
      countTest: policy.countTest ?? 'anytime-valid',
      countFinalShare: policy.countFinalShare,
      checkIntervalSeconds: policy.looks === 'every-check' ? profile.checkIntervalSeconds : longestStep,
    },
    steps: profile.steps,
  };
  inputs.set(key, input);
  return input;
}

/**
 * Mean latency read as a histogram (the latency-histogram preset): each period's requests per bucket, and their sum
 * as the period's mean × requests (a histogram's _sum).
 */
function latencyHistogram(side: RunSeries['baseline'], bounds: readonly number[], count: number) {
  if (!side.latencyBuckets)
    throw new Error('the series has no latency histogram (simulate it with histogramBoundsSeconds)');
  return {
    bounds: [...bounds],
    counts: side.latencyBuckets.slice(0, count),
    sums: side.values.latency.slice(0, count).map((mean, t) => mean * side.requests[t]),
  };
}

/** The judged metrics' data over the first `count` periods (cumulative from the first shift). */
function windowData(
  series: RunSeries,
  canaryConfig: CanaryConfig,
  count: number,
  profile: RunProfile,
  service: ServiceModel,
): MetricData | undefined {
  if (count === 0) return undefined;
  const judged = new Map(canaryConfig.metrics.map((m) => [m.name, m]));
  const data: MetricData = {};
  for (const name of CONTINUOUS_METRICS) {
    const metric = judged.get(name);
    if (!metric) continue;
    if (name === 'latency' && isHistogramQuery(resolveMetricQuery(metric, profile.source))) {
      const bounds = histogramBoundsOf(profile, service);
      data[name] = {
        baseline: latencyHistogram(series.baseline, bounds, count),
        canary: latencyHistogram(series.canary, bounds, count),
      };
      continue;
    }
    data[name] = {
      baseline: series.baseline.values[name].slice(0, count),
      canary: series.canary.values[name].slice(0, count),
    };
  }
  for (const name of COUNT_METRICS) {
    if (!judged.has(name)) continue;
    const side = (v: RunSeries['baseline']) => ({
      events: v.events[name].slice(0, count),
      totals: v.requests.slice(0, count),
    });
    data[name] = { baseline: side(series.baseline), canary: side(series.canary) };
  }
  return data;
}

/** A look of a simulated run: where it is in the plan, and its time in seconds from the first shift. */
interface SimulatedLook {
  position: LookPosition;
  at: number;
}

/** Every look of the run in order, as the workflow makes them: one per check interval, the last at a step's end. */
function* runLooks(input: LookInput, profile: RunProfile): Generator<SimulatedLook> {
  let stepStart = 0;
  for (let stepIndex = 0; stepIndex < profile.steps.length; stepIndex++) {
    const looks = looksInStep(input, stepIndex);
    for (let look = 1; look <= looks; look++) {
      const position = { stepIndex, stepCount: profile.steps.length, look, looksInStep: looks };
      yield { position, at: stepStart + lookDueSeconds(input, stepIndex, look) };
    }
    stepStart += profile.steps[stepIndex].durationSeconds;
  }
}

/** Periods of the series complete at the source at a look at `at` seconds (ended at least the profile's delay before). */
function periodsSeenAt(series: RunSeries, profile: RunProfile, at: number): number {
  return periodsSeen(series.periods, profile, at).length;
}

/**
 * Judges a simulated run the way the workflow does: at every look the window's data (only periods complete at the
 * source, i.e. ended at least the profile's delay before the look) go to the real judge through the real
 * judgeLook (error control, count tests, decision rule), which says roll back, wait, go on, or promote.
 */
export function judgeRun(series: RunSeries, profile: RunProfile, policy: Policy, service: ServiceModel): RunVerdict {
  const input = lookInput(policy, profile);
  let spent: SpentBudget = {};
  for (const { position, at } of runLooks(input, profile)) {
    const { stepIndex, look } = position;
    const data = windowData(series, policy.canaryConfig, periodsSeenAt(series, profile, at), profile, service);
    if (!data) {
      if (isLastLookOfRun(position)) return { action: 'rollback', stepIndex, minutes: at / 60, failing: [] };
      continue;
    }
    const judged = judgeLook(input, data, position, spent, {
      countIntervals: false,
      countAlternatives: policy.countAlternatives,
    });
    spent = judged.spent;
    const { action } = judged.decision;
    if (action === 'rollback' || action === 'promote') {
      const failing = judged.result.metrics.filter((m) => m.classification !== 'Pass').map((m) => m.name);
      return { action, stepIndex, minutes: at / 60, failing };
    }
    if (action === 'continue' && !isLastLookOfStep(position)) {
      throw new Error(`look ${look} of step ${stepIndex + 1} decided to move on before the step's end`);
    }
  }
  throw new Error('the decision rule did not decide after the last look');
}
