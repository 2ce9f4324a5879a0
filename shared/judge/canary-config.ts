import { z } from 'zod';
import { metricQuerySchema } from '../metrics/metric-query';

/**
 * The canary (judge) config: Kayenta's canary-config JSON shape, accepted as is, plus our own fields
 * (`preset`, `query` shapes, `minDataPoints`, outlier `method`). Unlike Kayenta, unknown enum values
 * are rejected with the field path instead of silently falling back to a default.
 */

export const directionSchema = z.enum(['increase', 'decrease', 'either']);
export const nanStrategySchema = z.enum(['remove', 'replace']);

export const effectSizeSchema = z
  .object({
    measure: z.enum(['meanRatio', 'cles']).default('meanRatio'),
    allowedIncrease: z.number().positive().optional(),
    allowedDecrease: z.number().positive().optional(),
    criticalIncrease: z.number().positive().optional(),
    criticalDecrease: z.number().positive().optional(),
  })
  .strict();

export const outliersSchema = z
  .object({
    strategy: z.enum(['keep', 'remove']).default('keep'),
    /** `iqr` is Kayenta's (reduced-sensitivity IQR fences); `ksigma` drops points beyond k standard deviations. */
    method: z.enum(['iqr', 'ksigma']).default('iqr'),
    outlierFactor: z.number().positive().default(3),
  })
  .strict();

export const metricAnalysisSchema = z
  .object({
    direction: directionSchema.default('either'),
    nanStrategy: nanStrategySchema.default('remove'),
    critical: z.boolean().default(false),
    mustHaveData: z.boolean().default(false),
    muted: z.boolean().default(false),
    effectSize: effectSizeSchema.optional(),
    outliers: outliersSchema.optional(),
    /** Fewer points than this on either side: Nodata (or NodataFailMetric with mustHaveData), never a failure. */
    minDataPoints: z.number().int().min(1).optional(),
  })
  .strict();

export const canaryMetricSchema = z
  .object({
    name: z.string().min(1),
    /** Name of a built-in metric preset (see shared/config/metric-presets.ts); fields given here override it. */
    preset: z.string().min(1).optional(),
    query: metricQuerySchema.optional(),
    groups: z.array(z.string().min(1)).default([]),
    scopeName: z.string().optional(),
    analysisConfigurations: z
      .object({ canary: metricAnalysisSchema.default(metricAnalysisSchema.parse({})) })
      .passthrough()
      .default({ canary: metricAnalysisSchema.parse({}) }),
  })
  .passthrough();

export const scoreThresholdsSchema = z
  .object({
    marginal: z.number().min(0).max(100),
    pass: z.number().min(0).max(100),
  })
  .strict()
  .refine((t) => t.marginal <= t.pass, { message: 'marginal must not exceed pass', path: ['marginal'] });

export const canaryConfigSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    configVersion: z.string().optional(),
    applications: z.array(z.string()).optional(),
    judge: z.object({ name: z.string(), judgeConfigurations: z.record(z.string(), z.unknown()).optional() }).passthrough().optional(),
    metrics: z.array(canaryMetricSchema).min(1, 'at least one metric is required'),
    templates: z.record(z.string(), z.unknown()).optional(),
    classifier: z
      .object({
        groupWeights: z.record(z.string(), z.number().min(0)).default({}),
        scoreThresholds: z.object({ pass: z.number(), marginal: z.number() }).optional(),
      })
      .passthrough()
      .default({ groupWeights: {} }),
  })
  .passthrough()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.metrics.forEach((m, i) => {
      if (seen.has(m.name)) {
        ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `duplicate metric name "${m.name}"` });
      }
      seen.add(m.name);
    });
  });

export type Direction = z.infer<typeof directionSchema>;
export type NanStrategy = z.infer<typeof nanStrategySchema>;
export type EffectSizeConfig = z.infer<typeof effectSizeSchema>;
export type OutliersConfig = z.infer<typeof outliersSchema>;
export type MetricAnalysisConfig = z.infer<typeof metricAnalysisSchema>;
export type CanaryMetricConfig = z.infer<typeof canaryMetricSchema>;
export type CanaryConfig = z.infer<typeof canaryConfigSchema>;
export type CanaryConfigInput = z.input<typeof canaryConfigSchema>;
export type ScoreThresholds = z.infer<typeof scoreThresholdsSchema>;
