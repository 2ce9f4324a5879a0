import type { TrafficConfig } from '../config/run-config';
import type { Fleet } from '../fleet/fleet';
import type { Promoter } from '../promote';
import type { Traffic } from '../traffic/traffic';
import { RunStateError } from './errors';
import { rollbackOutcome, runOutcome } from './outcome';
import type { RunState, TeardownSummary, VersionResources } from '../run-model/run-state';

/** The end of a run: promote or roll back, then always tear down. */

export async function promote(state: RunState, deps: { promoter: Promoter }): Promise<RunState> {
  if (state.decision?.action !== 'promote' || state.input.dryRun) {
    throw new RunStateError('promote needs a promote decision of a run that is not a dry run');
  }
  if (state.approval && !state.approval.approved) throw new RunStateError('promote after a rejected approval');
  const done = await deps.promoter.promote(state);
  return { ...state, outcome: runOutcome(state, 'promote', `${state.decision.reason}; ${done}`) };
}

/** Traffic goes back to production first (the quickest relief); instances go in teardown. */
export async function rollback(state: RunState, deps: { traffic: Traffic }): Promise<RunState> {
  await deps.traffic.restore(state.runId, state.input.traffic, state.resources.ruleArn);
  return { ...state, outcome: rollbackOutcome(state) };
}

/**
 * Restore 100% production, then remove every instance and target group of the run. Idempotent, and works
 * from any partial state: the fleet and the traffic adapters find the run's resources by its tag.
 */
export async function teardown(state: RunState, deps: RunTeardownDeps): Promise<RunState> {
  const known = [state.resources.baseline, state.resources.canary].filter(
    (r): r is VersionResources => r !== undefined,
  );
  return { ...state, teardown: await removeRunResources(state.runId, state.input.traffic, known, deps) };
}

export interface RunTeardownDeps {
  traffic: Traffic;
  fleet: Fleet;
}

/**
 * Everything of a run, found by its run id (`known` adds what the state recorded): traffic back to
 * production, then instances and target groups. Also what `canary-judge cleanup` does for a run whose
 * runner died.
 */
export async function removeRunResources(
  runId: string,
  traffic: TrafficConfig,
  known: VersionResources[],
  deps: RunTeardownDeps,
): Promise<TeardownSummary> {
  // Never terminate instances that may still receive traffic: if restoring fails, this throws first.
  const restored = await deps.traffic.restore(runId, traffic);
  const removed = await deps.fleet.teardown(runId, known);
  return { trafficRestored: restored.removed, removed: removed.removed, alreadyGone: removed.alreadyGone };
}
