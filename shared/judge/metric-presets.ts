import type { MetricAnalysisConfig } from './metric-analysis';

/**
 * How the built-in metrics (`"preset": "latency-p99"`) are judged: groups, unit and analysis defaults. Fields given in
 * a config win, field by field. Where each preset is read from (its CloudWatch and Prometheus queries) is not the
 * judge's business: shared/config/metric-presets.ts. Kept here so the canary config, like Kayenta's, depends on
 * nothing above the judge.
 */

export interface PresetJudging {
  description: string;
  groups: string[];
  /** What the values measure (see the canary metric's `unit`). */
  unit: string;
  analysis: Partial<MetricAnalysisConfig>;
  /** Presets that count requests above a bound: the bound when the metric gives no `boundSeconds`. */
  defaultBoundSeconds?: number;
}

/**
 * Points per side below which a preset metric is not judged yet: from 5 on, an A/A comparison fails less often
 * than its confidence level promises for every data shape measured; with 2-4 it fails more often, whatever the
 * level (npm run bench:stats, small-sample table in docs/statistical-quality.md). Metrics without a preset keep
 * Kayenta's behaviour (1). The count test ignores it: it holds at any size.
 */
export const PRESET_MIN_DATA_POINTS = 5;

/**
 * A metric that fails when higher. Continuous (latency): significantly higher and the mean at least `allowedIncrease`
 * × the baseline's. Counts (5xx, slow requests): `allowedIncrease` is the count test's null boundary (fail only when the
 * data prove the canary's rate above allowed × the baseline's); the count test needs no minimum sample, minDataPoints
 * applies where counts are judged as per-period ratios instead (judgment mode `kayenta`). With sequential judging (the
 * default) a failure at or beyond `rollbackIncrease` fails the run whatever the grouping.
 */
const higherFails = (
  allowedIncrease: number,
  rollbackIncrease: number,
  floorConfidence?: number,
): Partial<MetricAnalysisConfig> => ({
  direction: 'increase',
  nanStrategy: 'remove',
  minDataPoints: PRESET_MIN_DATA_POINTS,
  effectSize: {
    measure: 'meanRatio',
    allowedIncrease,
    rollbackIncrease,
    ...(floorConfidence ? { floorConfidence } : {}),
  },
});

