import type { MetricResult } from '../judge/types';
import type { MetricBrief } from './run-state';

/** The few facts per metric the run state keeps, enough for a notification's metric table. */
export function toMetricBrief(metric: MetricResult): MetricBrief {
  return {
    name: metric.name,
    classification: metric.classification,
    critical: metric.critical,
    baselineMedian: metric.baseline.count > 0 ? metric.baseline.median : null,
    canaryMedian: metric.canary.count > 0 ? metric.canary.median : null,
    reason: metric.reason,
  };
}
