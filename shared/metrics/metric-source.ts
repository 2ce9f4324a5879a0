import type { MetricQuery } from './metric-query';
import type { Role } from '../run/run-state';

/** Port: the same metrics for baseline and canary over one window. */

export interface Scope {
  role: Role;
  runId: string;
  version: string;
  targetGroupArn: string;
  loadBalancerArn?: string;
  instanceIds: string[];
  /**
   * Prometheus: the version's label selector as it is (`version="v1",job="shop"`), instead of the source's
   * scopeSelector template (a version someone else deployed, judged by `analyze`).
   */
  selector?: string;
}

export interface MetricRequest {
  /** Metric name (as in the canary config) and its resolved query. */
  metrics: { name: string; query: MetricQuery }[];
  scopes: { baseline: Scope; canary: Scope };
  window: { start: Date; end: Date };
}

export interface Series {
  /** Epoch milliseconds, ascending, one per period. */
  timestamps: number[];
  values: number[];
}

/** One version's count metric per period: events and exposures, aligned with `Series.timestamps` of either. */
export interface CountSeries {
  events: Series;
  totals: Series;
}

export interface MetricSeries {
  name: string;
  /** Per-period values; for a count metric the per-period rates events/totals (what plots and Kayenta's mode use). */
  baseline: Series;
  canary: Series;
  /** Count metrics only: the events and exposures per period of each version. */
  counts?: { baseline: CountSeries; canary: CountSeries };
  /** Set when the source failed for this metric after retries: which source and how. */
  error?: string;
}

export interface MetricSource {
  /** A short name for messages, e.g. "cloudwatch", "prometheus http://127.0.0.1:9090". */
  readonly description: string;
  fetch(request: MetricRequest): Promise<MetricSeries[]>;
}
