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

export interface MetricResult {
  name: string;
  classification: Classification;
  /** Human reason, e.g. "canary p99 +18.4% [CI +9.1%, +27.0%] above allowed +10%"; null for a plain Pass. */
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
  effectSize: { measure: 'meanRatio' | 'cles'; value: number | null };
  /** Stats of the samples after NaN and outlier handling. */
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

/** `{ "<metric name>": { baseline: [...], canary: [...] } }` — what `judge` and the CLI take. */
export type MetricData = Record<string, { baseline: number[]; canary: number[] }>;
