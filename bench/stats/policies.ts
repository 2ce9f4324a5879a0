import { canaryConfigSchema, type CanaryConfigInput } from '../../shared/judge/canary-config';
import { errorControlSchema, type ErrorControlConfig } from '../../shared/judge/error-control';
import type { Policy } from './judge-run';
import type { SimulatedMetric } from './series';

/**
 * The canary config the harness judges with: the built-in presets for the four simulated metrics, as a user
 * would name them. The user-level choices: mean latency is critical (a real mean-latency regression should stop
 * the run at once), and group weights such that one failing metric in `latency` (p99) or `errors` (5xx below its
 * critical increase) pulls the score under pass (rolled back at the end) while CPU alone does not.
 */
const GROUP_WEIGHTS = { latency: 55, errors: 30, saturation: 15 };
const THRESHOLDS = { marginal: 50, pass: 75 };

const METRICS: { name: SimulatedMetric; preset: string; critical?: boolean }[] = [
  { name: 'latency', preset: 'latency-average', critical: true },
  { name: 'latency-p99', preset: 'latency-p99' },
  { name: 'error-rate', preset: 'error-rate-5xx' },
  { name: 'cpu', preset: 'cpu-utilization' },
];

/** Kayenta's effect-size defaults: no floor at all (a ratio of 1.0). */
const KAYENTA_EFFECT_SIZE = { allowedIncrease: 1, criticalIncrease: 1 };

/** Floors: the presets' (`true`), Kayenta's none (`false`), or the presets' with another mean-latency floor. */
type Floors = boolean | { latency: number };

/**
 * Points per side below which a metric is not judged yet: the presets' 5 (`undefined`), or 1 for Kayenta, which has
 * no minimum (and for the presets as they were before they had one).
 */
function canaryConfig(floors: Floors, minDataPoints?: number) {
  const input: CanaryConfigInput = {
    name: 'bench-stats',
    metrics: METRICS.map((m) => ({
      name: m.name,
      preset: m.preset,
      analysisConfigurations: {
        canary: {
          ...(m.critical ? { critical: true } : {}),
          ...(minDataPoints !== undefined ? { minDataPoints } : {}),
          ...(floors === false ? { effectSize: KAYENTA_EFFECT_SIZE } : {}),
          ...(typeof floors === 'object' && m.name === 'latency'
            ? { effectSize: { allowedIncrease: floors.latency } }
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
  floors: Floors,
  errorControl: Partial<ErrorControlConfig>,
  minDataPoints?: number,
): Policy {
  return {
    id,
    label,
    canaryConfig: canaryConfig(floors, minDataPoints),
    thresholds: THRESHOLDS,
    errorControl: errorControlSchema.parse(errorControl),
    confidenceLevel: 0.98,
  };
}

/** The policies the harness compares; `default` is what a run gets without setting anything. */
export function buildPolicies(): Policy[] {
  return [
    policy('default', 'canary-judge defaults (Pocock-like 2 % + preset floors)', true, {}),
    policy('kayenta', 'Kayenta: 98 % per judgment, no floors, no minimum sample', false, { method: 'none' }, 1),
    policy('fixed98', '98 % per judgment + floors', true, { method: 'none' }),
    policy('no-floors', 'default error control, no floors', false, {}),
    policy('pocock-1pct', 'Pocock-like 1 % + floors', true, { runFalseRollbackRate: 0.01 }),
    policy('obf', "O'Brien-Fleming-like 2 % + floors", true, { spending: 'obrien-fleming' }),
    policy('bonferroni', 'Bonferroni 2 % + floors', true, { method: 'bonferroni' }),
    policy('latency-floor-1.10', 'default, mean-latency floor ×1.10 (the preset before)', { latency: 1.1 }, {}),
    policy('min-points-1', 'default without the minimum sample (minDataPoints 1: the presets before)', true, {}, 1),
  ];
}

/** Judged on every profile; the others only on the first (the headline) profile, to keep the run short. */
export const CORE_POLICIES = ['default', 'kayenta', 'fixed98'];
