import { ListExecutionsCommand, type ExecutionListItem, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { runRecord, secondsBetween, type RunRecord } from '../reports/run-record';
import { APPROVAL_STATE } from '../../state-machines/definition';
import { currentState, fetchHistory, latestRunState } from './execution-history';
import { ValidationError } from '../config/validation';
import type { RunState } from '../run-model/run-state';

/**
 * The runs of the deployed state machine, newest first, as records for the list of runs: each execution's history
 * holds its RunStates (a rolled-back execution ends FAILED and has no output, so the history is where the outcome
 * is). An execution Validate refused has no RunState: its record comes from its input and its error.
 */

export interface ExecutionRunsOptions {
  stateMachineArn: string;
  /** At most this many executions, newest first (each costs a history read). */
  limit: number;
}

/** What a finished execution without an outcome (stopped, timed out) or a running one is called. */
const STATUS_DECISIONS: Record<string, string> = {
  ABORTED: 'ABORTED',
  TIMED_OUT: 'TIMED OUT',
  RUNNING: 'IN PROGRESS',
  PENDING_REDRIVE: 'IN PROGRESS',
};

async function listExecutions(sfn: Pick<SFNClient, 'send'>, options: ExecutionRunsOptions) {
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: options.stateMachineArn,
        maxResults: Math.min(100, options.limit - executions.length),
        nextToken,
      }),
    );
    executions.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken && executions.length < options.limit);
  return executions.slice(0, options.limit);
}

type Started = {
  service?: unknown;
  target?: unknown;
  baseline?: { version?: unknown };
  canary?: { version?: unknown };
};

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** A run Validate refused: what its input says, and the error it ended with. */
function refusedRecord(execution: ExecutionListItem, events: readonly HistoryEvent[]): RunRecord {
  const startedEvent = events.find((e) => e.type === 'ExecutionStarted');
  let input: Started = {};
  try {
    input = JSON.parse(startedEvent?.executionStartedEventDetails?.input ?? '{}') as Started;
  } catch {
    // not JSON: the error says so
  }
  const failed = events.find((e) => e.type === 'ExecutionFailed')?.executionFailedEventDetails;
  const startedAt = execution.startDate?.toISOString() ?? '';
  const finishedAt = execution.stopDate?.toISOString() ?? null;
  return {
    runId: execution.name ?? '',
    service: text(input.service),
    baselineVersion: text(input.baseline?.version),
    canaryVersion: text(input.canary?.version),
    target: input.target === 'local' ? 'local' : 'aws',
    dryRun: false,
    startedAt,
    finishedAt,
    durationSeconds: secondsBetween(startedAt, finishedAt),
    decision: STATUS_DECISIONS[execution.status ?? ''] ?? 'NOT STARTED',
    summary: failed ? `${failed.error ?? 'failed'}${failed.cause ? `: ${failed.cause}` : ''}` : '',
    verdict: null,
    score: null,
    reportKey: null,
    reportUrl: null,
  };
}

/** The run's newest state; none when it never got past Validate or its state fails the schema (listed as refused). */
function checkedRunState(events: readonly HistoryEvent[]): RunState | undefined {
  try {
    return latestRunState(events);
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

function executionRecord(execution: ExecutionListItem, events: readonly HistoryEvent[]): RunRecord {
  const state = checkedRunState(events);
  if (!state) return refusedRecord(execution, events);
  const status = execution.status ?? '';
  const waiting = status === 'RUNNING' && currentState(events) === APPROVAL_STATE;
  const decision = state.outcome ? undefined : waiting ? 'AWAITING APPROVAL' : STATUS_DECISIONS[status];
  const finishedAt = state.outcome?.finishedAt ?? execution.stopDate?.toISOString();
  return runRecord(state, { decision, finishedAt });
}

export async function listExecutionRuns(
  sfn: Pick<SFNClient, 'send'>,
  options: ExecutionRunsOptions,
): Promise<RunRecord[]> {
  const executions = await listExecutions(sfn, options);
  return Promise.all(executions.map(async (e) => executionRecord(e, await fetchHistory(sfn, e.executionArn ?? ''))));
}
