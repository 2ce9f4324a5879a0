import type { DescribeExecutionCommandOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { APPROVAL_STATE, RUN_ERRORS } from '../../state-machines/definition';
import type { Verdict } from '../judge/types';
import { currentState, latestRunState } from './execution-history';
import { lastJudgment, type Action, type OutcomeVerdict } from '../run-model/run-state';

/**
 * What `GET /runs/{id}` answers: a run's progress and result as a CI job needs it, derived from the
 * execution's description and history (no store of our own).
 */

export type RunResult =
  'running' | 'awaiting-approval' | 'promoted' | 'rolled-back' | 'failed' | 'aborted' | 'timed-out';

export interface RunStatus {
  name: string;
  executionArn: string;
  /** Step Functions' execution status. */
  status: string;
  /** The one field a CI job decides on: only `promoted` is a success. */
  result: RunResult;
  startedAt?: string;
  stoppedAt?: string;
  currentState?: string;
  runId?: string;
  service?: string;
  canaryVersion?: string;
  /** 1-based step the run is at, with the canary's traffic percent. */
  step?: { number: number; of: number; weight: number };
  /** Score and verdict of the latest judgment, or of the outcome once decided. */
  score?: number;
  verdict?: OutcomeVerdict;
  decision?: 'promote' | 'rollback';
  reason?: string;
  judgments: { step: number; weight: number; score: number; verdict: Verdict; action: Action }[];
  reportUrl?: string;
  error?: { error?: string; cause?: string };
}

type Execution = Pick<
  DescribeExecutionCommandOutput,
  'name' | 'executionArn' | 'status' | 'startDate' | 'stopDate' | 'error' | 'cause'
>;

function resultOf(execution: Execution, state: string | undefined): RunResult {
  switch (execution.status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return state === APPROVAL_STATE ? 'awaiting-approval' : 'running';
    case 'SUCCEEDED':
      return 'promoted';
    case 'ABORTED':
      return 'aborted';
    case 'TIMED_OUT':
      return 'timed-out';
    default:
      return execution.error === RUN_ERRORS.rolledBack ? 'rolled-back' : 'failed';
  }
}

export function summarizeRun(execution: Execution, events: readonly HistoryEvent[]): RunStatus {
  const state = latestRunState(events);
  const at = currentState(events);
  const judgments = (state?.judgments ?? []).map(({ step, weight, score, verdict, action }) => ({
    step,
    weight,
    score,
    verdict,
    action,
  }));
  const last = state && lastJudgment(state);
  const outcome = state?.outcome;
  return {
    name: execution.name ?? '',
    executionArn: execution.executionArn ?? '',
    status: execution.status ?? 'UNKNOWN',
    result: resultOf(execution, at),
    startedAt: execution.startDate?.toISOString(),
    stoppedAt: execution.stopDate?.toISOString(),
    currentState: at,
    runId: state?.runId,
    service: state?.input.service,
    canaryVersion: state?.input.canary.version,
    step: state?.step
      ? { number: state.step.index + 1, of: state.input.steps.length, weight: state.step.weight }
      : undefined,
    score: outcome?.score ?? last?.score,
    verdict: outcome?.verdict ?? last?.verdict,
    decision: outcome?.decision,
    reason: outcome?.reason ?? state?.decision?.reason,
    judgments,
    reportUrl: outcome?.reportUrl,
    error: execution.error || execution.cause ? { error: execution.error, cause: execution.cause } : undefined,
  };
}
