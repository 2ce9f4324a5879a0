import { z } from 'zod';

/**
 * The metric sources' series as zod schemas; the types in metric-source.ts derive from them. Sources build series
 * in memory without parsing them: the schemas check series read back from storage (a run's stored judgments).
 */

/** A missing point is NaN in memory and null in JSON (JSON has no NaN); read back, it is NaN again. */
const pointSchema = z
  .number()
  .nullable()
  .transform((v) => v ?? NaN);

export const seriesSchema = z.object({
  /** Epoch milliseconds, ascending, one per period. */
  timestamps: z.array(z.number()),
  values: z.array(pointSchema),
});

/** One version's count metric per period: events and exposures, aligned with `Series.timestamps` of either. */
export const countSeriesSchema = z.object({ events: seriesSchema, totals: seriesSchema });

/**
 * One version's histogram per period: `counts[i][j]` requests of the period at `timestamps[i]` in bucket j (upper bound
 * `bounds[j]`; the last, above the top bound), `sums[i]` the sum of their values.
 */
export const histogramSeriesSchema = z.object({
  timestamps: z.array(z.number()),
  bounds: z.array(z.number()),
  counts: z.array(z.array(z.number())),
  sums: z.array(z.number()),
});

export const metricSeriesSchema = z.object({
  name: z.string(),
  /** Per-period values; for a count metric the per-period rates events/totals (what plots and Kayenta's mode use). */
  baseline: seriesSchema,
  canary: seriesSchema,
  /** Count metrics only: the events and exposures per period of each version. */
  counts: z.object({ baseline: countSeriesSchema, canary: countSeriesSchema }).optional(),
  /** Histogram metrics only: the requests per bucket of each version (`baseline`/`canary` are then the means). */
  histogram: z.object({ baseline: histogramSeriesSchema, canary: histogramSeriesSchema }).optional(),
  /** Set when the source failed for this metric after retries: which source and how. */
  error: z.string().optional(),
});
