import type { Direction } from './canary-config';

/** The judge's results. Numbers that cannot exist (no data, a zero mean) are null, never NaN, so JSON keeps them. */

export type Classification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';
export type Verdict = 'pass' | 'marginal' | 'fail';

export interface MannWhitneyOptions {
  /** Two-sided confidence level of the interval, in (0, 1). Default 0.98 (Kayenta's). */
  confidenceLevel?: number;
}

/** Shift = canary - baseline. */
export interface MannWhitneyResult {
  /** Hodges-Lehmann estimate: median of all pairwise differences canary[i] - baseline[j]. */
  estimate: number;
  /** Interval ends: each exactly one pairwise difference (float64), lower <= upper. */
  lower: number;
  upper: number;
  /** Two-sided p-value of shift 0 (normal approximation, tie- and continuity-corrected). */
  pValue: number;
  baselineCount: number;
  canaryCount: number;
  confidenceLevel: number;
}

export interface SampleStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Sample (n-1) standard deviation; 0 for one point. */
  std: number;
}

/** What a count metric's test saw and concluded (MetricResult.counts). */
export interface CountSummary {
  baseline: { events: number; total: number; rate: number | null };
  canary: { events: number; total: number; rate: number | null };
  /** Canary rate / baseline rate; null when undefined (no baseline events, or no exposures). */
  rateRatio: number | null;
  /** The rate ratio's confidence-sequence ends at this metric's level (null: unbounded or not computed). */
  lower: number | null;
  upper: number | null;
  /** The error per side the test was run at (anytime-valid: over all looks of the run). */
  alpha: number;
  /** log e-values against "rate ratio ≤ allowed increase" and "≥ allowed decrease"; proven when ≥ log(1/alpha). */
  logEIncrease: number;
  logEDecrease: number;
  /** Periods in which both versions had requests and at least one event happened. */
  informativePeriods: number;
}

export interface MetricResult {
  name: string;
  /**
   * `continuous`: per-period values compared by Mann-Whitney (Kayenta's judge); `counts`: events of exposures
   * (5xx of requests, slow requests of requests) compared by the anytime-valid count test (CountSummary).
   */
  kind: 'continuous' | 'counts';
  classification: Classification;
  /**
   * Human reason, e.g. "canary p99 shift +18.4% [CI +9.1%, +27.0%] relative to baseline median 0.12 (Hodges-Lehmann);
   * mean change +19.2%, above allowed +10.0% (the threshold applies to the mean change)"; null for a plain Pass.
   */
  reason: string | null;
  /**
   * Kayenta's result flag: true when this result fails the whole canary (a critical metric that is High/Low
   * beyond its critical effect size, or that has no data); false for a Pass even of a critical metric.
   */
  critical: boolean;
  /**
   * Not judged yet: both samples have points (after cleaning), but one has fewer than the metric's `minDataPoints`,
   * or each has just one. Classified Nodata with `critical: false` whatever the metric's critical/mustHaveData, left
   * out of Kayenta's 50 % Nodata rule; the run's decision refuses to promote on it after the last step. False
   * otherwise (an empty side is missing data: Kayenta's Nodata/NodataFailMetric).
   */
  insufficientData: boolean;
  muted: boolean;
  groups: string[];
  direction: Direction;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
  confidenceLevel: number;
  /** Kayenta's deviation: mean(canary) / mean(baseline); null when either mean is 0 or there is no data. */
  ratio: number | null;
  effectSize: { measure: 'meanRatio' | 'cles' | 'rateRatio'; value: number | null };
  /** Count metrics only: the counts, the rate ratio, its interval and the e-values; null for continuous metrics. */
  counts: CountSummary | null;
  /** Stats of the samples after NaN and outlier handling (count metrics: of the per-period rates). */
  baseline: SampleStats;
  canary: SampleStats;
}

export interface GroupResult {
  name: string;
  /** 0-100, unrounded; 0 with noData when no metric of the group could be scored. */
  score: number;
  /** Effective weight in percent used for the summary score. */
  weight: number;
  noData: boolean;
  passed: number;
  scored: number;
}

export interface JudgeThresholds {
  marginal: number;
  pass: number;
}

export interface JudgeOptions {
  /** Confidence level for every metric's interval (default 0.98). */
  confidenceLevel?: number;
  /**
   * Per metric name, a confidence level that replaces `confidenceLevel` for that metric (a run's error control
   * spends its budget metric by metric). Count metrics use it too when `countConfidenceLevel` is not given.
   */
  metricConfidence?: Record<string, number>;
  /**
   * Confidence level of the count test (each side at (1 − level)/2). The count test is anytime-valid, so a run gives
   * it its whole error budget at every look rather than a share per look. Default: the metric's confidence level.
   */
  countConfidenceLevel?: number;
  /**
   * How count data (events of exposures) is judged: `test` (default), the count test; `ratio-series`, Kayenta's way:
   * the per-period ratios events/exposures compared by Mann-Whitney like any other series.
   */
  counts?: 'test' | 'ratio-series';
  /**
   * true: a failure at or beyond a metric's effectSize.rollbackIncrease / rollbackDecrease fails the whole canary,
   * whatever its groups would score (presets set them). Default false: Kayenta's rule, only critical metrics do.
   */
  rollbackFloors?: boolean;
  /**
   * Kayenta classifies at any confidence level; true: a level the sample sizes cannot reach (the interval is then
   * the whole range of differences) makes the metric "not judged yet" instead of High or Low.
   */
  requireAttainableLevel?: boolean;
  /** false: count metrics skip their confidence sequence (lower/upper null): decisions only, for benchmarks. */
  countIntervals?: boolean;
}

export interface JudgeResult {
  /** 0-100, rounded half-up to 2 decimals (Kayenta's rule). */
  score: number;
  verdict: Verdict;
  /** Why the score is what it is when forced ("Canary Failed: ..."), else "". */
  reason: string;
  thresholds: JudgeThresholds;
  confidenceLevel: number;
  groups: GroupResult[];
  metrics: MetricResult[];
  /** Names of the non-muted metrics with insufficientData (config order): not judged yet. */
  insufficientData: string[];
  /**
   * Those of them that are critical or mustHaveData: metrics a run must judge before it promotes, so after its last
   * step any name left here rolls the run back.
   */
  insufficientDataRequired: string[];
}

/** One version's counts per period: `events[t]` of `totals[t]` (e.g. 5xx responses of requests). */
export interface CountSamples {
  events: number[];
  totals: number[];
}

/** A count metric's data: per period, aligned by index between the versions (period t is the same minute on both). */
export interface CountMetricData {
  baseline: CountSamples;
  canary: CountSamples;
}

/** A continuous metric's data: one value per period and version. */
export interface SeriesMetricData {
  baseline: number[];
  canary: number[];
}

/**
 * `{ "<metric name>": { baseline: [...], canary: [...] } }` — what `judge` and the CLI take; a count metric gives
 * `{ baseline: { events, totals }, canary: { events, totals } }` instead.
 */
export type MetricData = Record<string, SeriesMetricData | CountMetricData>;
