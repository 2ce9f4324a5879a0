import { z } from 'zod';
import type { MetricData } from './types';

/**
 * The samples `judge` takes: `{ "<metric name>": { baseline: [...], canary: [...] } }`. A missing point is
 * `null` in JSON (NaN in JavaScript) and is handled by the metric's nanStrategy; ±Infinity counts as missing
 * too (R's wilcox.test drops non-finite values; Kayenta would rank them).
 */

const pointSchema = z
  .custom<number | null>((v) => typeof v === 'number' || v === null, 'expected a number or null')
  .transform((v) => (v === null || !Number.isFinite(v) ? NaN : v));

export const metricSamplesSchema = z.object({ baseline: z.array(pointSchema), canary: z.array(pointSchema) }).strict();

export const metricDataSchema = z.record(z.string().min(1), metricSamplesSchema) satisfies z.ZodType<MetricData>;

export type MetricDataInput = z.input<typeof metricDataSchema>;
