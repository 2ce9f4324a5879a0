import type { CanaryConfig } from '../judge/canary-config';
import { formatRate, formatRatio } from '../judge/count-classifier';
import type { MetricResult } from '../judge/types';
import { toMetricBrief } from '../run-model/metric-brief';
import type { MetricBrief } from '../run-model/run-state';
import { formatPercent, percentChange } from './format';
import { formatMeasure } from '../judge/units';

/**
 * One metric of a judgment as people read it (terminal, Slack, the run's one-sentence summary): its result in
 * plain words and its values in their unit. The values are described in one place (`valuesText`), so another
 * kind of metric (counts, say) only adds its own description there.
 */

const FAILING = new Set(['High', 'Low', 'NodataFailMetric', 'Error']);

/** Classifications that count against the canary. */
export function isFailingClassification(classification: string): boolean {
  return FAILING.has(classification);
}

export interface MetricRow {
  name: string;
  classification: string;
  /** The judge's flag: this result fails the whole canary. */
  critical: boolean;
  /** Shown but not counted (the config's `muted`). */
  muted: boolean;
  /** The metric's `unit` (seconds, ratio, percent, count, or a label of its own). */
  unit?: string;
  baselineMedian: number | null;
  canaryMedian: number | null;
  /** (canary - baseline) / |baseline| of the medians, in percent; null when undefined. */
  changePercent: number | null;
  /** Count metrics: events of totals per version and the rate ratio with its interval. */
  counts?: MetricBrief['counts'];
  /** Histogram metrics: requests and mean of all of them per version, and the ratio of the means. */
  histogram?: MetricBrief['histogram'];
  reason: string | null;
}

/** What a row needs from the canary config besides the judge's result. */
export interface MetricInfo {
  unit?: string;
  muted?: boolean;
}

export function metricInfo(config: Pick<CanaryConfig, 'metrics'>): Map<string, MetricInfo> {
  return new Map(
    config.metrics.map((m) => [m.name, { unit: m.unit, muted: m.analysisConfigurations.canary.muted }] as const),
  );
}

export function metricRowFromBrief(metric: MetricBrief, info: MetricInfo = {}): MetricRow {
  const baselineMedian = metric.baselineMedian ?? null;
  const canaryMedian = metric.canaryMedian ?? null;
  return {
    name: metric.name,
    classification: metric.classification,
    critical: metric.critical,
    muted: info.muted ?? false,
    unit: info.unit,
    baselineMedian,
    canaryMedian,
    changePercent: percentChange(baselineMedian, canaryMedian),
    ...(metric.counts ? { counts: metric.counts } : {}),
    ...(metric.histogram ? { histogram: metric.histogram } : {}),
    reason: metric.reason ?? null,
  };
}

/** A row from the full judge result: the same facts the run state keeps of it. */
export function metricRowFromResult(metric: MetricResult, unit?: string): MetricRow {
  return metricRowFromBrief(toMetricBrief(metric), { unit, muted: metric.muted });
}

/** The result in words: "higher on the canary", "no significant difference", "not judged", ... */
export function resultWords(row: Pick<MetricRow, 'classification'>): string {
  switch (row.classification) {
    case 'High':
      return 'higher on the canary';
    case 'Low':
      return 'lower on the canary';
    case 'Pass':
      return 'no significant difference';
    case 'Nodata':
      return 'not judged';
    case 'NodataFailMetric':
      return 'no data, and it must have data';
    default:
      return 'could not be judged';
  }
}

const thousands = (n: number) => n.toLocaleString('en-US');

/**
 * "rate 0.2% (24 of 12,010) → 0.41% (49 of 11,920)", "rate ×2.05 [CI ×1.3, ×3.3]", at the run's last look
 * "rate ×2.05 [CI ×1.3, ×3.3; exact test ×1.4, ×3.0]".
 */
function countValues(counts: NonNullable<MetricRow['counts']>): { medians: string; change: string } {
  const side = (s: { events: number; total: number }) =>
    `${formatRate(s.total > 0 ? s.events / s.total : null)} (${thousands(s.events)} of ${thousands(s.total)})`;
  const ends = (lower: number | null, upper: number | null) =>
    `${formatRatio(lower ?? 0)}, ${formatRatio(upper ?? Infinity)}`;
  const exact = counts.exact ? `; exact test ${ends(counts.exact.lower, counts.exact.upper)}` : '';
  const interval =
    counts.lower === null && counts.upper === null ? '' : ` [CI ${ends(counts.lower, counts.upper)}${exact}]`;
  return {
    medians: `rate ${side(counts.baseline)} → ${side(counts.canary)}`,
    change: counts.rateRatio === null ? '' : `rate ${formatRatio(counts.rateRatio)}${interval}`,
  };
}

/** "mean 150 ms of 4,000 requests → 180 ms of 4,000", "mean +20.0%". */
function histogramValues(h: NonNullable<MetricRow['histogram']>, unit?: string): { medians: string; change: string } {
  const side = (s: { requests: number; mean: number | null }) =>
    `${formatMeasure(s.mean, unit)} of ${thousands(s.requests)}`;
  return {
    medians: `mean ${side(h.baseline)} → ${side(h.canary)} requests`,
    change: h.meanRatio === null ? '' : `mean ${formatPercent((h.meanRatio - 1) * 100)}`,
  };
}

function values(row: MetricRow): { medians: string; change: string } | undefined {
  if (row.counts) return countValues(row.counts);
  if (row.histogram) return histogramValues(row.histogram, row.unit);
  if (row.baselineMedian === null || row.canaryMedian === null) return undefined;
  return {
    medians: `median ${formatMeasure(row.baselineMedian, row.unit)} → ${formatMeasure(row.canaryMedian, row.unit)}`,
    change: row.changePercent === null ? '' : formatPercent(row.changePercent),
  };
}

/** The values: "median 24.4 ms → 34.5 ms (+41.3%)"; "" when a side has none. */
export function valuesText(row: MetricRow): string {
  const v = values(row);
  if (!v) return '';
  return v.change ? `${v.medians} (${v.change})` : v.medians;
}

/** "latency-mean is higher on the canary (median 24.4 ms → 34.5 ms, +41.3%)". */
export function metricFinding(row: MetricRow): string {
  const v = values(row);
  const detail = v ? ` (${v.change ? `${v.medians}, ${v.change}` : v.medians})` : '';
  return `${row.name} is ${resultWords(row)}${detail}`;
}
