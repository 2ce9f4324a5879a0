import { z } from 'zod';

/**
 * How one metric is read for one version. The same CloudWatch-shaped query is served by CloudWatch on AWS
 * and by the local router's per-target-group stats locally, so presets work unchanged in both places.
 */

/** CloudWatch statistic: the basic ones, a percentile such as `p99` / `p99.9`, or a percentile rank / trimmed count
 * with absolute bounds such as `PR(:0.5)` (percent of values ≤ 0.5) or `TC(0.5:)` (count of values > 0.5). */
export const cloudWatchStatSchema = z
  .string()
  .regex(
    /^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?|(PR|TC)\((\d+(\.\d+)?)?:(\d+(\.\d+)?)?\))$/,
    'expected Average, Sum, Minimum, Maximum, SampleCount, pNN, PR(lo:hi) or TC(lo:hi)',
  );

/** Statistics that count (a period without a point counted nothing). */
const COUNT_STAT = /^(Sum|SampleCount|TC\(.*\))$/;

/**
 * Which dimension tells baseline from canary:
 * - `TargetGroup`: ALB per-target-group metrics (dimensions LoadBalancer + TargetGroup of the version's target group);
 * - `InstanceId`: one query per instance of the version, averaged per period (e.g. EC2 CPUUtilization);
 * - `{ dimension }`: a custom dimension whose value is the version string (e.g. your app's `Version`).
 */
export const scopeDimensionSchema = z.union([
  z.literal('TargetGroup'),
  z.literal('InstanceId'),
  z.object({ dimension: z.string().min(1) }).strict(),
]);

export const cloudWatchQuerySchema = z
  .object({
    type: z.literal('cloudwatch'),
    namespace: z.string().min(1),
    metricName: z.string().min(1),
    stat: cloudWatchStatSchema,
    dimensions: z.record(z.string(), z.string()).default({}),
    scopeDimension: scopeDimensionSchema.default('TargetGroup'),
  })
  .strict();

/** numerator / denominator per period (e.g. 5xx count / request count), computed client-side. */
export const cloudWatchRatioQuerySchema = z
  .object({
    type: z.literal('cloudwatch-ratio'),
    numerator: cloudWatchQuerySchema,
    denominator: cloudWatchQuerySchema,
  })
  .strict();

const countQuerySchema = cloudWatchQuerySchema.refine((q) => COUNT_STAT.test(q.stat), {
  message: 'a count needs a counting statistic: Sum, SampleCount or TC(lo:hi)',
  path: ['stat'],
});

/**
 * A count metric from CloudWatch: per period, events (the sum of one or more count queries, e.g. 5xx answered by the
 * targets + connections that failed) of a total (requests). Judged by the count test, not as a per-period ratio.
 */
export const cloudWatchCountsQuerySchema = z
  .object({
    type: z.literal('cloudwatch-counts'),
    events: z.array(countQuerySchema).min(1).max(5),
    total: countQuerySchema,
  })
  .strict();

/**
 * Requests slower than a bound, as a count metric: per period, the metric's SampleCount (all requests) and its
 * percentile rank `PR(:above)` (percent at or below the bound), so slow = SampleCount × (100 − PR)/100; with
 * `statistic: "TC"` the trimmed count `TC(above:)` counts them directly.
 */
export const cloudWatchExceedanceQuerySchema = z
  .object({
    type: z.literal('cloudwatch-exceedance'),
    namespace: z.string().min(1),
    metricName: z.string().min(1),
    dimensions: z.record(z.string(), z.string()).default({}),
    scopeDimension: scopeDimensionSchema.default('TargetGroup'),
    /** The bound, in the metric's unit (seconds for TargetResponseTime). */
    above: z.number().positive().max(1e6),
    statistic: z.enum(['PR', 'TC']).default('PR'),
  })
  .strict();

/** A histogram's finite upper bounds: ascending, as many as one GetMetricData call can carry per version. */
const boundsSchema = z
  .array(z.number().positive().max(1e6))
  .min(1)
  .max(30)
  .refine((bounds) => bounds.every((b, j) => j === 0 || b > bounds[j - 1]), 'bounds must ascend');

/**
 * A histogram metric from CloudWatch: per period, the requests in each bucket up to `bounds` (and above the top one),
 * from the percentile rank `PR(:bound)` of every bound times SampleCount, and the values' Sum for the mean. Judged by
 * Mann-Whitney on the requests (shared/judge/histogram-test.ts).
 */
