import { parseOrThrow, ValidationError } from '../config/validation';
import {
  canaryConfigSchema,
  parseCanaryConfig,
  scoreThresholdsSchema,
  type CanaryConfig,
  type CanaryConfigInput,
  type CanaryMetricConfig,
  type MetricAnalysisConfig,
  type ScoreThresholds,
} from './canary-config';
import { classifySamples, effectSizeThresholds, JUDGE_TOLERANCE, noData, type Classified } from './classifier';
import { sampleStats } from './descriptive';
import { classifyCounts, type FreshCountSummary } from './count-classifier';
import { classifyHistogram, periodMeans, type HistogramClassified } from './histogram-classifier';
import { isCountData, isHistogramData, metricDataSchema, type MetricDataInput } from './metric-data';
import { sampleOf, type Sample } from './sample';
import { scoreResults, verdictFor } from './scorer';
import { cleanSample } from './transforms';
import type {
  CountMetricData,
  CountSamples,
  HistogramMetricData,
  JudgeOptions,
  JudgeResult,
  JudgeThresholds,
  MetricData,
  MetricResult,
  SeriesMetricData,
} from './types';

/**
 * The judge (judge-spec §1): every metric of the config is cleaned, classified and scored, in config order.
 * Bad config, data, thresholds or options throw a ValidationError naming the field; a metric that cannot be
 * classified becomes "Error" (as in Kayenta) without failing the others.
 */

/** Spinnaker's canary stage defaults. */
export const DEFAULT_THRESHOLDS: JudgeThresholds = { marginal: 50, pass: 75 };
/** Kayenta's judge confidence level. */
export const DEFAULT_CONFIDENCE_LEVEL = 0.98;

function checkedLevel(level: unknown, path: string): number {
  if (typeof level === 'number' && level > 0 && level < 1) return level;
  throw new ValidationError('judge options', [
    { path, message: `must be a number strictly between 0 and 1 (got ${String(level)})` },
  ]);
}

function checkedAlternatives(grid: readonly unknown[]): readonly number[] {
  if (grid.length > 0 && grid.every((g) => typeof g === 'number' && g > 1 && Number.isFinite(g))) {
    return grid as readonly number[];
  }
  throw new ValidationError('judge options', [
    {
      path: 'countAlternatives',
      message: `must be a non-empty list of finite ratios above 1 (got ${JSON.stringify(grid)})`,
    },
  ]);
}

/** The options with their defaults, checked once per call. */
interface JudgeSettings {
  confidenceLevel: number;
  metricConfidence: Record<string, number>;
  countConfidenceLevel?: number;
  countFinalConfidenceLevel?: number;
  counts: 'test' | 'ratio-series';
  countTest: 'anytime-valid' | 'conditional-binomial';
  rollbackFloors: boolean;
  requireAttainableLevel: boolean;
  countIntervals: boolean;
  countAlternatives?: readonly number[];
  histograms: 'requests' | 'mean-series';
}

function judgeSettings(options: JudgeOptions): JudgeSettings {
  const metricConfidence = options.metricConfidence ?? {};
  for (const [name, level] of Object.entries(metricConfidence)) checkedLevel(level, `metricConfidence.${name}`);
  return {
    confidenceLevel:
      options.confidenceLevel === undefined
        ? DEFAULT_CONFIDENCE_LEVEL
        : checkedLevel(options.confidenceLevel, 'confidenceLevel'),
    metricConfidence,
    countConfidenceLevel:
      options.countConfidenceLevel === undefined
        ? undefined
        : checkedLevel(options.countConfidenceLevel, 'countConfidenceLevel'),
    countFinalConfidenceLevel:
      options.countFinalConfidenceLevel === undefined
        ? undefined
        : checkedLevel(options.countFinalConfidenceLevel, 'countFinalConfidenceLevel'),
    counts: options.counts ?? 'test',
    countTest: options.countTest ?? 'anytime-valid',
    rollbackFloors: options.rollbackFloors ?? false,
    requireAttainableLevel: options.requireAttainableLevel ?? false,
    countIntervals: options.countIntervals ?? true,
    countAlternatives: options.countAlternatives && checkedAlternatives(options.countAlternatives),
    histograms: options.histograms ?? 'requests',
  };
}

/** Kayenta's order: NaN handling first, then outliers, on each sample on its own. */
function clean(values: number[], analysis: MetricAnalysisConfig): Sample {
  const outliers = analysis.outliers;
  const removal =
    outliers && outliers.strategy !== 'keep' ? { method: outliers.method, factor: outliers.outlierFactor } : undefined;
  return cleanSample(values, analysis.nanStrategy, removal);
}

