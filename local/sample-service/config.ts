import { z } from 'zod';
import { parseOrThrow } from '../../shared/config/validation';

/**
 * The sample service's knobs, read from the environment. A regression is simulated with
 * EXTRA_LATENCY_MS / LATENCY_FACTOR / ERROR_RATE / CRASH_AFTER on the canary only.
 */

const numberFromEnv = (schema: z.ZodNumber) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().pipe(schema));

export const sampleServiceEnvSchema = z.object({
  PORT: numberFromEnv(z.number().int().min(0).max(65_535)).default(0),
  HOST: z.string().min(1).default('127.0.0.1'),
  ROLE: z.string().default('production'),
  VERSION: z.string().default('v1'),
  RUN_ID: z.string().default(''),
  /** Median latency of `/` in ms; latencies are log-normal around it. */
  BASE_LATENCY_MS: numberFromEnv(z.number().min(0).max(60_000)).default(20),
  /** Spread of the log-normal (sigma of ln latency); 0 = every request takes exactly the base latency. */
  LATENCY_SIGMA: numberFromEnv(z.number().min(0).max(3)).default(0.25),
  /** Added to every `/` latency, in ms. */
  EXTRA_LATENCY_MS: numberFromEnv(z.number().min(0).max(60_000)).default(0),
  /** Multiplies every `/` latency: 1.25 = 25% slower. Applied before EXTRA_LATENCY_MS. */
  LATENCY_FACTOR: numberFromEnv(z.number().gt(0).max(100)).default(1),
  /** Fraction (0..1) of `/` requests answered with 500. */
  ERROR_RATE: numberFromEnv(z.number().min(0).max(1)).default(0),
  /** Exit (code 1) right after answering this many `/` requests; 0 = never. */
  CRASH_AFTER: numberFromEnv(z.number().int().min(0)).default(0),
  /** PRNG seed (number or text) for latencies and errors; random when absent. */
  SEED: z.string().optional(),
  /** Exit when this process is gone (set by LocalFleet so instances never outlive their launcher). */
  CANARY_JUDGE_PARENT_PID: numberFromEnv(z.number().int().min(1)).optional(),
});

export type SampleServiceConfig = z.infer<typeof sampleServiceEnvSchema>;

export function configFromEnv(env: NodeJS.ProcessEnv): SampleServiceConfig {
  return parseOrThrow(sampleServiceEnvSchema, env, 'sample-service environment');
}
