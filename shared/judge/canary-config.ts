import { z } from 'zod';
import { metricAnalysisSchema } from './metric-analysis';
import { PRESET_JUDGING, unknownPreset, withPresetDefaults } from './metric-presets';
import { isCountQuery, isHistogramQuery, metricQuerySchema, type MetricQuery } from '../metrics/metric-query';

/**
 * The canary (judge) config: Kayenta's canary-config JSON shape, accepted as is, plus our own fields
 * (`preset`, `query` shapes, `minDataPoints`, outlier `method`). Unlike Kayenta, unknown enum values
 * are rejected with the field path instead of silently falling back to a default, and so are group weights
 * that cannot add up (Kayenta's docs: "Weights must total 100").
 */

// the per-metric schemas live below the presets (which build on them); re-exported here, where users import them
export * from './metric-analysis';

/** A query of one of Kayenta's metric stores (atlas, datadog, newrelic, Kayenta's own prometheus shape, ...). */
export const foreignQuerySchema = z.looseObject({ type: z.string().min(1) });
export type ForeignQuery = z.infer<typeof foreignQuerySchema>;

/**
 * Ours: every type of metricQuerySchema (cloudwatch, cloudwatch-ratio, cloudwatch-counts, cloudwatch-exceedance,
 * prometheus-counts), and `prometheus` with a `query` (PromQL). Kayenta's prometheus query has no `query` field (it has
 * `metricName`, `labelBindings`, `customInlineTemplate`, ...), so the two cannot be confused.
 */
export function isOwnQueryShape(query: ForeignQuery): boolean {
  if (query.type === 'prometheus') return 'query' in query;
  return metricQuerySchema.options.some((option) => option.shape.type.value === query.type);
}

/**
 * Our query shapes are validated (a typo is named by its path); a foreign one is accepted without validation
 * and moved to `foreignQuery`: the judge never reads queries, and a run, which does, finds no `query` to fetch.
 */
const queryFieldSchema = foreignQuerySchema.transform(
  (raw, ctx): { query?: MetricQuery; foreignQuery?: ForeignQuery } => {
    if (!isOwnQueryShape(raw)) return { foreignQuery: raw };
    const own = metricQuerySchema.safeParse(raw);
    if (own.success) return { query: own.data };
    for (const issue of own.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  },
);

const canaryMetricFieldsSchema = z
  .looseObject({
    name: z.string().min(1),
    /** Name of a built-in metric preset (see shared/config/metric-presets.ts); fields given here override it. */
    preset: z.string().min(1).optional(),
    query: queryFieldSchema.optional(),
    groups: z.array(z.string().min(1)).default([]),
    /**
     * What the metric's values measure, for people reading results: `seconds` (shown in ms), `ratio` (a share,
     * shown in %), `percent`, `count`, or any short label of your own (shown as is). Presets set it.
     */
    unit: z.string().min(1).max(16).optional(),
    /** The bound of a preset that counts requests above one (latency-slow-share), in seconds. */
    boundSeconds: z.number().positive().max(3600).optional(),
    scopeName: z.string().optional(),
    analysisConfigurations: z
      .object({ canary: metricAnalysisSchema.default(metricAnalysisSchema.parse({})) })
      .passthrough()
      .default({ canary: metricAnalysisSchema.parse({}) }),
  })
  .transform(({ query, ...metric }) => ({ ...metric, ...query }));

/** A named preset fills the groups and analysis settings the metric leaves out, before the defaults do. */
export const canaryMetricSchema = z
  .custom<z.input<typeof canaryMetricFieldsSchema>>()
  .transform((metric, ctx) => {
    const unknown = unknownPreset(metric);
    if (unknown !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['preset'], message: unknown });
      return z.NEVER;
    }
    const bounded =
      typeof metric?.preset === 'string' && PRESET_JUDGING[metric.preset].defaultBoundSeconds !== undefined;
    if (metric?.boundSeconds !== undefined && !bounded) {
      const takers = Object.keys(PRESET_JUDGING).filter(
        (name) => PRESET_JUDGING[name].defaultBoundSeconds !== undefined,
      );
      ctx.addIssue({
        code: 'custom',
        path: ['boundSeconds'],
        message: `only presets that count requests above a bound take boundSeconds (${takers.join(', ')})`,
      });
      return z.NEVER;
    }
    return withPresetDefaults(metric);
  })
  .pipe(canaryMetricFieldsSchema);

export const scoreThresholdsSchema = z
  .object({
    marginal: z.number().min(0).max(100),
    pass: z.number().min(0).max(100),
  })
  .strict()
  .refine((t) => t.marginal <= t.pass, { message: 'marginal must not exceed pass', path: ['marginal'] });

/**
 * Canary configs this process has parsed: parsing is idempotent (a parsed config parses to an equal one), so the judge
 * skips it for them instead of re-running every preset merge and default at every look of a run.
 */
const parsedConfigs = new WeakSet<object>();

export const canaryConfigSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    configVersion: z.string().optional(),
    applications: z.array(z.string()).optional(),
    judge: z
      .object({ name: z.string(), judgeConfigurations: z.record(z.string(), z.unknown()).optional() })
      .passthrough()
      .optional(),
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
      if (m.query && isCountQuery(m.query) && m.analysisConfigurations.canary.effectSize?.measure === 'cles') {
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', i, 'analysisConfigurations', 'canary', 'effectSize', 'measure'],
          message: 'a count metric is judged on its rate ratio: use measure "meanRatio" (the floors are rate ratios)',
        });
      }
      // (a metric whose own fields failed may reach here half-parsed: only a query with its type is ours)
      if (
        typeof m.query?.type === 'string' &&
        !isHistogramQuery(m.query) &&
        (m.analysisConfigurations.canary.effectSize?.floorConfidence ?? 0.5) > 0.5
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', i, 'analysisConfigurations', 'canary', 'effectSize', 'floorConfidence'],
          message: `floorConfidence applies to histogram metrics (their mean ratio's bound); query type "${m.query.type}" is not one`,
        });
      }
      if (seen.has(m.name)) {
        ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `duplicate metric name "${m.name}"` });
      }
      seen.add(m.name);
    });
    // metrics without groups never reach the score; with none in a group the score could only be 0
    const grouped = new Set(config.metrics.flatMap((m) => m.groups));
    if (grouped.size === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['metrics'],
        message: 'no metric belongs to a group: give each metric "groups" (only grouped metrics count in the score)',
      });
    }
    const weights = config.classifier.groupWeights;
    for (const group of Object.keys(weights)) {
      if (!grouped.has(group)) {
        ctx.addIssue({
          code: 'custom',
          path: ['classifier', 'groupWeights', group],
          message: `no metric is in group "${group}", so its weight could never be earned; remove it or fix the group name`,
        });
      }
    }
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    if (total > 100 + 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['classifier', 'groupWeights'],
        message: `group weights add up to ${total}; they must not exceed 100`,
      });
    }
  })
  .transform((config) => {
    parsedConfigs.add(config);
    return config;
  });

/** The canary config parsed by `parse`, or the same object when this process already parsed it. */
export function parseCanaryConfig<T extends object>(config: T, parse: (c: T) => CanaryConfig): CanaryConfig {
  return parsedConfigs.has(config) ? (config as unknown as CanaryConfig) : parse(config);
}

export type CanaryMetricConfig = z.infer<typeof canaryMetricSchema>;
export type CanaryConfig = z.infer<typeof canaryConfigSchema>;
export type CanaryConfigInput = z.input<typeof canaryConfigSchema>;
export type ScoreThresholds = z.infer<typeof scoreThresholdsSchema>;