function metricResult(
  metric: CanaryMetricConfig,
  classified: Classified & { counts?: FreshCountSummary; histogram?: HistogramClassified['histogram'] },
  samples: { baseline: Sample; canary: Sample },
  confidenceLevel: number,
): MetricResult {
  const analysis = metric.analysisConfigurations.canary;
  const test = classified.test;
  const counts = classified.counts ?? null;
  const histogram = classified.histogram ?? null;
  return {
    name: metric.name,
    kind: counts ? 'counts' : histogram ? 'histogram' : 'continuous',
    classification: classified.classification,
    reason: classified.reason,
    critical: classified.critical,
    insufficientData: classified.insufficientData,
    muted: analysis.muted,
    groups: metric.groups,
    direction: analysis.direction,
    estimate: counts ? counts.rateRatio : histogram ? histogram.meanRatio : (test?.estimate ?? null),
    lower: counts ? counts.lower : (test?.lower ?? null),
    upper: counts ? counts.upper : (test?.upper ?? null),
    pValue: counts
      ? countPValue(counts, analysis.direction)
      : histogram
        ? sidedPValue(histogram.pHigher, histogram.pLower, analysis.direction)
        : (test?.pValue ?? null),
    confidenceLevel,
    ratio: classified.ratio,
    effectSize: {
      measure: counts ? 'rateRatio' : (analysis.effectSize?.measure ?? 'meanRatio'),
      value: classified.effectSize,
    },
    counts,
    ...(histogram ? { histogram } : {}),
    baseline: sampleStats(samples.baseline),
    canary: sampleStats(samples.canary),
  };
}

/** The count test's p-value of the side(s) the metric fails on (anytime-valid: 1/E). */
function countPValue(counts: FreshCountSummary, direction: MetricAnalysisConfig['direction']): number {
  return sidedPValue(counts.pIncrease, counts.pDecrease, direction);
}

function sidedPValue(pIncrease: number, pDecrease: number, direction: MetricAnalysisConfig['direction']): number {
  return direction === 'increase' ? pIncrease : direction === 'decrease' ? pDecrease : Math.min(pIncrease, pDecrease);
}

/** Per-period rates events/exposures (NaN for a period without exposures): Kayenta's view of a count metric. */
function ratioSeries(side: CountSamples): number[] {
  return side.events.map((events, t) => (side.totals[t] > 0 ? events / side.totals[t] : NaN));
}

function judgeMetric(
  metric: CanaryMetricConfig,
  samples: SeriesMetricData | CountMetricData | HistogramMetricData | undefined,
  settings: JudgeSettings,
): MetricResult {
  const analysis = metric.analysisConfigurations.canary;
  const confidenceLevel = settings.metricConfidence[metric.name] ?? settings.confidenceLevel;
  const configured = analysis.effectSize;
  const rollbackFloors = settings.rollbackFloors
    ? { increase: configured?.rollbackIncrease, decrease: configured?.rollbackDecrease }
    : {};
  const classifier = {
    direction: analysis.direction,
    nanStrategy: analysis.nanStrategy,
    critical: analysis.critical,
    mustHaveData: analysis.mustHaveData,
    minDataPoints: analysis.minDataPoints ?? 1,
    tolerance: JUDGE_TOLERANCE,
    confidenceLevel,
    effectSize: effectSizeThresholds(analysis.effectSize),
    rollbackFloors,
    requireAttainableLevel: settings.requireAttainableLevel,
    unit: metric.unit,
  };
  if (!samples) {
    // the source returned no series at all: nanStrategy does not apply, mustHaveData and critical do
    const empty = { baseline: sampleOf([]), canary: sampleOf([]) };
    return metricResult(metric, noData(`no data returned for ${metric.name}`, classifier), empty, confidenceLevel);
  }
  // the per-period values a count or histogram metric's result describes (its test reads the counts, not these)
  const described = (values: number[]) => clean(values, { ...analysis, outliers: undefined, nanStrategy: 'remove' });
  if (isCountData(samples) && settings.counts === 'test') {
    const countLevel = settings.countConfidenceLevel ?? confidenceLevel;
    const rates = {
      baseline: described(ratioSeries(samples.baseline)),
      canary: described(ratioSeries(samples.canary)),
    };
    if (classifier.effectSize.measure === 'cles') {
      return metricResult(
        metric,
        errorResult('a count metric is judged on its rate ratio: use measure "meanRatio"'),
        rates,
        countLevel,
      );
    }
    const classified = classifyCounts(metric.name, samples, {
      ...classifier,
      test: settings.countTest,
      alpha: (1 - countLevel) / 2,
      interval: settings.countIntervals,
      alternatives: settings.countAlternatives,
      finalAlpha:
        settings.countFinalConfidenceLevel === undefined ? undefined : (1 - settings.countFinalConfidenceLevel) / 2,
    });
    return metricResult(metric, classified, rates, countLevel);
  }
  if (isHistogramData(samples) && settings.histograms === 'requests') {
    const means = {
      baseline: described(periodMeans(samples.baseline)),
      canary: described(periodMeans(samples.canary)),
    };
    return metricResult(metric, classifyHistogram(metric.name, samples, classifier), means, confidenceLevel);
  }
  const series = isCountData(samples)
    ? { baseline: ratioSeries(samples.baseline), canary: ratioSeries(samples.canary) }
    : isHistogramData(samples)
      ? { baseline: periodMeans(samples.baseline), canary: periodMeans(samples.canary) }
      : samples;
  const cleaned = { baseline: clean(series.baseline, analysis), canary: clean(series.canary, analysis) };
  let classified: Classified;
  try {
    classified = classifySamples(metric.name, cleaned.baseline, cleaned.canary, classifier);
  } catch (error) {
    classified = errorResult(error instanceof Error ? error.message : String(error));
  }
  return metricResult(metric, classified, cleaned, confidenceLevel);
}

