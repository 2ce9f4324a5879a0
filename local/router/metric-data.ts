import type { SecondData } from './metrics-store';

/**
 * CloudWatch statistics over the router's per-second data, the way the ALB publishes its metrics:
 * - count metrics (RequestCount, HTTPCode_*, TargetConnectionErrorCount) are one sample of value 1 per
 *   request: Sum = SampleCount = the count, Average/Minimum/Maximum/pNN = 1; reported only when non-zero;
 * - TargetResponseTime is one sample per answered request (seconds); pNN, PR and TC use the raw latencies;
 * - gauges (HealthyHostCount, UnHealthyHostCount) are one sample per second.
 * A period with no sample has no datapoint (CloudWatch omits it rather than reporting 0).
 * `PR(lo:hi)` (percentile rank) is the percentage of samples in (lo, hi] and `TC(lo:hi)` (trimmed count) their
 * number, with absolute bounds as CloudWatch defines them: lower bound exclusive, upper inclusive, a missing bound
 * open, so PR(:0.5) is the percent at or below 0.5 and TC(0.5:) the count above it.
 */

export const COUNT_METRICS = [
  'RequestCount',
  'HTTPCode_Target_2XX_Count',
  'HTTPCode_Target_3XX_Count',
  'HTTPCode_Target_4XX_Count',
  'HTTPCode_Target_5XX_Count',
  'HTTPCode_ELB_5XX_Count',
  'HTTPCode_ELB_502_Count',
  'HTTPCode_ELB_503_Count',
  'HTTPCode_ELB_504_Count',
  'TargetConnectionErrorCount',
] as const;
export const GAUGE_METRICS = ['HealthyHostCount', 'UnHealthyHostCount'] as const;
export const LATENCY_METRIC = 'TargetResponseTime';

export type CountMetric = (typeof COUNT_METRICS)[number];
export type GaugeMetric = (typeof GAUGE_METRICS)[number];
export type MetricKind = 'count' | 'gauge' | 'latency';

export function metricKind(name: string): MetricKind | undefined {
  if ((COUNT_METRICS as readonly string[]).includes(name)) return 'count';
  if ((GAUGE_METRICS as readonly string[]).includes(name)) return 'gauge';
  return name === LATENCY_METRIC ? 'latency' : undefined;
}

/** Nearest-rank percentile of ascending values: the smallest value with at least p% of values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

export const percentileOf = (stat: string): number | undefined =>
  stat.startsWith('p') ? Number(stat.slice(1)) : undefined;

/** `PR(lo:hi)` or `TC(lo:hi)` with absolute bounds: samples in (lo, hi]; a missing bound is open. */
export interface RangeStat {
  kind: 'PR' | 'TC';
  lo: number;
  hi: number;
}

export function rangeStatOf(stat: string): RangeStat | undefined {
  const match = /^(PR|TC)\(([^:]*):([^)]*)\)$/.exec(stat);
  if (!match) return undefined;
  return {
    kind: match[1] as RangeStat['kind'],
    lo: match[2] === '' ? -Infinity : Number(match[2]),
    hi: match[3] === '' ? Infinity : Number(match[3]),
  };
}

const countInRange = (values: readonly number[], range: RangeStat): number =>
  values.reduce((k, v) => (v > range.lo && v <= range.hi ? k + 1 : k), 0);

/** The statistic from how many of `total` samples lie in the range (`inRange` may be an estimate, see latency). */
function rangeValue(range: RangeStat, inRange: number, total: number): number {
  return range.kind === 'TC' ? Math.round(inRange) : (100 * inRange) / total;
}

function fromSamples(values: number[], stat: string): number | undefined {
  if (values.length === 0) return undefined;
  const range = rangeStatOf(stat);
  if (range) return rangeValue(range, countInRange(values, range), values.length);
  const p = percentileOf(stat);
  if (p !== undefined)
    return percentile(
      [...values].sort((a, b) => a - b),
      p,
    );
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return values.reduce((a, b) => Math.min(a, b), Infinity);
    case 'Maximum':
      return values.reduce((a, b) => Math.max(a, b), -Infinity);
  }
  return undefined;
}

