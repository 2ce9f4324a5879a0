import { z } from 'zod';
import { directionSchema } from './canary-config';

/**
 * The judge's results as zod schemas; the result types in types.ts derive from them. The judge builds results in
 * memory without parsing them: the schemas check a result read back from storage (a run's stored judgments).
 * Numbers that cannot exist (no data, a zero mean) are null, never NaN, so JSON keeps them.
 */

export const classificationSchema = z.enum(['Pass', 'High', 'Low', 'Nodata', 'NodataFailMetric', 'Error']);
export const verdictSchema = z.enum(['pass', 'marginal', 'fail']);

export const sampleStatsSchema = z.object({
  count: z.number(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  median: z.number(),
  /** Sample (n-1) standard deviation; 0 for one point. */
  std: z.number(),
});

const countSideSchema = z.object({ events: z.number(), total: z.number(), rate: z.number().nullable() });

/** What a count metric's test saw and concluded (MetricResult.counts). */
export const countSummarySchema = z.object({
  baseline: countSideSchema,
  canary: countSideSchema,
  /** Canary rate / baseline rate; null when undefined (no baseline events, or no exposures). */
  rateRatio: z.number().nullable(),
  /** The rate ratio's confidence-sequence ends at this metric's level (null: unbounded or not computed). */
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  /** The error per side the test was run at (anytime-valid: over all looks of the run; conditional-binomial: this look). */
  alpha: z.number(),
  /** The test (absent in judgments stored before there was a choice: anytime-valid). */
  test: z.enum(['anytime-valid', 'conditional-binomial']).optional(),
  /**
   * log e-values against "rate ratio ≤ allowed increase" and "≥ allowed decrease"; proven when ≥ log(1/alpha)
   * (anytime-valid test; 0 for the conditional binomial test, which has p-values only).
   */
  logEIncrease: z.number(),
  logEDecrease: z.number(),
  /** p-values against the same boundaries; proven when ≤ alpha (absent in judgments stored before they were kept). */
  pIncrease: z.number().optional(),
  pDecrease: z.number().optional(),
  /** Periods in which both versions had requests and at least one event happened. */
  informativePeriods: z.number(),
  /**
   * The exact test that joined the anytime-valid one at the run's last planned look (`judgment.countFinalShare`): the
   * conditional binomial test on all the run's counts, at its own error per side; the metric fails when either test
   * proves it. Absent at every other look.
   */
  finalTest: z
    .object({
      alpha: z.number(),
      pIncrease: z.number(),
      pDecrease: z.number(),
      /**
       * Its exact interval for the rate ratio at level 1 − 2·alpha, narrower than the confidence sequence above; null
       * where the data cannot bound it (absent in judgments stored before it was kept).
       */
      lower: z.number().nullable().optional(),
      upper: z.number().nullable().optional(),
    })
    .optional(),
});

const histogramSideSchema = z.object({
  /** Requests over the window. */
  requests: z.number(),
  /** Their mean (the histogram's sum / count); null without requests. */
  mean: z.number().nullable(),
});

/** What a histogram metric's test saw and concluded (MetricResult.histogram). */
export const histogramSummarySchema = z.object({
  baseline: histogramSideSchema,
  canary: histogramSideSchema,
  /** Canary mean / baseline mean, what the effect-size floors apply to; null when undefined (a mean of 0). */
  meanRatio: z.number().nullable(),
  /**
   * With effectSize.floorConfidence above 0.5: the one-sided bound of the mean ratio at that confidence, pulled
   * towards 1 (histogram-mean.ts); the floors apply to it instead of meanRatio. Null when a side's spread is unknown.
   */
  meanRatioBound: z.number().nullable().optional(),
  floorConfidence: z.number().optional(),
  /** P(a canary request is in a higher bucket than a baseline one) + P(same)/2; 0.5 = no shift; null without requests. */
  slowerShare: z.number().nullable(),
  /** One-sided p-values of Mann-Whitney on the requests: the canary's are higher, lower. */
  pHigher: z.number(),
  pLower: z.number(),
  /** The error per side the test was run at: (1 − confidence level) / 2. */
  alpha: z.number(),
  /** The bucket bounds both versions have, which the requests were compared on; requests per bucket (one above the top). */
  bounds: z.array(z.number()),
  baselineBuckets: z.array(z.number()),
  canaryBuckets: z.array(z.number()),
});

export const metricResultSchema = z.object({
  name: z.string(),
  /**
   * `continuous`: per-period values compared by Mann-Whitney (Kayenta's judge); `counts`: events of exposures
   * (5xx of requests, slow requests of requests) compared by a count test (CountSummary): the anytime-valid one, or
   * the conditional binomial test (`judgment.countTest`); `histogram`: requests per latency bucket compared by
   * Mann-Whitney on the requests (HistogramSummary).
   */
  kind: z.enum(['continuous', 'counts', 'histogram']),
  classification: classificationSchema,
  /**
   * Human reason, e.g. "canary p99 shift +18.4% [CI +9.1%, +27.0%] relative to baseline median 0.12 (Hodges-Lehmann);
   * mean change +19.2%, above allowed +10.0% (the threshold applies to the mean change)"; null for a plain Pass.
   */
  reason: z.string().nullable(),
  /**
   * Kayenta's result flag: true when this result fails the whole canary (a critical metric that is High/Low
   * beyond its critical effect size, or that has no data); false for a Pass even of a critical metric.
   */
  critical: z.boolean(),
  /**
   * Not judged yet: both samples have points (after cleaning), but one has fewer than the metric's `minDataPoints`,
   * or each has just one. Classified Nodata with `critical: false` whatever the metric's critical/mustHaveData, left
   * out of Kayenta's 50 % Nodata rule; the run's decision refuses to promote on it after the last step. False
   * otherwise (an empty side is missing data: Kayenta's Nodata/NodataFailMetric).
   */
  insufficientData: z.boolean(),
  muted: z.boolean(),
  groups: z.array(z.string()),
  direction: directionSchema,
  estimate: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  pValue: z.number().nullable(),
  confidenceLevel: z.number(),
  /** Kayenta's deviation: mean(canary) / mean(baseline); null when either mean is 0 or there is no data. */
  ratio: z.number().nullable(),
  effectSize: z.object({ measure: z.enum(['meanRatio', 'cles', 'rateRatio']), value: z.number().nullable() }),
  /** Count metrics only: the counts, the rate ratio, its interval and the e-values; null for continuous metrics. */
  counts: countSummarySchema.nullable(),
  /** Histogram metrics only (absent in judgments stored before there were any). */
  histogram: histogramSummarySchema.nullable().optional(),
  /**
   * Stats of the samples after NaN and outlier handling (count metrics: of the per-period rates; histogram metrics: of
   * the per-period means).
   */
  baseline: sampleStatsSchema,
  canary: sampleStatsSchema,
});

export const groupResultSchema = z.object({
  name: z.string(),
  /** 0-100, unrounded; 0 with noData when no metric of the group could be scored. */
  score: z.number(),
  /** Effective weight in percent used for the summary score. */
  weight: z.number(),
  noData: z.boolean(),
  passed: z.number(),
  scored: z.number(),
});

export const judgeThresholdsSchema = z.object({ marginal: z.number(), pass: z.number() });

export const judgeResultSchema = z.object({
  /** 0-100, rounded half-up to 2 decimals (Kayenta's rule). */
  score: z.number(),
  verdict: verdictSchema,
  /** Why the score is what it is when forced ("Canary Failed: ..."), else "". */
  reason: z.string(),
  thresholds: judgeThresholdsSchema,
  confidenceLevel: z.number(),
  groups: z.array(groupResultSchema),
  metrics: z.array(metricResultSchema),
  /** Names of the non-muted metrics with insufficientData (config order): not judged yet. */
  insufficientData: z.array(z.string()),
  /**
   * Those of them that are critical or mustHaveData: metrics a run must judge before it promotes, so after its last
   * step any name left here rolls the run back.
   */
  insufficientDataRequired: z.array(z.string()),
});
