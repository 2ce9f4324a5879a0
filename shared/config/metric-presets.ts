import type { MetricAnalysisConfig } from '../judge/canary-config';
import type { CloudWatchQuery, CloudWatchRatioQuery, MetricQuery, PrometheusQuery } from '../metrics/metric-query';
import type { MetricsSourceConfig } from './run-config';
import { ValidationError } from './validation';

/**
 * Built-in metrics a canary config can name (`"preset": "latency-p99"`) instead of writing a query. Each
 * preset has a CloudWatch query (ALB per-target-group or EC2 per-instance metrics; also what the local
 * router answers) and a Prometheus query for the sample service's metrics (`http_request_duration_seconds`
 * histogram, `http_requests_total{code}`), plus analysis defaults. Fields given in the config win, field by
 * field.
 */

export type SourceType = MetricsSourceConfig['type'];

export interface MetricPreset {
  description: string;
  cloudwatch: CloudWatchQuery | CloudWatchRatioQuery;
  prometheus: PrometheusQuery;
  groups: string[];
  /** What the values measure (see the canary metric's `unit`). */
  unit: string;
  analysis: Partial<MetricAnalysisConfig>;
}

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

function promErrorRate(codeRegex: string): PrometheusQuery {
  // `or vector(0)`: a counter for 5xx only exists once a 5xx was answered; no errors is a rate of 0, not a gap.
  return {
    type: 'prometheus',
    query:
      `(sum(rate(http_requests_total{\${scope},code=~"${codeRegex}"}[\${step}])) or vector(0))` +
      ` / sum(rate(http_requests_total{\${scope}}[\${step}]))`,
  };
}

/**
 * Points per side below which a preset metric is not judged yet: from 5 on, an A/A comparison fails less often
 * than its confidence level promises for every data shape measured; with 2-4 it fails more often, whatever the
 * level (npm run bench:stats, small-sample table in docs/statistical-quality.md). Metrics without a preset keep
 * Kayenta's behaviour (1).
 */
export const PRESET_MIN_DATA_POINTS = 5;

const latency = (allowedIncrease: number): Partial<MetricAnalysisConfig> => ({
  direction: 'increase',
  nanStrategy: 'remove',
  minDataPoints: PRESET_MIN_DATA_POINTS,
  effectSize: { measure: 'meanRatio', allowedIncrease },
});

