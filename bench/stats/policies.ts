import { analysisSchema } from '../../shared/config/run-config';
import { canaryConfigSchema, type CanaryConfigInput } from '../../shared/judge/canary-config';
import { alternativeGrid } from '../../shared/judge/count-test';
import type { ErrorControlConfig } from '../../shared/judge/error-control';
import type { Policy } from './judge-run';
import type { ContinuousMetric, CountMetric } from './series';

/**
 * The canary configs the harness judges with: the built-in presets for the simulated metrics, as a user would name
 * them. The user-level choices: mean latency is critical (a real mean-latency regression should stop the run at
 * once); group weights such that one failing metric in `latency` or `errors` pulls the score under pass while CPU
 * alone does not.
 *
 * `current`: what a canary-judge user names today: mean latency from the latency histogram (latency-histogram, the
 * requests in buckets), the tail metric latency-slow-share; 5xx and slow requests are count metrics. `classic`: the
 * four metrics a Kayenta user has (mean latency as one mean per period, no slow-share metric); in Kayenta's mode the
 * 5xx counts are judged as per-period ratios, as Kayenta does.
 */
const GROUP_WEIGHTS = { latency: 55, errors: 30, saturation: 15 };
const THRESHOLDS = { marginal: 50, pass: 75 };

type SimulatedMetric = ContinuousMetric | CountMetric;

const CURRENT: { name: SimulatedMetric; preset: string; critical?: boolean }[] = [
  { name: 'latency', preset: 'latency-histogram', critical: true },
  { name: 'latency-p99', preset: 'latency-p99' },
  { name: 'latency-slow', preset: 'latency-slow-share' },
  { name: 'error-rate', preset: 'error-rate-5xx' },
  { name: 'cpu', preset: 'cpu-utilization' },
];
const CLASSIC: typeof CURRENT = [
  { name: 'latency', preset: 'latency-average', critical: true },
  ...CURRENT.filter((m) => m.name !== 'latency' && m.name !== 'latency-slow'),
];

/** Kayenta's effect-size defaults: no floor at all (a ratio of 1.0). */
const KAYENTA_EFFECT_SIZE = { allowedIncrease: 1, criticalIncrease: 1 };

interface ConfigChoice {
  metrics: typeof CURRENT;
  /** The presets' floors (`true`), Kayenta's none (`false`). */
  floors: boolean;
  /** Points per side below which a metric is not judged yet (absent: the presets' 5). */
  minDataPoints?: number;
  /** Histogram metrics' effectSize.floorConfidence (absent: the preset's 0.8). */
  floorConfidence?: number;
  /** Histogram metrics' minDataPoints, periods (absent: the preset's 3). */
  histogramMinDataPoints?: number;
}

function canaryConfig({ metrics, floors, minDataPoints, floorConfidence, histogramMinDataPoints }: ConfigChoice) {
  const input: CanaryConfigInput = {
    name: 'bench-stats',
    metrics: metrics.map((m) => ({
      name: m.name,
      preset: m.preset,
      analysisConfigurations: {
        canary: {
          ...(m.critical ? { critical: true } : {}),
          ...(minDataPoints !== undefined ? { minDataPoints } : {}),
          ...(histogramMinDataPoints !== undefined && m.preset === 'latency-histogram'
            ? { minDataPoints: histogramMinDataPoints }
            : {}),
          ...(floors ? {} : { effectSize: KAYENTA_EFFECT_SIZE }),
          ...(floorConfidence !== undefined && m.preset === 'latency-histogram'
            ? { effectSize: { ...(floors ? {} : KAYENTA_EFFECT_SIZE), floorConfidence } }
            : {}),
        },
      },
    })),
    classifier: { groupWeights: GROUP_WEIGHTS },
  };
  return canaryConfigSchema.parse(input);
}

export function policy(
  id: string,
  label: string,
  config: ConfigChoice,
  judging: Pick<Policy, 'mode' | 'looks' | 'countTest' | 'countAlternatives' | 'countFinalShare'>,
  errorControl: Partial<ErrorControlConfig>,
): Policy {
  return {
    id,
    label,
    canaryConfig: canaryConfig(config),
    thresholds: THRESHOLDS,
    analysis: analysisSchema.parse({ errorControl }),
    ...judging,
  };
}

const current = (extra: Partial<ConfigChoice> = {}): ConfigChoice => ({ metrics: CURRENT, floors: true, ...extra });
const SEQUENTIAL = { mode: 'sequential', looks: 'every-check' } as const;
const KAYENTA = { mode: 'kayenta', looks: 'step-end' } as const;

