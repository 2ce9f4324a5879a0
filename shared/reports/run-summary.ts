import type { JudgeThresholds } from '../judge/types';
import { lastJudgment, type JudgmentSummary, type OutcomeVerdict, type RunState } from '../run-model/run-state';
import { outcomeSentence, wouldPromote, type OutcomeFacts } from './outcome-sentence';

/** What a person wants first about a run, derived once for the HTML report and the notifiers alike. */

export type HeadlineStatus = 'promoted' | 'would promote (dry run)' | 'rolled back' | 'failed' | 'in progress';

/** What happened to the canary, the word every view leads with. */
export type DecisionLabel =
  'PROMOTED' | 'WOULD PROMOTE (DRY RUN)' | 'ROLLED BACK' | 'COULD NOT JUDGE' | 'FAILED' | 'IN PROGRESS';

export interface RunHeadline {
  /** Leads every view: the decision, with "could not judge" for an inconclusive run. */
  label: DecisionLabel;
  /** Why, in one sentence of plain words (without the label). */
  summary: string;
  status: HeadlineStatus;
  /** The judge's verdict (or `inconclusive`); secondary to the label. */
  verdict?: OutcomeVerdict;
  score?: number;
  decision?: 'promote' | 'rollback';
  /** The decision's own reason as the workflow recorded it (the outcome's reason, the error, the last judgment's). */
  reason: string;
  thresholds: JudgeThresholds;
  startedAt: string;
  endedAt?: string;
  lastJudgment?: JudgmentSummary;
}

const LABELS: Record<HeadlineStatus, DecisionLabel> = {
  promoted: 'PROMOTED',
  'would promote (dry run)': 'WOULD PROMOTE (DRY RUN)',
  'rolled back': 'ROLLED BACK',
  failed: 'FAILED',
  'in progress': 'IN PROGRESS',
};

function statusOf(state: RunState, last: JudgmentSummary | undefined): HeadlineStatus {
  const outcome = state.outcome;
  if (outcome) {
    if (state.input.dryRun && (outcome.decision === 'promote' || wouldPromote(state, last))) {
      return 'would promote (dry run)';
    }
    return outcome.decision === 'rollback' ? 'rolled back' : 'promoted';
  }
  return state.error ? 'failed' : 'in progress';
}

function recordedReason(state: RunState, last: JudgmentSummary | undefined): string {
  if (state.outcome) return state.outcome.reason;
  if (state.error) return `${state.error.Error}${state.error.Cause ? `: ${state.error.Cause}` : ''}`;
  return last?.reason ?? '';
}

/** `facts`: what the caller knows beyond the state (the local router's request counts). */
export function runHeadline(state: RunState, facts: OutcomeFacts = {}): RunHeadline {
  const last = lastJudgment(state);
  const outcome = state.outcome;
  const status = statusOf(state, last);
  return {
    label: outcome?.verdict === 'inconclusive' ? 'COULD NOT JUDGE' : LABELS[status],
    summary: outcomeSentence(state, last, facts),
    status,
    verdict: outcome?.verdict ?? last?.verdict,
    score: outcome?.score ?? last?.score,
    decision: outcome?.decision,
    reason: recordedReason(state, last),
    thresholds: state.input.thresholds,
    startedAt: state.startedAt,
    endedAt: outcome ? (outcome.finishedAt ?? last?.window.end) : state.error ? last?.window.end : undefined,
    lastJudgment: last,
  };
}

/** "ROLLED BACK: score 50 ≤ marginal 50 at step 1 of 4: ...". */
export function headlineText(headline: Pick<RunHeadline, 'label' | 'summary'>): string {
  return `${headline.label}: ${headline.summary}`;
}

/** Which run of what: the fields every record of a run starts with (the verdict event, the list of runs). */
export function runIdentity(state: RunState) {
  return {
    runId: state.runId,
    service: state.input.service,
    baselineVersion: state.input.baseline.version,
    canaryVersion: state.input.canary.version,
    target: state.input.target,
    dryRun: state.input.dryRun,
  };
}