export const METRIC_PRESETS: Readonly<Record<string, MetricPreset>> = {
  'latency-p50': {
    description: 'Median response time of the version (seconds)',
    cloudwatch: alb('TargetResponseTime', 'p50'),
    prometheus: promQuantile(0.5),
    groups: ['latency'],
    unit: 'seconds',
    analysis: latency(1.1),
  },
  'latency-p90': {
    description: '90th percentile response time (seconds)',
    cloudwatch: alb('TargetResponseTime', 'p90'),
    prometheus: promQuantile(0.9),
    groups: ['latency'],
    unit: 'seconds',
    analysis: latency(1.1),
  },
  'latency-p99': {
    description: '99th percentile response time (seconds); tails are noisy, so a larger shift is allowed',
    cloudwatch: alb('TargetResponseTime', 'p99'),
    prometheus: promQuantile(0.99),
    groups: ['latency'],
    unit: 'seconds',
    analysis: latency(1.2),
  },
  'latency-average': {
    description: 'Mean response time (seconds)',
    cloudwatch: alb('TargetResponseTime', 'Average'),
    prometheus: {
      type: 'prometheus',
      query:
        'sum(rate(http_request_duration_seconds_sum{${scope}}[${step}]))' +
        ' / sum(rate(http_request_duration_seconds_count{${scope}}[${step}]))',
    },
    groups: ['latency'],
    unit: 'seconds',
    // 5 %: above the instance-to-instance spread of a mean (A/A runs stay below 1 % rolled back) and low enough
    // to catch a +10 % mean by the second step at 5 % traffic (npm run bench:stats, readme "Statistical quality")
    analysis: latency(1.05),
  },
  'error-rate-5xx': {
    description: 'Share of requests answered with 5xx by the targets; critical: doubling it rolls back at once',
    cloudwatch: {
      type: 'cloudwatch-ratio',
      numerator: alb('HTTPCode_Target_5XX_Count', 'Sum'),
      denominator: alb('RequestCount', 'Sum'),
    },
    prometheus: promErrorRate('5..'),
    groups: ['errors'],
    unit: 'ratio',
    analysis: {
      direction: 'increase',
      nanStrategy: 'remove',
      minDataPoints: PRESET_MIN_DATA_POINTS,
      critical: true,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2, criticalIncrease: 2 },
    },
  },
  'error-rate-4xx': {
    description: 'Share of requests answered with 4xx by the targets',
    cloudwatch: {
      type: 'cloudwatch-ratio',
      numerator: alb('HTTPCode_Target_4XX_Count', 'Sum'),
      denominator: alb('RequestCount', 'Sum'),
    },
    prometheus: promErrorRate('4..'),
    groups: ['errors'],
    unit: 'ratio',
    analysis: {
      direction: 'increase',
      nanStrategy: 'remove',
      minDataPoints: PRESET_MIN_DATA_POINTS,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2 },
    },
  },
  'request-count': {
    description: 'Requests per period; baseline and canary get the same weight, so a gap means trouble either way',
    cloudwatch: alb('RequestCount', 'Sum'),
    prometheus: { type: 'prometheus', query: 'sum(increase(http_requests_total{${scope}}[${step}]))' },
    groups: ['traffic'],
    unit: 'count',
    analysis: {
      direction: 'either',
      nanStrategy: 'remove',
      minDataPoints: PRESET_MIN_DATA_POINTS,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2, allowedDecrease: 0.8 },
    },
  },
  'cpu-utilization': {
    description:
      'CPU use: EC2 CPUUtilization (% of the instance) averaged over the instances; Prometheus: process CPU (% of one core)',
    cloudwatch: {
      type: 'cloudwatch',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      stat: 'Average',
      dimensions: {},
      scopeDimension: 'InstanceId',
    },
    prometheus: { type: 'prometheus', query: 'sum(rate(process_cpu_seconds_total{${scope}}[${step}])) * 100' },
    groups: ['saturation'],
    unit: 'percent',
    analysis: {
      direction: 'increase',
      nanStrategy: 'remove',
      minDataPoints: PRESET_MIN_DATA_POINTS,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2 },
    },
  },
};

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownPresetMessage(name: unknown): string {
  return `unknown preset "${String(name)}"; known presets: ${Object.keys(METRIC_PRESETS).join(', ')}`;
}

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

/** Fields of `given` win; nested objects (effectSize, outliers) are merged field by field too. */
function mergeFields(preset: Raw, given: Raw | undefined): Raw {
  const out: Raw = { ...preset };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    out[key] = isObject(value) && isObject(preset[key]) ? mergeFields(preset[key] as Raw, value) : value;
  }
  return out;
}

/**
 * A metric as written in a config (before defaults are filled in) with its preset's groups and analysis
 * settings wherever the config gives none. Source-independent, so it runs when the canary config is parsed;
 * the query depends on the metrics source and is resolved by resolveMetricQuery. Returns anything that is
 * not a metric with a known preset unchanged (the schema reports what is wrong with it).
 */
export function withPresetDefaults<T>(metric: T): T {
  if (!isObject(metric) || typeof metric.preset !== 'string') return metric;
  const preset = METRIC_PRESETS[metric.preset];
  if (!preset) return metric;
  const configs = isObject(metric.analysisConfigurations) ? metric.analysisConfigurations : {};
  return {
    ...metric,
    groups: metric.groups ?? preset.groups,
    unit: metric.unit ?? preset.unit,
    analysisConfigurations: {
      ...configs,
      canary: mergeFields(preset.analysis as Raw, isObject(configs.canary) ? configs.canary : undefined),
    },
  } as T;
}

/** Whether a metric names a preset that does not exist (for the schema's error, at the metric's path). */
export function unknownPreset(metric: unknown): string | undefined {
  if (!isObject(metric) || metric.preset === undefined) return undefined;
  return typeof metric.preset === 'string' && METRIC_PRESETS[metric.preset]
    ? undefined
    : unknownPresetMessage(metric.preset);
}

export interface MetricLike {
  name: string;
  preset?: string;
  query?: MetricQuery;
  foreignQuery?: { type: string };
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
  if (preset) return sourceType === 'prometheus' ? preset.prometheus : preset.cloudwatch;
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
