import {
  PRESET_JUDGING,
  PRESET_MIN_DATA_POINTS,
  unknownPreset,
  unknownPresetMessage,
  withPresetDefaults,
  type PresetJudging,
} from '../judge/metric-presets';
import type {
  CloudWatchCountsQuery,
  CloudWatchExceedanceQuery,
  CloudWatchHistogramQuery,
  CloudWatchQuery,
  MetricQuery,
  PrometheusCountsQuery,
  PrometheusHistogramQuery,
  PrometheusQuery,
} from '../metrics/metric-query';
import type { MetricsSourceConfig } from './run-config';
import { ValidationError } from './validation';

/**
 * Built-in metrics a canary config can name (`"preset": "latency-p99"`) instead of writing a query: how each is read,
 * a CloudWatch query (ALB per-target-group or EC2 per-instance metrics; also what the local router answers) and a
 * Prometheus query for the sample service's metrics (`http_request_duration_seconds` histogram,
 * `http_requests_total{code}`). How each is judged (groups, unit, analysis defaults) is the judge's:
 * shared/judge/metric-presets.ts.
 */

export { PRESET_MIN_DATA_POINTS, unknownPreset, withPresetDefaults };

export type SourceType = MetricsSourceConfig['type'];

/** What a preset's query may depend on besides the source: a metric's own `boundSeconds`. */
export interface PresetParameters {
  boundSeconds: number;
}

type PresetQuery<Q> = Q | ((parameters: PresetParameters) => Q);

interface PresetQueries {
  cloudwatch: PresetQuery<
    CloudWatchQuery | CloudWatchCountsQuery | CloudWatchExceedanceQuery | CloudWatchHistogramQuery
  >;
  prometheus: PresetQuery<PrometheusQuery | PrometheusCountsQuery | PrometheusHistogramQuery>;
}

export type MetricPreset = PresetJudging & PresetQueries;

function alb(metricName: string, stat: string): CloudWatchQuery {
  return {
    type: 'cloudwatch',
    namespace: 'AWS/ApplicationELB',
    metricName,
    stat,
    dimensions: {},
    scopeDimension: 'TargetGroup',
  };
}

function promQuantile(q: number): PrometheusQuery {
  return {
    type: 'prometheus',
    query: `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{\${scope}}[\${step}])))`,
  };
}

const PROM_REQUESTS = 'sum(increase(http_requests_total{${scope}}[${step}]))';

function promErrors(codeRegex: string): PrometheusCountsQuery {
  // `or vector(0)`: a counter for 5xx only exists once a 5xx was answered; no errors is a count of 0, not a gap.
  return {
    type: 'prometheus-counts',
    events: `sum(increase(http_requests_total{\${scope},code=~"${codeRegex}"}[\${step}])) or vector(0)`,
    total: PROM_REQUESTS,
  };
}

/** Requests per period of a version, and those of them answered with a status the targets chose. */
function albErrors(...metricNames: string[]): CloudWatchCountsQuery {
  return {
    type: 'cloudwatch-counts',
    events: metricNames.map((name) => alb(name, 'Sum')),
    total: alb('RequestCount', 'Sum'),
  };
}

/**
 * The latency-histogram preset's bucket bounds on CloudWatch, which can rank at any bound: 1 ms to 10 s at six per
 * decade, fine enough that Mann-Whitney on the buckets loses little to one on the raw times (25 PR statistics, a
 * SampleCount and a Sum per version and look: 54 of the 500 queries one GetMetricData call can carry).
 */
export const CLOUDWATCH_LATENCY_BOUNDS_SECONDS = [
  0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1,
  1.5, 2, 3, 5, 7.5, 10,
];

/** The latency histogram's `le` label as Prometheus clients write a bucket bound (0.5 → "0.5", 1 → "1"). */
const leLabel = (bound: number) => String(bound);

