import type { Fleet, VersionHealth } from '../fleet/fleet';
import { RunStateError } from './errors';
import type { HealthStatus, RunState } from '../run-model/run-state';

/** CheckHealth's domain: one poll of both versions; "still pending after the deadline" counts as unhealthy. */

function combined(baseline: VersionHealth, canary: VersionHealth): HealthStatus {
  if (baseline.status === 'unhealthy' || canary.status === 'unhealthy') return 'unhealthy';
  if (baseline.status === 'healthy' && canary.status === 'healthy') return 'healthy';
  return 'pending';
}

export async function checkHealth(state: RunState, deps: { fleet: Fleet }, now = new Date()): Promise<RunState> {
  const { baseline, canary } = state.resources;
  if (!baseline || !canary || !state.health)
    throw new RunStateError('check-health needs provisioned baseline and canary');
  const [b, c] = await Promise.all([deps.fleet.health(baseline), deps.fleet.health(canary)]);
  const detail = `baseline ${baseline.version}: ${b.detail}; canary ${canary.version}: ${c.detail}`;
  let status = combined(b, c);
  const overdue = status === 'pending' && now.getTime() >= Date.parse(state.health.deadline);
  if (overdue) status = 'unhealthy';
  // A baseline that cannot get healthy beside a healthy canary is no verdict on the canary.
  const baselineOnly = status === 'unhealthy' && c.status === 'healthy';
  return {
    ...state,
    ...(baselineOnly
      ? {
          decision: {
            action: 'rollback' as const,
            reason: `could not judge: baseline ${baseline.version} not healthy: ${b.detail}`,
            couldNotJudge: true,
          },
        }
      : {}),
    health: {
      ...state.health,
      status,
      attempts: state.health.attempts + 1,
      detail: overdue ? `not healthy within ${state.input.healthCheck.timeoutSeconds}s (${detail})` : detail,
    },
  };
}
