import { errorMessage } from '../aws/errors';
import { ValidationError } from '../config/validation';
import { ownerGone, sweepOrphans, type SweptProcess } from '../fleet/process-records';
import { removeRunResources, type RunTeardownDeps } from './finish';
import type { RunRecord, RunRecords } from './run-records';

/**
 * What a dead run left behind, found and removed: runs recorded on this machine whose runner is gone
 * before their teardown finished get the teardown they missed (traffic back to production, then
 * instances and target groups, all found by the run-id tag); locally, processes whose starter is gone
 * are stopped as well. Runs whose runner still lives are never touched. Idempotent.
 */

export type Target = RunRecord['target'];

export interface DeadRunsDeps {
  records: RunRecords;
  /** The traffic and fleet adapters the recorded run used. */
  adaptersFor(record: RunRecord): RunTeardownDeps;
  /** SIGTERM → SIGKILL grace for orphaned processes. */
  killGraceMs: number;
}

export interface RunCleanup {
  runId: string;
  target: Target;
  startedAt: string;
  /** The runner that died. */
  ownerPid: number;
  trafficRestored: boolean;
  removed: string[];
  alreadyGone: string[];
  /** Why the run's resources could not all be removed (it stays recorded, for the next try). */
  error?: string;
}

export interface CleanupResult {
  target: Target;
  runs: RunCleanup[];
  /** Runs named with --run-id that were left alone, and why. */
  skipped: { runId: string; reason: string }[];
  /** Local: orphaned processes (the runs' instances, the stand-ins' production). */
  processes: SweptProcess[];
}

export async function cleanupDeadRuns(
  target: Target,
  deps: DeadRunsDeps,
  options: { runIds?: string[] } = {},
): Promise<CleanupResult> {
  const records = (await deps.records.list()).filter((r) => r.target === target);
  const skipped: CleanupResult['skipped'] = [];
  let candidates = records;
  if (options.runIds?.length) {
    const unknown = options.runIds.filter((id) => !records.some((r) => r.runId === id));
    if (unknown.length > 0) {
      throw new ValidationError('cleanup request', [
        {
          path: '--run-id',
          message:
            `no ${target} run ${unknown.map((id) => `"${id}"`).join(', ')} is recorded under ${deps.records.stateDir} ` +
            `(runs started with canary-judge run on this machine are recorded there)`,
        },
      ]);
    }
    candidates = records.filter((r) => options.runIds?.includes(r.runId));
    for (const r of candidates) {
      if (r.stoppedAt) skipped.push({ runId: r.runId, reason: `torn down at ${r.stoppedAt}` });
      else if (!ownerGone(r)) skipped.push({ runId: r.runId, reason: `still running (pid ${r.owner.pid})` });
    }
  }
  const runs: RunCleanup[] = [];
  for (const record of candidates.filter((r) => !r.stoppedAt && ownerGone(r))) {
    runs.push(await cleanupRun(record, deps));
  }
  const processes = target === 'local' ? await sweepOrphans(deps.records.stateDir, deps.killGraceMs) : [];
  return { target, runs, skipped, processes };
}

async function cleanupRun(record: RunRecord, deps: DeadRunsDeps): Promise<RunCleanup> {
  const base = { runId: record.runId, target: record.target, startedAt: record.startedAt, ownerPid: record.owner.pid };
  try {
    const done = await removeRunResources(record.runId, record.traffic, [], deps.adaptersFor(record));
    await deps.records.stopped(record.runId);
    return { ...base, ...done };
  } catch (error) {
    return { ...base, trafficRestored: false, removed: [], alreadyGone: [], error: errorMessage(error) };
  }
}
