import type { RunInput } from '../config/run-config';
import type { Traffic, Weights } from '../traffic/traffic';
import { RunStateError } from './errors';
import { lookDueSeconds, looksInStep } from './looks';
import type { RunState } from '../run-model/run-state';

/** ShiftWeight's domain: move to the next step's weights. Baseline and canary always get the same share. */

export function weightsFor(percent: number): Weights {
  return { production: 100 - 2 * percent, baseline: percent, canary: percent };
}

/** A dry run never exposes more production traffic than its first step. */
export function effectiveWeight(input: RunInput, index: number): number {
  const planned = input.steps[index].weight;
  return input.dryRun ? Math.min(planned, input.steps[0].weight) : planned;
}

export async function shiftWeight(
  state: RunState,
  deps: { traffic: Traffic },
  clock = () => new Date(),
): Promise<RunState> {
  const { input, resources } = state;
  const index = state.step ? state.step.index + 1 : 0;
  if (index >= input.steps.length)
    throw new RunStateError(`no step ${index + 1}: the run has ${input.steps.length} steps`);
  if (!resources.baseline || !resources.canary)
    throw new RunStateError('shift-weight needs provisioned baseline and canary');
  const weight = effectiveWeight(input, index);
  const rule = await deps.traffic.shift({
    runId: state.runId,
    traffic: input.traffic,
    baselineTargetGroupArn: resources.baseline.targetGroupArn,
    canaryTargetGroupArn: resources.canary.targetGroupArn,
    weights: weightsFor(weight),
    ruleArn: resources.ruleArn,
  });
  // Taken after the shift: from here on both versions serve this weight.
  const appliedAt = clock().toISOString();
  return {
    ...state,
    resources: { ...resources, ruleArn: rule.ruleArn },
    step: {
      index,
      weight,
      appliedAt,
      waitSeconds: lookDueSeconds(input, index, 1),
      look: 0,
      looks: looksInStep(input, index),
    },
    trafficStartedAt: state.trafficStartedAt ?? appliedAt,
  };
}
