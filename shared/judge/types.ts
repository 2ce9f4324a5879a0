import type { z } from 'zod';
import type {
  classificationSchema,
  countSummarySchema,
  groupResultSchema,
  histogramSummarySchema,
  judgeResultSchema,
  judgeThresholdsSchema,
  metricResultSchema,
  sampleStatsSchema,
  verdictSchema,
} from './result-schema';

/**
 * The judge's types. Its results derive from the schemas in result-schema.ts (field docs are there), which check a
 * result read back from storage.
 */

export type Classification = z.output<typeof classificationSchema>;
export type Verdict = z.output<typeof verdictSchema>;
export type SampleStats = z.output<typeof sampleStatsSchema>;
/** What a count metric's test saw and concluded (MetricResult.counts). */
export type CountSummary = z.output<typeof countSummarySchema>;
/** What a histogram metric's test saw and concluded (MetricResult.histogram). */
export type HistogramSummary = z.output<typeof histogramSummarySchema>;
export type MetricResult = z.output<typeof metricResultSchema>;
export type GroupResult = z.output<typeof groupResultSchema>;
export type JudgeThresholds = z.output<typeof judgeThresholdsSchema>;
export type JudgeResult = z.output<typeof judgeResultSchema>;

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
   * it its error budget (less the share kept for the last look's exact test) at every look rather than a share per
   * look. Default: the metric's confidence level.
   */
  countConfidenceLevel?: number;
  /**
   * Confidence level of an exact test the anytime-valid count test is joined by at this look (each side at
   * (1 − level)/2): the conditional binomial test on the counts so far. A run gives it at its last planned look the
   * share of the budget it kept back from the anytime-valid test (`judgment.countFinalShare`); absent: no such test.
   */
  countFinalConfidenceLevel?: number;
  /**
   * How count data (events of exposures) is judged: `test` (default), the count test; `ratio-series`, Kayenta's way:
   * the per-period ratios events/exposures compared by Mann-Whitney like any other series.
   */
  counts?: 'test' | 'ratio-series';
  /**
   * Which count test `counts: "test"` runs: `anytime-valid` (default; valid however often it is looked at) or
   * `conditional-binomial` (exact at one look, for a level a group-sequential boundary gives the look).
   */
  countTest?: 'anytime-valid' | 'conditional-binomial';
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
  /**
   * The anytime-valid count test's mixture of alternatives, as ratios to the null boundary (each > 1). Default: its
   * ALTERNATIVE_GRID (×2-×5, 12 points); for benchmarks that compare grids.
   */
  countAlternatives?: readonly number[];
  /**
   * How histogram data (requests per bucket) is judged: `requests` (default), Mann-Whitney on the requests with the
   * floors on the ratio of the means; `mean-series`, Kayenta's way: the per-period means compared by Mann-Whitney.
   */
  histograms?: 'requests' | 'mean-series';
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

/**
 * One version's histogram per period: `counts[t][j]` requests of period t in bucket j (not cumulative), whose upper
 * bound is `bounds[j]`; the last count, `counts[t][bounds.length]`, holds the requests above the top bound. `sums[t]`:
 * the sum of the period's values (Prometheus' `_sum`), for the mean.
 */
export interface HistogramSamples {
  bounds: number[];
  counts: number[][];
  sums: number[];
}

/** A histogram metric's data: per period, aligned by index between the versions. */
export interface HistogramMetricData {
  baseline: HistogramSamples;
  canary: HistogramSamples;
}

/** A continuous metric's data: one value per period and version. */
export interface SeriesMetricData {
  baseline: number[];
  canary: number[];
}

/**
 * `{ "<metric name>": { baseline: [...], canary: [...] } }` — what `judge` and the CLI take; a count metric gives
 * `{ baseline: { events, totals }, canary: { events, totals } }` instead, a histogram metric
 * `{ baseline: { bounds, counts, sums }, canary: { bounds, counts, sums } }`.
 */
export type MetricData = Record<string, SeriesMetricData | CountMetricData | HistogramMetricData>;
