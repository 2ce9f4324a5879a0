import { z } from 'zod';

/**
 * How one metric is read for one version. The same CloudWatch-shaped query is served by CloudWatch on AWS
 * and by the local router's per-target-group stats locally, so presets work unchanged in both places.
 */

/** CloudWatch statistic: the basic ones or a percentile such as `p99` / `p99.9`. */
export const cloudWatchStatSchema = z
  .string()
  .regex(
    /^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/,
    'expected Average, Sum, Minimum, Maximum, SampleCount or pNN',
  );

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

/** PromQL range query; `${scope}` is replaced by the version's label selector, as in Kayenta's Prometheus store. */
export const prometheusQuerySchema = z
  .object({
    type: z.literal('prometheus'),
    query: z
      .string()
      .min(1)
      .refine((q) => q.includes('${scope}'), 'the query must contain ${scope}'),
  })
  .strict();

export const metricQuerySchema = z.discriminatedUnion('type', [
  cloudWatchQuerySchema,
  cloudWatchRatioQuerySchema,
  prometheusQuerySchema,
]);

export type CloudWatchQuery = z.infer<typeof cloudWatchQuerySchema>;
export type CloudWatchRatioQuery = z.infer<typeof cloudWatchRatioQuerySchema>;
export type PrometheusQuery = z.infer<typeof prometheusQuerySchema>;
export type MetricQuery = z.infer<typeof metricQuerySchema>;
export type ScopeDimension = z.infer<typeof scopeDimensionSchema>;
