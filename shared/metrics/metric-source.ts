import type { z } from 'zod';
import type { MetricQuery } from './metric-query';
import type { Role } from '../run-model/run-state';
import type { countSeriesSchema, histogramSeriesSchema, metricSeriesSchema, seriesSchema } from './series-schema';

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

/** Series types derive from the schemas in series-schema.ts (field docs are there). */
export type Series = z.output<typeof seriesSchema>;
export type CountSeries = z.output<typeof countSeriesSchema>;
export type HistogramSeries = z.output<typeof histogramSeriesSchema>;
export type MetricSeries = z.output<typeof metricSeriesSchema>;

export interface MetricSource {
  /** A short name for messages, e.g. "cloudwatch", "prometheus http://127.0.0.1:9090". */
  readonly description: string;
  fetch(request: MetricRequest): Promise<MetricSeries[]>;
}
