import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Fleet } from '../fleet/fleet';
import type { Notifier } from '../notify/notifier';
import type { ReportStore } from '../reports/report-store';
import type { Traffic } from '../traffic/traffic';
import type { RunInput } from '../config/run-config';
import type { RunLog } from '../run-model/run-log';
import { describeRunError } from '../run-model/run-error';
import { currentState, enteredStates, exitedStates, fetchHistory, latestRunState } from './execution-history';
import { teardown } from './finish';
import { notify } from './notify';
import type { RunState } from '../run-model/run-state';

/**
 * After an execution ended ABORTED, TIMED_OUT or FAILED: do the part of "teardown always, then notify"
 * that the workflow did not get to. A Catch handles errors inside the workflow, but nothing in the
 * workflow runs when someone presses "Stop execution" or the execution times out; and a failed Teardown
 * ends the run before Notify. The execution history says what already happened.
 */

/** Workflow states whose being reached or left proves the two steps ran (see buildDefinition). */
export const CLEANUP_STATES = {
  /** Notify is entered only after Teardown succeeded. */
  afterTeardown: 'Notify',
  notify: 'Notify',
  notifyFailed: 'NotifyFailed',
} as const;

/** Written to the run's reports once cleanup notified, so a redelivered event does not notify twice. */
export const CLEANUP_RECORD = 'cleanup.json';

export type EndedStatus = 'ABORTED' | 'TIMED_OUT' | 'FAILED';

export interface EndedExecution {
  executionArn: string;
  status: EndedStatus;
  /** Step Functions' error and cause of the execution, when it has them. */
  error?: string;
  cause?: string;
}

export interface CleanupAdapters {
  traffic: Traffic;
  fleet: Fleet;
  reports: ReportStore;
  notifiers: Notifier[];
}

export interface CleanupDeps {
  sfn: Pick<SFNClient, 'send'>;
  adaptersFor: (input: RunInput) => CleanupAdapters;
  log: RunLog & { info(message: string, details?: Record<string, unknown>): void };
}

export interface CleanupReport {
  executionArn: string;
  status: EndedStatus;
  runId?: string;
  /** The state the execution ended in. */
  endedIn?: string;
  tornDown: boolean;
  notified: boolean;
  /** Why nothing (more) was done, when nothing was. */
  skipped?: string;
}

const ERROR_NAMES: Record<EndedStatus, string> = {
  ABORTED: 'ExecutionAborted',
  TIMED_OUT: 'ExecutionTimedOut',
  FAILED: 'ExecutionFailed',
};

/** The run's error as the notification should tell it: how the execution ended, and what came before. */
function endedState(state: RunState, execution: EndedExecution, endedIn: string | undefined): RunState {
  const how = execution.status === 'FAILED' && execution.error ? execution.error : ERROR_NAMES[execution.status];
  const parts = [`execution ended ${execution.status}${endedIn ? ` in state ${endedIn}` : ''}`];
  if (execution.cause) parts.push(execution.cause);
  if (state.error) parts.push(`earlier: ${describeRunError(state.error)}`);
  return { ...state, error: { Error: how, Cause: parts.join('; ') } };
}

export async function cleanupAfter(execution: EndedExecution, deps: CleanupDeps): Promise<CleanupReport> {
  const events = await fetchHistory(deps.sfn, execution.executionArn);
  const endedIn = currentState(events);
  const base = { executionArn: execution.executionArn, status: execution.status, endedIn };
  const state = latestRunState(events);
  if (!state) {
    return {
      ...base,
      tornDown: false,
      notified: false,
      skipped: 'the run never got past Validate: nothing was created',
    };
  }
  const entered = enteredStates(events);
  const teardownDone = entered.includes(CLEANUP_STATES.afterTeardown);
  const notifyDone =
    exitedStates(events).includes(CLEANUP_STATES.notify) && !entered.includes(CLEANUP_STATES.notifyFailed);
  const report = { ...base, runId: state.runId };
  if (teardownDone && notifyDone) {
    return { ...report, tornDown: false, notified: false, skipped: 'the workflow tore down and notified itself' };
  }
  if (state.input.target !== 'aws') {
    return {
      ...report,
      tornDown: false,
      notified: false,
      skipped: `target ${state.input.target} is not cleaned up on AWS`,
    };
  }

  const adapters = deps.adaptersFor(state.input);
  let current = endedState(state, execution, endedIn);
  let teardownError: unknown;
  if (!teardownDone) {
    try {
      current = await teardown(current, adapters);
      deps.log.info('torn down after abnormal end', { runId: state.runId, teardown: current.teardown });
    } catch (error) {
      // Still tell people (resources may be left behind), then fail so the event is retried / dead-lettered.
      teardownError = error;
      const message = error instanceof Error ? error.message : String(error);
      current = {
        ...current,
        error: { Error: 'CleanupTeardownFailed', Cause: `${current.error?.Cause}; teardown failed: ${message}` },
      };
    }
  }
  // EventBridge delivers at least once: a second delivery tears down again (idempotent) but does not notify again.
  const notifiedBefore = (await adapters.reports.get(state.runId, CLEANUP_RECORD)) !== undefined;
  const notifying = !notifyDone && !notifiedBefore;
  if (notifying) {
    await notify(
      current,
      { reports: adapters.reports, notifiers: adapters.notifiers, log: deps.log },
      { executionArn: execution.executionArn },
    );
  }
  if (teardownError) throw teardownError;
  const result = { ...report, tornDown: !teardownDone, notified: notifying };
  if (notifying) {
    await adapters.reports.put(state.runId, CLEANUP_RECORD, JSON.stringify(result), 'application/json');
  }
  return result;
}
