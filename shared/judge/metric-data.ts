import { z } from 'zod';
import type { MetricData } from './types';

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

export const metricDataSchema = z.record(z.string().min(1), metricSamplesSchema) satisfies z.ZodType<MetricData>;

export type MetricDataInput = z.input<typeof metricDataSchema>;
