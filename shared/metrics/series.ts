import type { CountSeries, HistogramSeries, Series } from './metric-source';

/** Small pure helpers shared by the metric sources: window alignment and per-period combination. */

/**
 * Only whole periods inside the window: the start rounds up and the end down to a multiple of the
 * period, so every point covers a full period of the judged version's traffic.
 */
export function alignWindow(window: { start: Date; end: Date }, periodSeconds: number): { start: Date; end: Date } {
  const period = periodSeconds * 1000;
  const start = Math.ceil(window.start.getTime() / period) * period;
  const end = Math.floor(window.end.getTime() / period) * period;
  return { start: new Date(start), end: new Date(Math.max(start, end)) };
}

/** Points sorted by time; a timestamp given twice keeps its last value. */
export function toSeries(points: Iterable<[number, number]>): Series {
  const byTime = new Map<number, number>();
  for (const [t, v] of points) byTime.set(t, v);
  const timestamps = [...byTime.keys()].sort((a, b) => a - b);
  return { timestamps, values: timestamps.map((t) => byTime.get(t) as number) };
}

export function emptySeries(): Series {
  return { timestamps: [], values: [] };
}

/** The mean, per timestamp, of the series that have a point there (e.g. one series per instance). */
export function meanPerTimestamp(series: Series[]): Series {
  if (series.length === 1) return series[0];
  const sums = new Map<number, { sum: number; n: number }>();
  for (const s of series) {
    s.timestamps.forEach((t, i) => {
      const acc = sums.get(t) ?? { sum: 0, n: 0 };
      acc.sum += s.values[i];
      acc.n += 1;
      sums.set(t, acc);
    });
  }
  return toSeries([...sums.entries()].map(([t, { sum, n }]) => [t, sum / n]));
}

/**
 * numerator / denominator per timestamp where the denominator is a positive number. A missing numerator
 * counts as 0 when `missingNumeratorIsZero` (CloudWatch publishes no HTTPCode_Target_5XX_Count point for a
 * period without errors); otherwise the period is skipped.
 */
export function ratioPerTimestamp(numerator: Series, denominator: Series, missingNumeratorIsZero: boolean): Series {
  const num = new Map(numerator.timestamps.map((t, i) => [t, numerator.values[i]]));
  const points: [number, number][] = [];
  denominator.timestamps.forEach((t, i) => {
    const d = denominator.values[i];
    if (!(d > 0)) return;
    const n = num.get(t) ?? (missingNumeratorIsZero ? 0 : undefined);
    if (n !== undefined) points.push([t, n / d]);
  });
  return toSeries(points);
}

/** Per-period rates of a version's counts (events / totals): what plots and Kayenta's per-period view show. */
export function rateSeries(counts: CountSeries): Series {
  return {
    timestamps: counts.totals.timestamps,
    values: counts.totals.values.map((n, i) => counts.events.values[i] / n),
  };
}

/** Per-period means of a version's histogram (sum / requests): what plots and Kayenta's per-period view show. */
export function histogramMeans(histogram: HistogramSeries): Series {
  return {
    timestamps: histogram.timestamps,
    values: histogram.counts.map((period, i) => histogram.sums[i] / period.reduce((a, b) => a + b, 0)),
  };
}

/**
 * Requests per bucket of one period from its requests `n` and the cumulative counts up to each bound (Prometheus'
 * `le` buckets; CloudWatch's percentile ranks × SampleCount). Each cumulative count is rounded on its own (both
 * sources may give fractions), so it is kept within [the one before, n]; the buckets are the differences, and the last
 * holds the requests above the top bound.
 */
export function bucketsFromCumulative(n: number, cumulative: readonly number[]): number[] {
  const counts: number[] = [];
  let below = 0;
  for (const upToBound of cumulative) {
    const upTo = Math.max(below, Math.min(n, Math.round(upToBound)));
    counts.push(upTo - below);
    below = upTo;
  }
  counts.push(n - below);
  return counts;
}
