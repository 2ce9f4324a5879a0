import { describeRunError } from '../run-model/run-error';
import { lastJudgment, type RunOutcome, type RunState } from '../run-model/run-state';

/** How a run ended, in one sentence and a few fields: what the report, the notifiers and the CLI show. */

/** Why a run that is not promoted ends: an error first, then a rollback decision, health, approval. */
export function rollbackReason(state: RunState): string {
  if (state.error) return `run error: ${describeRunError(state.error)}`;
  if (state.decision?.action === 'rollback') return state.decision.reason;
  if (state.health?.status === 'unhealthy') return `not healthy: ${state.health.detail ?? 'unknown'}`;
  if (state.approval && !state.approval.approved) {
    const by = state.approval.by ? ` by ${state.approval.by}` : '';
    const comment = state.approval.comment ? `: ${state.approval.comment}` : '';
    return `promotion rejected${by}${comment}`;
  }
  return state.decision?.reason ?? 'rolled back';
}

export function runOutcome(state: RunState, decision: RunOutcome['decision'], reason: string): RunOutcome {
  const last = lastJudgment(state);
  // Without a judgment there is no score: the canary never earned one. A version that became unhealthy
  // fails the run whatever its metrics scored, unless it was the baseline: then nobody judged the canary.
  const verdict =
    decision === 'rollback' && state.decision?.couldNotJudge && !state.error
      ? 'inconclusive'
      : state.health?.status === 'unhealthy'
        ? 'fail'
        : (last?.verdict ?? 'fail');
  return { decision, verdict, score: last?.score ?? 0, reason };
}

export function rollbackOutcome(state: RunState): RunOutcome {
  return runOutcome(state, 'rollback', rollbackReason(state));
}

/**
 * A run stopped from outside (Ctrl-C, SIGTERM): traffic is back on production, and the canary was not judged
 * to the end, so it is not blamed. `teardown` says how the clean-up went, e.g. "torn down".
 */
export function interruptedOutcome(state: RunState, by: string | undefined, teardown: string): RunOutcome {
  const where = state.step ? `at step ${state.step.index + 1}/${state.input.steps.length}` : 'before the first step';
  const reason = `interrupted${by ? ` by ${by}` : ''} ${where}; ${teardown}`;
  return { ...runOutcome(state, 'rollback', reason), verdict: 'inconclusive' };
}