export const cloudWatchHistogramQuerySchema = z
  .object({
    type: z.literal('cloudwatch-histogram'),
    namespace: z.string().min(1),
    metricName: z.string().min(1),
    dimensions: z.record(z.string(), z.string()).default({}),
    scopeDimension: scopeDimensionSchema.default('TargetGroup'),
    /** The buckets' upper bounds, in the metric's unit (seconds for TargetResponseTime). */
    bounds: boundsSchema,
  })
  .strict();

const promQlSchema = z
  .string()
  .min(1)
  .refine((q) => q.includes('${scope}'), 'the query must contain ${scope}');

/**
 * A count metric from Prometheus: two PromQL queries per version, each giving one number per step (typically
 * `sum(increase(...[${step}]))`): events and total. Values are rounded to whole counts.
 */
export const prometheusCountsQuerySchema = z
  .object({ type: z.literal('prometheus-counts'), events: promQlSchema, total: promQlSchema })
  .strict();

/**
 * A histogram metric from Prometheus: `buckets` gives one series per bucket, labelled `le` (typically
 * `sum by (le) (increase(..._bucket{${scope}}[${step}]))`), `sum` one series of the values' sum per step
 * (`sum(increase(..._sum{${scope}}[${step}]))`). Judged by Mann-Whitney on the requests.
 */
export const prometheusHistogramQuerySchema = z
  .object({ type: z.literal('prometheus-histogram'), buckets: promQlSchema, sum: promQlSchema })
  .strict();

/** PromQL range query; `${scope}` is replaced by the version's label selector, as in Kayenta's Prometheus store. */
export const prometheusQuerySchema = z.object({ type: z.literal('prometheus'), query: promQlSchema }).strict();

export const metricQuerySchema = z.discriminatedUnion('type', [
  cloudWatchQuerySchema,
  cloudWatchRatioQuerySchema,
  cloudWatchCountsQuerySchema,
  cloudWatchExceedanceQuerySchema,
  cloudWatchHistogramQuerySchema,
  prometheusQuerySchema,
  prometheusCountsQuerySchema,
  prometheusHistogramQuerySchema,
]);

/**
 * The query types each metrics source answers: CloudWatch and the local router the CloudWatch shapes, Prometheus
 * PromQL. The run input is refused (naming the metric) when a metric's query is of another source's kind.
 */
export const QUERY_TYPES_BY_SOURCE = {
  cloudwatch: ['cloudwatch', 'cloudwatch-ratio', 'cloudwatch-counts', 'cloudwatch-exceedance', 'cloudwatch-histogram'],
  local: ['cloudwatch', 'cloudwatch-ratio', 'cloudwatch-counts', 'cloudwatch-exceedance', 'cloudwatch-histogram'],
  prometheus: ['prometheus', 'prometheus-counts', 'prometheus-histogram'],
} as const satisfies Record<string, readonly MetricQuery['type'][]>;

/** Query types whose metric is counts (events of exposures), judged by the count test. */
export const COUNT_QUERY_TYPES = ['cloudwatch-counts', 'cloudwatch-exceedance', 'prometheus-counts'] as const;

export function isCountQuery(
  query: MetricQuery,
): query is CloudWatchCountsQuery | CloudWatchExceedanceQuery | PrometheusCountsQuery {
  return (COUNT_QUERY_TYPES as readonly string[]).includes(query.type);
}

/** Query types whose metric is a histogram (requests per bucket), judged by Mann-Whitney on the requests. */
export const HISTOGRAM_QUERY_TYPES = ['cloudwatch-histogram', 'prometheus-histogram'] as const;

export function isHistogramQuery(query: MetricQuery): query is CloudWatchHistogramQuery | PrometheusHistogramQuery {
  return (HISTOGRAM_QUERY_TYPES as readonly string[]).includes(query.type);
}

export type CloudWatchQuery = z.infer<typeof cloudWatchQuerySchema>;
export type CloudWatchRatioQuery = z.infer<typeof cloudWatchRatioQuerySchema>;
export type PrometheusQuery = z.infer<typeof prometheusQuerySchema>;
export type CloudWatchCountsQuery = z.infer<typeof cloudWatchCountsQuerySchema>;
export type CloudWatchExceedanceQuery = z.infer<typeof cloudWatchExceedanceQuerySchema>;
export type PrometheusCountsQuery = z.infer<typeof prometheusCountsQuerySchema>;
export type CloudWatchHistogramQuery = z.infer<typeof cloudWatchHistogramQuerySchema>;
export type PrometheusHistogramQuery = z.infer<typeof prometheusHistogramQuerySchema>;
export type MetricQuery = z.infer<typeof metricQuerySchema>;
export type ScopeDimension = z.infer<typeof scopeDimensionSchema>;