/**
 * The policies the harness compares; `default` is what a run gets without setting anything (with the profile's check
 * interval, as a user sets judgment.checkIntervalSeconds to suit the source).
 */
export function buildPolicies(): Policy[] {
  return [
    policy(
      'default',
      'canary-judge defaults (sequential looks, count tests, Pocock-like 2 %, preset floors)',
      current(),
      SEQUENTIAL,
      {},
    ),
    policy(
      'kayenta',
      'Kayenta: one judgment per step at 98 %, no floors, no minimum sample, 5xx as per-period ratios',
      { metrics: CLASSIC, floors: false, minDataPoints: 1 },
      KAYENTA,
      { method: 'none' },
    ),
    policy(
      'classic',
      'canary-judge before sequential judging: one judgment per step, Pocock-like 2 % over steps, floors, no tail metric',
      { metrics: CLASSIC, floors: true },
      KAYENTA,
      {},
    ),
    policy(
      'per-step',
      'the defaults, but one look per step (at its end)',
      current(),
      { mode: 'sequential', looks: 'step-end' },
      {},
    ),
    policy('no-floors', 'the defaults without effect-size floors', current({ floors: false }), SEQUENTIAL, {}),
    policy(
      'floor-on-ratio',
      'the defaults with the latency floors on the mean ratio itself (floorConfidence 0.5)',
      current({ floorConfidence: 0.5 }),
      SEQUENTIAL,
      {},
    ),
    policy(
      'floor-90',
      "the defaults with the latency floors on the mean ratio's 90 % bound (floorConfidence 0.9)",
      current({ floorConfidence: 0.9 }),
      SEQUENTIAL,
      {},
    ),
    policy(
      'floor-85',
      "the defaults with the latency floors on the mean ratio's 85 % bound (floorConfidence 0.85)",
      current({ floorConfidence: 0.85 }),
      SEQUENTIAL,
      {},
    ),
    policy(
      'floor-85-min-4',
      'floor-85, and mean latency judged from 4 periods of requests instead of 3',
      current({ floorConfidence: 0.85, histogramMinDataPoints: 4 }),
      SEQUENTIAL,
      {},
    ),
    policy(
      'count-binomial',
      "the defaults with the conditional binomial count test at the looks' group-sequential levels",
      current(),
      { ...SEQUENTIAL, countTest: 'conditional-binomial' },
      {},
    ),
    policy(
      'count-binomial-obf',
      "the conditional binomial count test with O'Brien-Fleming-like spending (all metrics)",
      current(),
      { ...SEQUENTIAL, countTest: 'conditional-binomial' },
      { spending: 'obrien-fleming' },
    ),
    policy(
      'count-final-0',
      'the defaults with the anytime-valid count test alone, no exact test at the last look (the defaults before)',
      current(),
      { ...SEQUENTIAL, countFinalShare: 0 },
      {},
    ),
    policy(
      'count-final-0.9',
      "the defaults with 90 % of the count test's budget kept for the exact test at the run's last look",
      current(),
      { ...SEQUENTIAL, countFinalShare: 0.9 },
      {},
    ),
    policy(
      'count-grid-1.5-3',
      "the defaults with the anytime-valid count test's mixture over ×1.5-×3 of the null boundary (the grid before)",
      current(),
      { ...SEQUENTIAL, countAlternatives: alternativeGrid(1.5, 3) },
      {},
    ),
    policy(
      'count-grid-1.25-4',
      "the defaults with the anytime-valid count test's mixture over ×1.25-×4 of the null boundary (the grid before that)",
      current(),
      { ...SEQUENTIAL, countAlternatives: alternativeGrid(1.25, 4) },
      {},
    ),
    policy('pocock-1pct', 'the defaults with 1 %', current(), SEQUENTIAL, { runFalseRollbackRate: 0.01 }),
    policy('obf', "the defaults with O'Brien-Fleming-like spending", current(), SEQUENTIAL, {
      spending: 'obrien-fleming',
    }),
    policy('bonferroni', 'the defaults with Bonferroni over the planned looks', current(), SEQUENTIAL, {
      method: 'bonferroni',
    }),
    policy(
      'min-points-1',
      'the defaults without the minimum sample (minDataPoints 1)',
      current({ minDataPoints: 1 }),
      SEQUENTIAL,
      {},
    ),
  ];
}

/** Judged on every profile; the others only on the first (the headline) profile, to keep the run short. */
export const CORE_POLICIES = ['default', 'kayenta', 'classic'];
