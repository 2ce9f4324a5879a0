import type { RunEvent } from '../../shared/notify/notifier';
import type { ReportStore } from '../../shared/reports/report-store';
import { notify } from '../../shared/run/notify';
import type { RunState } from '../../shared/run-model/run-state';
import { buildRunReportFixture } from './run-report-fixture';

/**
 * Runs that ended, written into a report store the way the workflow writes them: each judgment's details, then
 * Notify (report, run record, the runs' index). Each is the report fixture's run under its own id and start time.
 */

export interface FinishedRun {
  runId: string;
  startedAt: string;
  service?: string;
  canaryVersion?: string;
  /** Ends promoted instead of rolled back. */
  promoted?: boolean;
}

export async function finishRun(store: ReportStore, run: FinishedRun): Promise<{ state: RunState; event: RunEvent }> {
  const data = buildRunReportFixture();
  const input = {
    ...data.state.input,
    service: run.service ?? data.state.input.service,
    canary: { ...data.state.input.canary, version: run.canaryVersion ?? data.state.input.canary.version },
  };
  for (const j of data.judgments)
    await store.put(run.runId, j.summary.reportKey, JSON.stringify(j), 'application/json');
  const [first] = data.state.judgments;
  const ended: Pick<RunState, 'judgments' | 'outcome'> = run.promoted
    ? {
        judgments: [{ ...first, action: 'promote' }],
        outcome: { decision: 'promote', verdict: 'pass', score: 100, reason: 'step 1/3: final score 100 >= pass 75' },
      }
    : { judgments: data.state.judgments, outcome: data.state.outcome };
  const state: RunState = { ...data.state, ...ended, runId: run.runId, startedAt: run.startedAt, input };
  const events: RunEvent[] = [];
  // What notify would only log (an index it could not write) fails the test instead.
  const log = {
    warn: (message: string, details?: Record<string, unknown>) => {
      throw new Error(`${message}: ${JSON.stringify(details)}`);
    },
  };
  const done = await notify(
    state,
    { reports: store, notifiers: [{ notify: async (e) => void events.push(e) }], log },
    { now: new Date(Date.parse(run.startedAt) + 142_000) },
  );
  return { state: done, event: events[0] };
}
