import { parseOrThrow, ValidationError } from '../config/validation';
import {
  canaryConfigSchema,
  scoreThresholdsSchema,
  type CanaryConfig,
  type CanaryConfigInput,
  type CanaryMetricConfig,
  type MetricAnalysisConfig,
} from './canary-config';
import { classifySamples, effectSizeThresholds, JUDGE_TOLERANCE, noData, type Classified } from './classifier';
import { sampleStats } from './descriptive';
import { metricDataSchema, type MetricDataInput } from './metric-data';
import { sampleOf, type Sample } from './sample';
import { scoreResults, verdictFor } from './scorer';
import { cleanSample } from './transforms';
import type { JudgeOptions, JudgeResult, JudgeThresholds, MetricResult } from './types';

/**
 * The judge (judge-spec §1): every metric of the config is cleaned, classified and scored, in config order.
 * Bad config, data, thresholds or options throw a ValidationError naming the field; a metric that cannot be
 * classified becomes "Error" (as in Kayenta) without failing the others.
 */

/** Spinnaker's canary stage defaults. */
export const DEFAULT_THRESHOLDS: JudgeThresholds = { marginal: 50, pass: 75 };
/** Kayenta's judge confidence level. */
export const DEFAULT_CONFIDENCE_LEVEL = 0.98;

function checkedConfidenceLevel(level: number | undefined): number {
  if (level === undefined) return DEFAULT_CONFIDENCE_LEVEL;
  if (typeof level === 'number' && level > 0 && level < 1) return level;
  throw new ValidationError('judge options', [
    { path: 'confidenceLevel', message: `must be a number strictly between 0 and 1 (got ${String(level)})` },
  ]);
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
  classified: Classified,
  samples: { baseline: Sample; canary: Sample },
  confidenceLevel: number,
): MetricResult {
  const analysis = metric.analysisConfigurations.canary;
  const test = classified.test;
  return {
    name: metric.name,
    classification: classified.classification,
    reason: classified.reason,
    critical: classified.critical,
    insufficientData: classified.insufficientData,
    muted: analysis.muted,
    groups: metric.groups,
    direction: analysis.direction,
    estimate: test?.estimate ?? null,
    lower: test?.lower ?? null,
    upper: test?.upper ?? null,
    pValue: test?.pValue ?? null,
    confidenceLevel,
    ratio: classified.ratio,
    effectSize: { measure: analysis.effectSize?.measure ?? 'meanRatio', value: classified.effectSize },
    baseline: sampleStats(samples.baseline),
    canary: sampleStats(samples.canary),
  };
}

function judgeMetric(
  metric: CanaryMetricConfig,
  samples: { baseline: number[]; canary: number[] } | undefined,
  confidenceLevel: number,
): MetricResult {
  const analysis = metric.analysisConfigurations.canary;
  const settings = {
    direction: analysis.direction,
    nanStrategy: analysis.nanStrategy,
    critical: analysis.critical,
    mustHaveData: analysis.mustHaveData,
    minDataPoints: analysis.minDataPoints ?? 1,
    tolerance: JUDGE_TOLERANCE,
    confidenceLevel,
    effectSize: effectSizeThresholds(analysis.effectSize),
  };
  if (!samples) {
    // the source returned no series at all: nanStrategy does not apply, mustHaveData and critical do
    const empty = { baseline: sampleOf([]), canary: sampleOf([]) };
    return metricResult(metric, noData(`no data returned for ${metric.name}`, settings), empty, confidenceLevel);
  }
  const cleaned = { baseline: clean(samples.baseline, analysis), canary: clean(samples.canary, analysis) };
  let classified: Classified;
  try {
    classified = classifySamples(metric.name, cleaned.baseline, cleaned.canary, settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    classified = {
      classification: 'Error',
      reason: `Metric Classification Failed: ${message}`,
      critical: false,
      insufficientData: false,
      test: null,
      ratio: null,
      effectSize: null,
    };
  }
  return metricResult(metric, classified, cleaned, confidenceLevel);
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
  const canaryConfig = parseOrThrow(canaryConfigSchema, config, 'canary config');
  const samples = parseOrThrow(metricDataSchema, data, 'metric data');
  const checkedThresholds = parseOrThrow(scoreThresholdsSchema, thresholds, 'score thresholds');
  const confidenceLevel = checkedConfidenceLevel(options.confidenceLevel);

  const known = new Set(canaryConfig.metrics.map((m) => m.name));
  const unknown = Object.keys(samples).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ValidationError(
      'metric data',
      unknown.map((name) => ({
        path: name,
        message: `no metric "${name}" in the canary config (it has: ${[...known].join(', ')})`,
      })),
    );
  }

  const metrics = canaryConfig.metrics.map((m) =>
    judgeMetric(m, Object.hasOwn(samples, m.name) ? samples[m.name] : undefined, confidenceLevel),
  );
  const scored = scoreResults(metrics, canaryConfig.classifier.groupWeights);
  return {
    score: scored.score,
    verdict: verdictFor(scored.score, checkedThresholds),
    reason: scored.reason,
    thresholds: checkedThresholds,
    confidenceLevel,
    groups: scored.groups,
    metrics,
    ...insufficientDataOf(canaryConfig.metrics, metrics),
  };
}