export const PRESET_JUDGING: Readonly<Record<string, PresetJudging>> = {
  'latency-p50': {
    description: 'Median response time of the version (seconds)',
    groups: ['latency'],
    unit: 'seconds',
    analysis: higherFails(1.1, 1.5),
  },
  'latency-p90': {
    description: '90th percentile response time (seconds)',
    groups: ['latency'],
    unit: 'seconds',
    analysis: higherFails(1.1, 1.5),
  },
  'latency-p99': {
    description: '99th percentile response time (seconds); tails are noisy, so a larger shift is allowed',
    groups: ['latency'],
    unit: 'seconds',
    analysis: higherFails(1.2, 2),
  },
  'latency-average': {
    description: 'Mean response time (seconds)',
    groups: ['latency'],
    unit: 'seconds',
    // 5 %: above the instance-to-instance spread of a mean (A/A runs stay below 1 % rolled back) and low enough
    // to catch a +10 % mean by the second step at 5 % traffic (npm run bench:stats, readme "Statistical quality");
    // +50 %: no release should get through with that, whatever the other metrics say
    analysis: higherFails(1.05, 1.5),
  },
  'latency-histogram': {
    description:
      'Response times of all requests, from the latency histogram (Prometheus buckets; CloudWatch percentile ranks): ' +
      'Mann-Whitney on the requests, the floors on the mean; a regression of the mean shows minutes sooner than in ' +
      'one mean per period',
    groups: ['latency'],
    unit: 'seconds',
    // the floors of latency-average: the test sees thousands of requests, so the floor alone keeps an ordinary
    // instance-to-instance difference of the mean from failing. They apply to the mean ratio's 80 % bound: at minute 3
    // the mean of a few hundred requests per side is still noisy enough to cross ×1.05 by chance. 3 periods, not 5:
    // the test is on the requests, and the 5 points a series needs only delay it (npm run bench:stats, "Other tests of
    // the mean" and "The floor's confidence")
    analysis: { ...higherFails(1.05, 1.5, 0.8), minDataPoints: 3 },
  },
  'latency-slow-share': {
    description:
      'Share of requests slower than boundSeconds (default 0.5 s), judged from the counts: a tail regression that a ' +
      'p99 per minute shows late',
    groups: ['latency'],
    unit: 'ratio',
    // a tail regression (1 % of requests +0.5 s) multiplies the share above 0.5 s by about 10; ×3 proven ends the run
    analysis: higherFails(1.5, 3),
    defaultBoundSeconds: 0.5,
  },
  'error-rate-5xx': {
    description:
      'Requests answered with 5xx by the targets or that failed to reach one, of all requests, judged from the ' +
      'counts; critical: a proven increase to double rolls back at once',
    groups: ['errors'],
    unit: 'ratio',
    // critical: a proven failure with the rate at least doubled rolls back at once (Kayenta's criticalIncrease)
    analysis: {
      ...higherFails(1.1, 2),
      critical: true,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.1, criticalIncrease: 2 },
    },
  },
  'error-rate-4xx': {
    description: 'Requests answered with 4xx by the targets, of all requests, judged from the counts',
    groups: ['errors'],
    unit: 'ratio',
    analysis: higherFails(1.2, 3),
  },
  'request-count': {
    description: 'Requests per period; baseline and canary get the same weight, so a gap means trouble either way',
    groups: ['traffic'],
    unit: 'count',
    analysis: {
      direction: 'either',
      nanStrategy: 'remove',
      minDataPoints: PRESET_MIN_DATA_POINTS,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2, allowedDecrease: 0.8 },
    },
  },
  'cpu-utilization': {
    description:
      'CPU use: EC2 CPUUtilization (% of the instance) averaged over the instances; Prometheus: process CPU (% of one core)',
    groups: ['saturation'],
    unit: 'percent',
    analysis: {
      direction: 'increase',
      nanStrategy: 'remove',
      minDataPoints: PRESET_MIN_DATA_POINTS,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1.2, rollbackIncrease: 2 },
    },
  },
};

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function unknownPresetMessage(name: unknown): string {
  return `unknown preset "${String(name)}"; known presets: ${Object.keys(PRESET_JUDGING).join(', ')}`;
}

/** Fields of `given` win; nested objects (effectSize, outliers) are merged field by field too. */
function mergeFields(preset: Raw, given: Raw | undefined): Raw {
  const out: Raw = { ...preset };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    out[key] = isObject(value) && isObject(preset[key]) ? mergeFields(preset[key] as Raw, value) : value;
  }
  return out;
}

/**
 * A metric as written in a config (before defaults are filled in) with its preset's groups, unit and analysis
 * settings wherever the config gives none. Source-independent, so it runs when the canary config is parsed;
 * the query depends on the metrics source and is resolved by shared/config's resolveMetricQuery. Returns anything
 * that is not a metric with a known preset unchanged (the schema reports what is wrong with it).
 */
export function withPresetDefaults<T>(metric: T): T {
  if (!isObject(metric) || typeof metric.preset !== 'string') return metric;
  const preset = PRESET_JUDGING[metric.preset];
  if (!preset) return metric;
  const configs = isObject(metric.analysisConfigurations) ? metric.analysisConfigurations : {};
  return {
    ...metric,
    groups: metric.groups ?? preset.groups,
    unit: metric.unit ?? preset.unit,
    analysisConfigurations: {
      ...configs,
      canary: mergeFields(preset.analysis as Raw, isObject(configs.canary) ? configs.canary : undefined),
    },
  } as T;
}

/** Whether a metric names a preset that does not exist (for the schema's error, at the metric's path). */
export function unknownPreset(metric: unknown): string | undefined {
  if (!isObject(metric) || metric.preset === undefined) return undefined;
  return typeof metric.preset === 'string' && PRESET_JUDGING[metric.preset]
    ? undefined
    : unknownPresetMessage(metric.preset);
}
