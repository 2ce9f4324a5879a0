import { z } from 'zod';

/** How one metric is judged (Kayenta's analysisConfigurations.canary); the presets and the canary config build on it. */

export const directionSchema = z.enum(['increase', 'decrease', 'either']);
export const nanStrategySchema = z.enum(['remove', 'replace']);

const EFFECT_SIZE_FIELDS = [
  'allowedIncrease',
  'allowedDecrease',
  'criticalIncrease',
  'criticalDecrease',
  'rollbackIncrease',
  'rollbackDecrease',
] as const;

/** Thresholds on mean(canary)/mean(baseline) (default 1 each), or on CLES, a probability (default 0.5 each). */
export const effectSizeSchema = z
  .object({
    measure: z.enum(['meanRatio', 'cles']).default('meanRatio'),
    allowedIncrease: z.number().positive().optional(),
    allowedDecrease: z.number().positive().optional(),
    criticalIncrease: z.number().positive().optional(),
    criticalDecrease: z.number().positive().optional(),
    /**
     * Ours, beside Kayenta's: with sequential judging, a failure at or beyond this effect fails the whole canary
     * whatever the metric's groups and critical flag (a +50 % mean latency must never be promoted because its group
     * still scores enough). Kayenta's mode ignores it.
     */
    rollbackIncrease: z.number().positive().optional(),
    rollbackDecrease: z.number().positive().optional(),
    /**
     * Ours, histogram metrics only: the floors apply to the one-sided confidence bound of the mean ratio at this level
     * (the ratio pulled towards 1) instead of the ratio itself; 0.5 (the default) is the ratio. The test on the
     * requests proves small shifts within minutes, so a noisy early mean would otherwise cross the floor by chance.
     * Ignored with measure "cles", in Kayenta's mode and by metrics whose data is not a histogram (a query that is not
     * one is a config error).
     */
    floorConfidence: z.number().min(0.5).lt(1).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.measure !== 'cles') return;
    for (const field of EFFECT_SIZE_FIELDS) {
      const value = e[field];
      if (value !== undefined && value > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `CLES is a probability: expected at most 1, got ${value}`,
        });
      }
    }
  });

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
    /**
     * Fewer points than this on a side (at least one on each): Nodata, not judged yet, never a failure by itself;
     * the built-in presets use 5, metrics without a preset 1 (Kayenta's behaviour).
     */
    minDataPoints: z.number().int().min(1).optional(),
  })
  .strict();

export type Direction = z.infer<typeof directionSchema>;
export type NanStrategy = z.infer<typeof nanStrategySchema>;
export type EffectSizeConfig = z.infer<typeof effectSizeSchema>;
export type OutliersConfig = z.infer<typeof outliersSchema>;
export type MetricAnalysisConfig = z.infer<typeof metricAnalysisSchema>;