export interface PeriodValue {
  value?: number;
  /** Why a period with data still has no value (e.g. raw latencies already aged out). */
  note?: string;
}

/** One period's value of one metric and statistic, from the seconds of that period that hold data. */
export function periodValue(metric: string, stat: string, seconds: readonly SecondData[]): PeriodValue {
  const kind = metricKind(metric);
  if (kind === 'count') {
    const n = seconds.reduce((sum, s) => sum + (s.counts.get(metric) ?? 0), 0);
    if (n === 0) return {};
    const range = rangeStatOf(stat);
    if (range) return { value: rangeValue(range, countInRange([1], range) * n, n) };
    return { value: stat === 'Sum' || stat === 'SampleCount' ? n : 1 };
  }
  if (kind === 'gauge') {
    return {
      value: fromSamples(
        seconds.flatMap((s) => s.gauges.get(metric) ?? []),
        stat,
      ),
    };
  }
  if (kind === 'latency') {
    const withData = seconds.filter((s) => s.latency.count > 0);
    const count = withData.reduce((n, s) => n + s.latency.count, 0);
    if (count === 0) return {};
    const sum = withData.reduce((n, s) => n + s.latency.sum, 0);
    switch (stat) {
      case 'Sum':
        return { value: sum };
      case 'SampleCount':
        return { value: count };
      case 'Average':
        return { value: sum / count };
      case 'Minimum':
        return { value: withData.reduce((m, s) => Math.min(m, s.latency.min), Infinity) };
      case 'Maximum':
        return { value: withData.reduce((m, s) => Math.max(m, s.latency.max), -Infinity) };
    }
    if (withData.some((s) => s.samples === undefined)) {
      return { note: 'raw latencies (for pNN, PR and TC) are kept only for the last rawRetentionSeconds' };
    }
    const range = rangeStatOf(stat);
    if (range) {
      // Beyond maxSamplesPerSecond a second keeps a uniform sample: its share in range stands for all its latencies.
      const inRange = withData.reduce((k, s) => {
        const samples = s.samples as readonly number[];
        return k + (countInRange(samples, range) * s.latency.count) / samples.length;
      }, 0);
      return { value: rangeValue(range, inRange, count) };
    }
    return {
      value: fromSamples(
        withData.flatMap((s) => s.samples ?? []),
        stat,
      ),
    };
  }
  return {};
}

export interface Datapoints {
  /** Epoch ms of each period's start. */
  timestamps: number[];
  values: number[];
  notes: string[];
}

/**
 * Datapoints for [startMs, endMs): periods are aligned to multiples of `period` seconds since the epoch
 * (as CloudWatch aligns them) and clipped to the window, so data outside the window never leaks in.
 * A second's bucket [s, s+1) belongs to the window when s*1000 lies in [startMs, endMs).
 */
export function datapoints(
  read: (startSecond: number, endSecond: number) => SecondData[],
  metric: string,
  stat: string,
  period: number,
  startMs: number,
  endMs: number,
): Datapoints {
  const startSecond = Math.ceil(startMs / 1000);
  const endSecond = Math.ceil(endMs / 1000);
  const data = read(startSecond, endSecond);
  const byPeriod = new Map<number, SecondData[]>();
  for (const second of data) {
    const periodStart = Math.floor(second.second / period) * period;
    const list = byPeriod.get(periodStart) ?? [];
    list.push(second);
    byPeriod.set(periodStart, list);
  }
  const out: Datapoints = { timestamps: [], values: [], notes: [] };
  for (const [periodStart, seconds] of [...byPeriod.entries()].sort((a, b) => a[0] - b[0])) {
    const { value, note } = periodValue(metric, stat, seconds);
    if (value !== undefined) {
      out.timestamps.push(periodStart * 1000);
      out.values.push(value);
    } else if (note && !out.notes.includes(note)) out.notes.push(note);
  }
  return out;
}
