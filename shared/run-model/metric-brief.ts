import type { MetricResult } from '../judge/types';
import type { MetricBrief } from './run-state';

/** The few facts per metric the run state keeps, enough for a notification's metric table. */
export function toMetricBrief(metric: MetricResult, unit?: string): MetricBrief {
  const counts = metric.counts;
  return {
    name: metric.name,
    classification: metric.classification,
    critical: metric.critical,
    ...(counts
      ? {
          counts: {
            baseline: { events: counts.baseline.events, total: counts.baseline.total },
            canary: { events: counts.canary.events, total: counts.canary.total },
            rateRatio: counts.rateRatio,
            lower: counts.lower,
            upper: counts.upper,
            ...(counts.finalTest?.lower !== undefined
              ? { exact: { lower: counts.finalTest.lower, upper: counts.finalTest.upper ?? null } }
              : {}),
          },
        }
      : {}),
    ...(metric.histogram
      ? {
          histogram: {
            baseline: metric.histogram.baseline,
            canary: metric.histogram.canary,
            meanRatio: metric.histogram.meanRatio,
          },
        }
      : {}),
    ...(unit ? { unit } : {}),
    baselineMedian: metric.baseline.count > 0 ? metric.baseline.median : null,
    canaryMedian: metric.canary.count > 0 ? metric.canary.median : null,
    reason: metric.reason,
  };
}
