import { trafficAndFleet } from '../../shared/adapters';
import { thisProcess } from '../../shared/fleet/local-processes';
import { cleanupDeadRuns, type CleanupResult, type Target } from '../../shared/run/dead-runs';
import { RunRecords } from '../../shared/run/run-records';
import type { RunState } from '../../shared/run-model/run-state';
import type { TaskStateName } from '../../state-machines/definition';
import type { TaskFunction } from './execute';

/**
 * The runner's side of "nothing is left behind, even when the runner is killed": it records each run
 * before Provision creates anything and marks it after Teardown; the next start (and
 * `canary-judge cleanup`) removes what a run whose runner died left.
 */

const KILL_GRACE_MS = 3000;

/** The tasks, with the run recorded before Provision and marked torn down after Teardown. */
export function recordingRuns(
  tasks: Record<TaskStateName, TaskFunction>,
  records: RunRecords,
  routerUrl: string | undefined,
): Record<TaskStateName, TaskFunction> {
  return {
    ...tasks,
    Provision: async (payload) => {
      const state = payload as RunState;
      await records.started({
        runId: state.runId,
        target: state.input.target,
        owner: thisProcess(),
        traffic: state.input.traffic,
        routerUrl,
        startedAt: state.startedAt,
      });
      return tasks.Provision(payload);
    },
    Teardown: async (payload) => {
      const done = (await tasks.Teardown(payload)) as RunState;
      await records.stopped(done.runId);
      return done;
    },
  };
}

/** What runs recorded under `stateDir` whose runner died left on `target`, removed. */
export function cleanupAfterDeadRuns(
  stateDir: string,
  target: Target,
  env: NodeJS.ProcessEnv,
  runIds?: string[],
): Promise<CleanupResult> {
  const runEnv = { ...env, CANARY_JUDGE_STATE_DIR: stateDir };
  return cleanupDeadRuns(
    target,
    {
      records: new RunRecords(stateDir),
      adaptersFor: (record) => trafficAndFleet(record.target, runEnv, record.routerUrl),
      killGraceMs: KILL_GRACE_MS,
    },
    { runIds },
  );
}

/** One line per run and orphaned process, for people. */
export function cleanupLines(result: CleanupResult): string[] {
  const lines: string[] = [];
  for (const run of result.runs) {
    const head = `run ${run.runId} (${run.target}, started ${run.startedAt}, runner pid ${run.ownerPid} gone)`;
    if (run.error) {
      lines.push(`${head}: could not remove everything: ${run.error}`);
      continue;
    }
    const removed = [...(run.trafficRestored ? ['its listener rule (traffic 100% production)'] : []), ...run.removed];
    lines.push(`${head}: removed ${removed.length > 0 ? removed.join(', ') : 'nothing (all already gone)'}`);
    if (run.alreadyGone.length > 0) lines.push(`  already gone: ${run.alreadyGone.join(', ')}`);
  }
  for (const skipped of result.skipped) lines.push(`run ${skipped.runId}: left alone, ${skipped.reason}`);
  for (const p of result.processes) {
    lines.push(`orphaned process ${p.instanceId} (${p.file}): ${p.stopped ? 'stopped' : 'had already ended'}`);
  }
  return lines;
}

/** Removed resources and stopped processes in all. */
export function removedCount(result: CleanupResult): number {
  const runs = result.runs.reduce((n, r) => n + r.removed.length + (r.trafficRestored ? 1 : 0), 0);
  return runs + result.processes.filter((p) => p.stopped).length;
}
