import { z } from 'zod';
import type { CountMetricData, HistogramMetricData, MetricData, SeriesMetricData } from './types';

/**
 * The samples `judge` takes: `{ "<metric name>": { baseline: [...], canary: [...] } }`. A missing point is
 * `null` in JSON (NaN in JavaScript) and is handled by the metric's nanStrategy; ±Infinity counts as missing
 * too (R's wilcox.test drops non-finite values; Kayenta would rank them).
 */

/**
 * One side's points. One loop instead of a zod schema per point (series run to 10^5 points, and parsing them point
 * by point cost more than the statistics); same issues as z.array would give. A series without missing points is
 * returned as it is, not copied: nothing downstream changes it.
 */
const pointsSchema = z.custom<(number | null)[]>().transform((value, ctx): number[] => {
  if (!Array.isArray(value)) {
    ctx.addIssue({ expected: 'array', code: 'invalid_type', input: value });
    return z.NEVER;
  }
  const points: unknown[] = value;
  let valid = true;
  let complete = true;
  for (let i = 0; i < points.length; i++) {
    const v = points[i];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) complete = false;
    } else if (v === null) {
      complete = false;
    } else {
      valid = false;
      ctx.addIssue({ code: 'custom', path: [i], message: 'expected a number or null', input: v });
    }
  }
  if (!valid) return z.NEVER;
  if (complete) return value as number[];
  return points.map((v) => (v === null || !Number.isFinite(v) ? NaN : (v as number)));
});

export const metricSamplesSchema = z.object({ baseline: pointsSchema, canary: pointsSchema }).strict();

const countSchema = z.number().int('must be a whole number of events or requests').nonnegative();

/** One version's counts per period; each period's events must not exceed its exposures. */
export const countSamplesSchema = z
  .object({ events: z.array(countSchema), totals: z.array(countSchema) })
  .strict()
  .superRefine((side, ctx) => {
    if (side.events.length !== side.totals.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['events'],
        message: `events has ${side.events.length} periods, totals ${side.totals.length}: give one of each per period`,
      });
      return;
    }
    side.events.forEach((events, t) => {
      if (events > side.totals[t]) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', t],
          message: `${events} events of ${side.totals[t]} requests`,
        });
      }
    });
  });

/** Both versions give the same number of periods (`field` names the canary's array in the error). */
function alignedPeriods(baseline: number, canary: number, field: string, ctx: z.RefinementCtx): void {
  if (baseline === canary) return;
  ctx.addIssue({
    code: 'custom',
    path: ['canary', field],
    message: `the canary has ${canary} periods and the baseline ${baseline}: periods must be aligned`,
  });
}

/** Count data: the versions' periods are aligned by index (period t is the same span of time on both). */
export const countDataSchema = z
  .object({ baseline: countSamplesSchema, canary: countSamplesSchema })
  .strict()
  .superRefine((data, ctx) => alignedPeriods(data.baseline.totals.length, data.canary.totals.length, 'totals', ctx));

/** One version's histogram per period: ascending finite bounds, one more count than bounds in every period. */
export const histogramSamplesSchema = z
  .object({
    bounds: z.array(z.number().finite()),
    counts: z.array(z.array(countSchema)),
    sums: z.array(z.number().finite()),
  })
  .strict()
  .superRefine((side, ctx) => {
    side.bounds.forEach((bound, j) => {
      if (j > 0 && !(bound > side.bounds[j - 1])) {
        ctx.addIssue({
          code: 'custom',
          path: ['bounds', j],
          message: `bounds must ascend (${side.bounds[j - 1]}, ${bound})`,
        });
      }
    });
    side.counts.forEach((period, t) => {
      if (period.length !== side.bounds.length + 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['counts', t],
          message: `${period.length} buckets for ${side.bounds.length} bounds: give one count per bound and one above the top bound`,
        });
      }
    });
    if (side.sums.length !== side.counts.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['sums'],
        message: `sums has ${side.sums.length} periods, counts ${side.counts.length}: give one of each per period`,
      });
    }
  });

/** Histogram data: the versions' periods are aligned by index; their bounds may differ (compared on the common ones). */
export const histogramDataSchema = z
  .object({ baseline: histogramSamplesSchema, canary: histogramSamplesSchema })
  .strict()
  .superRefine((data, ctx) => alignedPeriods(data.baseline.counts.length, data.canary.counts.length, 'counts', ctx));

type AnyMetricData = SeriesMetricData | CountMetricData | HistogramMetricData;

/** Which schema names a metric's errors: series have arrays on each side, counts `events`, histograms `bounds`. */
function schemaFor(value: unknown) {
  const baseline = (value as { baseline?: unknown } | null)?.baseline;
  if (typeof baseline !== 'object' || baseline === null || Array.isArray(baseline)) return metricSamplesSchema;
  return 'bounds' in baseline ? histogramDataSchema : countDataSchema;
}

const anyMetricDataSchema = z.custom<unknown>().transform((value, ctx): AnyMetricData => {
  const parsed = schemaFor(value).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
  return z.NEVER;
});

export const metricDataSchema = z.record(z.string().min(1), anyMetricDataSchema) satisfies z.ZodType<MetricData>;

export function isCountData(data: AnyMetricData): data is CountMetricData {
  return !Array.isArray(data.baseline) && 'events' in data.baseline;
}

export function isHistogramData(data: AnyMetricData): data is HistogramMetricData {
  return !Array.isArray(data.baseline) && 'bounds' in data.baseline;
}

export type MetricDataInput = z.input<typeof metricDataSchema>;
