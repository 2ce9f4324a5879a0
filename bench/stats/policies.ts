import { canaryConfigSchema, type CanaryConfigInput } from '../../shared/judge/canary-config';
import { errorControlSchema, type ErrorControlConfig } from '../../shared/judge/error-control';
import type { Policy } from './judge-run';

/**
 * The canary config the harness judges with: the four simulated metrics, each in its own group.
 * Latency (mean) and the 5xx rate are critical (a real regression there should stop the run at once);
 * p99 alone pulls the score to 70 (< pass 75: rolled back at the end); CPU alone to 85 (promoted).
 */
const GROUP_WEIGHTS = { latency: 30, tail: 30, errors: 25, resources: 15 };
const THRESHOLDS = { marginal: 50, pass: 75 };

interface MetricSpec {
  name: string;
  group: string;
  critical: boolean;
  nanStrategy: 'remove' | 'replace';
}

const METRICS: MetricSpec[] = [
  { name: 'latency', group: 'latency', critical: true, nanStrategy: 'remove' },
  { name: 'latency-p99', group: 'tail', critical: false, nanStrategy: 'remove' },
  { name: 'error-rate', group: 'errors', critical: true, nanStrategy: 'remove' },
  { name: 'cpu', group: 'resources', critical: false, nanStrategy: 'remove' },
];

/**
 * Guardrails per metric: effect-size floors on the mean ratio (a significant change smaller than this is not a
 * failure) and the minimum number of points per side before a metric may fail.
 */
export interface Guardrails {
  allowedIncrease: Record<string, number>;
  minDataPoints: number;
}

export const RECOMMENDED_GUARDRAILS: Guardrails = {
  allowedIncrease: { latency: 1.05, 'latency-p99': 1.1, 'error-rate': 1.2, cpu: 1.1 },
  minDataPoints: 6,
};

function canaryConfig(guardrails: Guardrails | null) {
  const input: CanaryConfigInput = {
    name: 'bench-stats',
    metrics: METRICS.map((m) => ({
      name: m.name,
      groups: [m.group],
      analysisConfigurations: {
        canary: {
          direction: 'increase',
          critical: m.critical,
          nanStrategy: m.nanStrategy,
          ...(guardrails
            ? {
                effectSize: { allowedIncrease: guardrails.allowedIncrease[m.name] },
                minDataPoints: guardrails.minDataPoints,
              }
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
  guardrails: Guardrails | null,
  errorControl: Partial<ErrorControlConfig>,
): Policy {
  return {
    id,
    label,
    canaryConfig: canaryConfig(guardrails),
    thresholds: THRESHOLDS,
    errorControl: errorControlSchema.parse(errorControl),
    confidenceLevel: 0.98,
  };
}

/** The policies the harness compares; `default` is what a run gets without setting anything. */
export function buildPolicies(): Policy[] {
  return [
    policy('default', 'canary-judge defaults', RECOMMENDED_GUARDRAILS, {}),
    policy('kayenta', 'Kayenta: 98 % per judgment, no floors', null, { method: 'none' }),
    policy('fixed98', '98 % per judgment + floors', RECOMMENDED_GUARDRAILS, { method: 'none' }),
    policy('no-floors', 'default error control, no floors', null, {}),
    policy('pocock-2pct', 'Pocock-like 2 % + floors', RECOMMENDED_GUARDRAILS, { runFalseRollbackRate: 0.02 }),
    policy('obf', "O'Brien-Fleming-like 1 % + floors", RECOMMENDED_GUARDRAILS, { spending: 'obrien-fleming' }),
    policy('bonferroni', 'Bonferroni 1 % + floors', RECOMMENDED_GUARDRAILS, { method: 'bonferroni' }),
  ];
}

/** Judged on every profile; the others only on the first (the headline) profile, to keep the run short. */
export const CORE_POLICIES = ['default', 'kayenta'];
