import type { HealthCheckSettings } from '../../shared/router-api/schemas';
import type { TargetReason, TargetState } from '../../shared/router-api/views';

/** ELBv2 target health states and reason codes, and how one health check result moves a target between them. */

export interface TargetHealth {
  state: TargetState;
  reason?: TargetReason;
  description?: string;
  /** Consecutive results of the current kind, for the thresholds. */
  passes: number;
  failures: number;
}

export type CheckResult =
  | { ok: true }
  | {
      ok: false;
      reason: 'Target.ResponseCodeMismatch' | 'Target.Timeout' | 'Target.FailedHealthChecks';
      description: string;
    };

export const registeredHealth = (): TargetHealth => ({
  state: 'initial',
  reason: 'Elb.RegistrationInProgress',
  description: 'Target registration is in progress',
  passes: 0,
  failures: 0,
});

/**
 * ELBv2: a newly registered target turns healthy after ONE passing check; after that it takes
 * healthyThresholdCount consecutive passes to recover and unhealthyThresholdCount consecutive failures to fall.
 */
export function applyCheck(health: TargetHealth, result: CheckResult, settings: HealthCheckSettings): TargetHealth {
  if (health.state === 'draining') return health;
  if (result.ok) {
    const passes = health.passes + 1;
    const recovered = health.state === 'initial' || passes >= settings.healthyThresholdCount;
    if (health.state === 'healthy' || recovered) return { state: 'healthy', passes, failures: 0 };
    return { ...health, passes, failures: 0 };
  }
  const failures = health.failures + 1;
  if (health.state !== 'unhealthy' && failures < settings.unhealthyThresholdCount) {
    const initial = health.state === 'initial';
    return {
      state: health.state,
      reason: initial ? 'Elb.InitialHealthChecking' : undefined,
      description: initial ? 'Initial health checks in progress' : undefined,
      passes: 0,
      failures,
    };
  }
  return { state: 'unhealthy', reason: result.reason, description: result.description, passes: 0, failures };
}

export const drainingHealth = (): TargetHealth => ({
  state: 'draining',
  reason: 'Target.DeregistrationInProgress',
  description: 'Target deregistration is in progress',
  passes: 0,
  failures: 0,
});

/** Does a status code satisfy an ELBv2 matcher such as "200", "200-299" or "200,202"? */
export function matcherAccepts(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [low, high] = part.split('-').map(Number);
    return high === undefined ? status === low : status >= low && status <= high;
  });
}
