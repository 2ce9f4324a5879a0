import type { HealthCheckConfig } from '../config/run-config';
import type { Fleet } from '../fleet/fleet';
import type { Traffic } from '../traffic/traffic';
import type { Role, RunState, VersionResources } from '../run-model/run-state';
import { weightsFor } from './shift-weight';

/**
 * Provision's domain: launch baseline and canary side by side with production and attach them to the
 * listener at weight 0.
 */

/**
 * Health polls per run are capped so a long health timeout cannot blow up the execution history: the poll
 * interval stretches to timeout / MAX_HEALTH_POLLS when the configured interval would poll more often.
 */
export const MAX_HEALTH_POLLS = 40;

export function healthPollSeconds(healthCheck: HealthCheckConfig): number {
  return Math.max(healthCheck.intervalSeconds, Math.ceil(healthCheck.timeoutSeconds / MAX_HEALTH_POLLS));
}

export async function provision(
  state: RunState,
  deps: { fleet: Fleet; traffic: Traffic },
  now = new Date(),
): Promise<RunState> {
  const { input, runId } = state;
  const launch = (role: Role): Promise<VersionResources> =>
    deps.fleet.launch({
      runId,
      service: input.service,
      role,
      spec: input[role],
      productionTargetGroupArn: input.traffic.productionTargetGroupArn,
      healthCheck: input.healthCheck,
    });
  // Both launches run to the end even if one fails, so nothing is still being created when teardown runs.
  const [baseline, canary] = await Promise.allSettled([launch('baseline'), launch('canary')]);
  if (baseline.status === 'rejected') throw baseline.reason;
  if (canary.status === 'rejected') throw canary.reason;
  // An ALB health-checks only target groups a listener rule forwards to (others report "unused"), so the
  // run's rule is created now, before health is awaited: production 100, baseline and canary 0, when no
  // client can be sticky to them yet. From here on the rule is also the run's lock on the listener.
  const rule = await deps.traffic.shift({
    runId,
    traffic: input.traffic,
    baselineTargetGroupArn: baseline.value.targetGroupArn,
    canaryTargetGroupArn: canary.value.targetGroupArn,
    weights: weightsFor(0),
    ruleArn: state.resources.ruleArn,
  });
  const deadline = new Date(now.getTime() + input.healthCheck.timeoutSeconds * 1000);
  return {
    ...state,
    resources: { ...state.resources, baseline: baseline.value, canary: canary.value, ruleArn: rule.ruleArn },
    health: {
      status: 'pending',
      attempts: 0,
      deadline: deadline.toISOString(),
      waitSeconds: healthPollSeconds(input.healthCheck),
    },
  };
}