/** Kayenta's "Error": the metric could not be classified; it fails nothing by itself. */
function errorResult(message: string): Classified {
  return {
    classification: 'Error',
    reason: `Metric Classification Failed: ${message}`,
    critical: false,
    insufficientData: false,
    test: null,
    ratio: null,
    effectSize: null,
  };
}

/** Non-muted metrics not judged yet for too few points, and those of them a run must judge before it promotes. */
function insufficientDataOf(
  configs: CanaryMetricConfig[],
  metrics: MetricResult[],
): Pick<JudgeResult, 'insufficientData' | 'insufficientDataRequired'> {
  const unjudged = configs.filter((_, i) => metrics[i].insufficientData && !metrics[i].muted);
  const required = unjudged.filter(
    (m) => m.analysisConfigurations.canary.critical || m.analysisConfigurations.canary.mustHaveData,
  );
  return { insufficientData: unjudged.map((m) => m.name), insufficientDataRequired: required.map((m) => m.name) };
}

export function judge(
  config: CanaryConfigInput | CanaryConfig,
  data: MetricDataInput,
  thresholds: JudgeThresholds = DEFAULT_THRESHOLDS,
  options: JudgeOptions = {},
): JudgeResult {
  const canaryConfig = parseCanaryConfig(config, (c) => parseOrThrow(canaryConfigSchema, c, 'canary config'));
  const samples = parseOrThrow(metricDataSchema, data, 'metric data');
  const checkedThresholds = parseOrThrow(scoreThresholdsSchema, thresholds, 'score thresholds');
  return judgeSamples(canaryConfig, samples, checkedThresholds, options);
}

/**
 * `judge` with a canary config and thresholds their schemas already parsed (a run's input, parsed once at its task's
 * boundary): only the data, which comes from a metrics source at every look, and the options are checked.
 */
export function judgeWithParsedConfig(
  canaryConfig: CanaryConfig,
  data: MetricDataInput,
  thresholds: ScoreThresholds,
  options: JudgeOptions = {},
): JudgeResult {
  return judgeSamples(canaryConfig, parseOrThrow(metricDataSchema, data, 'metric data'), thresholds, options);
}

function refuseUnknownMetrics(canaryConfig: CanaryConfig, samples: MetricData): void {
  const known = new Set(canaryConfig.metrics.map((m) => m.name));
  const unknown = Object.keys(samples).filter((name) => !known.has(name));
  if (unknown.length === 0) return;
  throw new ValidationError(
    'metric data',
    unknown.map((name) => ({
      path: name,
      message: `no metric "${name}" in the canary config (it has: ${[...known].join(', ')})`,
    })),
  );
}

/**
 * A floor on the mean ratio's bound needs the requests' spread, which only buckets give: judging such a metric's
 * series on its plain ratio would be laxer than configured, without a word. (Kayenta's mode reads histograms as
 * per-period means and ignores the bound, as documented.)
 */
function refuseUnboundedFloors(canaryConfig: CanaryConfig, samples: MetricData): void {
  const unbounded = canaryConfig.metrics.filter(
    (m) =>
      (m.analysisConfigurations.canary.effectSize?.floorConfidence ?? 0.5) > 0.5 &&
      effectSizeThresholds(m.analysisConfigurations.canary.effectSize).measure === 'meanRatio' &&
      Object.hasOwn(samples, m.name) &&
      !isHistogramData(samples[m.name]),
  );
  if (unbounded.length === 0) return;
  throw new ValidationError(
    'metric data',
    unbounded.map((m) => ({
      path: m.name,
      message: `effectSize.floorConfidence ${m.analysisConfigurations.canary.effectSize?.floorConfidence} needs histogram data (bucket counts and sums) for "${m.name}"; it got ${isCountData(samples[m.name]) ? 'counts' : 'a series'}: give the metric its histogram, or drop floorConfidence`,
    })),
  );
}

function judgeSamples(
  canaryConfig: CanaryConfig,
  samples: MetricData,
  checkedThresholds: ScoreThresholds,
  options: JudgeOptions,
): JudgeResult {
  const settings = judgeSettings(options);

  refuseUnknownMetrics(canaryConfig, samples);
  if (settings.histograms === 'requests') refuseUnboundedFloors(canaryConfig, samples);

  const metrics = canaryConfig.metrics.map((m) =>
    judgeMetric(m, Object.hasOwn(samples, m.name) ? samples[m.name] : undefined, settings),
  );
  const scored = scoreResults(metrics, canaryConfig.classifier.groupWeights);
  return {
    score: scored.score,
    verdict: verdictFor(scored.score, checkedThresholds),
    reason: scored.reason,
    thresholds: checkedThresholds,
    confidenceLevel: settings.confidenceLevel,
    groups: scored.groups,
    metrics,
    ...insufficientDataOf(canaryConfig.metrics, metrics),
  };
}