const PRESET_QUERIES: Readonly<Record<string, PresetQueries>> = {
  'latency-p50': { cloudwatch: alb('TargetResponseTime', 'p50'), prometheus: promQuantile(0.5) },
  'latency-p90': { cloudwatch: alb('TargetResponseTime', 'p90'), prometheus: promQuantile(0.9) },
  'latency-p99': { cloudwatch: alb('TargetResponseTime', 'p99'), prometheus: promQuantile(0.99) },
  'latency-average': {
    cloudwatch: alb('TargetResponseTime', 'Average'),
    prometheus: {
      type: 'prometheus',
      query:
        'sum(rate(http_request_duration_seconds_sum{${scope}}[${step}]))' +
        ' / sum(rate(http_request_duration_seconds_count{${scope}}[${step}]))',
    },
  },
  'latency-histogram': {
    cloudwatch: {
      type: 'cloudwatch-histogram',
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      dimensions: {},
      scopeDimension: 'TargetGroup',
      bounds: CLOUDWATCH_LATENCY_BOUNDS_SECONDS,
    },
    prometheus: {
      type: 'prometheus-histogram',
      buckets: 'sum by (le) (increase(http_request_duration_seconds_bucket{${scope}}[${step}]))',
      sum: 'sum(increase(http_request_duration_seconds_sum{${scope}}[${step}]))',
    },
  },
  'latency-slow-share': {
    cloudwatch: ({ boundSeconds }) => ({
      type: 'cloudwatch-exceedance',
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      dimensions: {},
      scopeDimension: 'TargetGroup',
      above: boundSeconds,
      statistic: 'PR',
    }),
    prometheus: ({ boundSeconds }) => ({
      type: 'prometheus-counts',
      events:
        'sum(increase(http_request_duration_seconds_count{${scope}}[${step}]))' +
        ` - sum(increase(http_request_duration_seconds_bucket{\${scope},le="${leLabel(boundSeconds)}"}[\${step}]))`,
      total: 'sum(increase(http_request_duration_seconds_count{${scope}}[${step}]))',
    }),
  },
  'error-rate-5xx': {
    cloudwatch: albErrors('HTTPCode_Target_5XX_Count', 'TargetConnectionErrorCount'),
    prometheus: promErrors('5..'),
  },
  'error-rate-4xx': { cloudwatch: albErrors('HTTPCode_Target_4XX_Count'), prometheus: promErrors('4..') },
  'request-count': { cloudwatch: alb('RequestCount', 'Sum'), prometheus: { type: 'prometheus', query: PROM_REQUESTS } },
  'cpu-utilization': {
    cloudwatch: {
      type: 'cloudwatch',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      stat: 'Average',
      dimensions: {},
      scopeDimension: 'InstanceId',
    },
    prometheus: { type: 'prometheus', query: 'sum(rate(process_cpu_seconds_total{${scope}}[${step}])) * 100' },
  },
};

/** Every built-in metric: how it is judged and how it is read. */
export const METRIC_PRESETS: Readonly<Record<string, MetricPreset>> = Object.fromEntries(
  Object.entries(PRESET_JUDGING).map(([name, judging]) => [name, { ...judging, ...PRESET_QUERIES[name] }]),
);

/** The preset a metric names, undefined if it names none; throws for an unknown name. */
function presetOf(metric: { name?: unknown; preset?: unknown }, path: string): MetricPreset | undefined {
  if (metric.preset === undefined) return undefined;
  const preset = typeof metric.preset === 'string' ? METRIC_PRESETS[metric.preset] : undefined;
  if (!preset)
    throw new ValidationError('canary config', [
      { path: `${path}.preset`, message: unknownPresetMessage(metric.preset) },
    ]);
  return preset;
}

export interface MetricLike {
  name: string;
  preset?: string;
  query?: MetricQuery;
  foreignQuery?: { type: string };
  /** The bound of presets that count requests above one (latency-slow-share), in seconds. */
  boundSeconds?: number;
}

/**
 * The query that reads a metric from the run's metrics source: the metric's own query, else its preset's
 * for that source (the local source answers CloudWatch-shaped queries). `index` names the metric's place in
 * canaryConfig.metrics in errors.
 */
export function resolveMetricQuery(metric: MetricLike, sourceType: SourceType, index?: number): MetricQuery {
  const path = index === undefined ? `metrics[name=${metric.name}]` : `metrics[${index}]`;
  if (metric.query) return metric.query;
  const preset = presetOf(metric, path);
  if (preset) {
    const query = sourceType === 'prometheus' ? preset.prometheus : preset.cloudwatch;
    if (typeof query !== 'function') return query;
    return query({ boundSeconds: metric.boundSeconds ?? (preset.defaultBoundSeconds as number) });
  }
  const why = metric.foreignQuery
    ? `its query is a Kayenta "${metric.foreignQuery.type}" query, which canary-judge cannot fetch`
    : 'it has neither a preset nor a query';
  throw new ValidationError('canary config', [
    {
      path,
      message: `metric "${metric.name}" cannot be read: ${why}; give "preset" or a cloudwatch/prometheus "query"`,
    },
  ]);
}

/** The metric with its preset's settings merged under the config's own (config wins) and its query resolved. */
export function resolveMetric<M extends MetricLike>(
  metric: M,
  sourceType: SourceType,
  index?: number,
): M & { query: MetricQuery } {
  const path = index === undefined ? `metrics[name=${metric.name}]` : `metrics[${index}]`;
  presetOf(metric, path);
  return { ...withPresetDefaults(metric), query: resolveMetricQuery(metric, sourceType, index) };
}
