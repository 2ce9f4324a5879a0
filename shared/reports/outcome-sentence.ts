import { describeRunError } from '../run-model/run-error';
import type { JudgmentSummary, RunState } from '../run-model/run-state';
import { formatScore } from './format';
import { isFailingClassification, metricFinding, metricInfo, metricRowFromBrief, type MetricRow } from './metric-rows';

/**
 * Why a run ended as it did, in one sentence of plain words, built from the run's facts (health, error, approval,
 * the last judgment's score and metrics) rather than from the decision's terse reason: "score 50 ≤ marginal 50 at
 * step 1 of 4: latency-mean is higher on the canary (median 24.4 ms → 34.5 ms, +41.3%)". A case it has no words
 * for keeps the decision's own reason.
 */

/** Requests the canary's target group served and answered with 5xx (the local router counts them). */
export interface ServedCounts {
  requests: number;
  errors: number;
}

export interface OutcomeFacts {
  /** The canary's requests over the whole run, where the caller knows them. */
  canaryServed?: ServedCounts;
}

/** At most this many failing metrics are named; the rest are counted. */
const NAMED_FINDINGS = 2;

export function judgmentRows(state: RunState, judgment: JudgmentSummary): MetricRow[] {
  const info = metricInfo(state.input.canaryConfig);
  return judgment.metrics.map((m) => metricRowFromBrief(m, info.get(m.name)));
}

function findings(rows: readonly MetricRow[]): string {
  const named = rows.slice(0, NAMED_FINDINGS).map(metricFinding);
  const more = rows.length - named.length;
  return named.join('; ') + (more > 0 ? `; ${more} more metric${more === 1 ? '' : 's'} failed` : '');
}

function passed(rows: readonly MetricRow[]): string {
  const counted = rows.filter((r) => !r.muted);
  const ok = counted.filter((r) => r.classification === 'Pass').length;
  return ok === counted.length ? `all ${ok} metrics passed` : `${ok} of ${counted.length} metrics passed`;
}

/** judge-step's dry-run decision: a promotion it turned into a rollback. */
const isDryRunPromotion = (state: RunState, j: JudgmentSummary) =>
  state.input.dryRun && j.action === 'rollback' && j.reason.startsWith('dry run:');

export function wouldPromote(state: RunState, last: JudgmentSummary | undefined): boolean {
  return last !== undefined && isDryRunPromotion(state, last);
}

/** Why a judgment led to its action, in a few words: "score 50 ≤ marginal 50", "critical metric error-rate failed". */
export function judgmentCause(state: RunState, j: JudgmentSummary, rows = judgmentRows(state, j)): string {
  const { marginal, pass } = state.input.thresholds;
  const score = formatScore(j.score);
  if (j.action === 'continue') return `score ${score} > marginal ${marginal}`;
  if (j.action === 'promote') return `score ${score} ≥ pass ${pass} after the last step`;
  if (isDryRunPromotion(state, j))
    return `dry run: score ${score} ≥ pass ${pass} after the last step, nothing promoted`;
  const critical = rows.find((r) => !r.muted && r.critical && isFailingClassification(r.classification));
  if (critical) return `critical metric ${critical.name} failed`;
  if (j.score <= marginal) return `score ${score} ≤ marginal ${marginal}`;
  if (j.step === state.input.steps.length && j.score < pass) return `final score ${score} < pass ${pass}`;
  return j.reason;
}

/** When the decisive look was made: " (look 3 of 10, 12 min after the first shift)"; empty without looks. */
export function lookTiming(state: RunState, j: JudgmentSummary): string {
  if (!j.look || !j.judgedAt || !state.trafficStartedAt) return '';
  const seconds = Math.max(0, (Date.parse(j.judgedAt) - Date.parse(state.trafficStartedAt)) / 1000);
  const since = seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
  const look = j.look.of > 1 ? `look ${j.look.number} of ${j.look.of}, ` : '';
  return ` (${look}${since} after the first shift)`;
}

function judgmentSentence(state: RunState, j: JudgmentSummary): string {
  const rows = judgmentRows(state, j);
  const cause = judgmentCause(state, j, rows);
  if (j.action === 'promote' || isDryRunPromotion(state, j)) return `${cause}; ${passed(rows)}`;
  const failing = rows.filter((r) => !r.muted && isFailingClassification(r.classification));
  const why = failing.length > 0 ? `: ${findings(failing)}` : '';
  return `${cause} at step ${j.step} of ${state.input.steps.length}${lookTiming(state, j)}${why}`;
}

/** judge-step's words for a version that died during a step: "canary 1.1.0 unhealthy: 0/1 healthy; ...". */
const DIED = /^(canary|baseline) (\S+) unhealthy: ([\s\S]*)$/;

function healthSentence(state: RunState, last: JudgmentSummary | undefined, facts: OutcomeFacts): string {
  const detail = state.health?.detail ?? 'no detail';
  const died = last ? DIED.exec(detail) : null;
  if (!last || !died) return `baseline and canary did not both become healthy: ${detail}`;
  const [, role, version, why] = died;
  const served = role === 'canary' ? facts.canaryServed : undefined;
  const failed = served ? `; ${served.errors} of its ${served.requests} requests failed (5xx)` : '';
  return `the ${role} ${version} died during step ${last.step} of ${state.input.steps.length} (${why})${failed}`;
}

/** A judgment's cause in a few words, or the version that died during its step (the run's progress lines). */
export function stepCause(state: RunState, j: JudgmentSummary): string {
  return state.health?.status === 'unhealthy' ? healthSentence(state, j, {}) : judgmentCause(state, j);
}

function rejection(state: RunState): string {
  const by = state.approval?.by ? ` by ${state.approval.by}` : '';
  const comment = state.approval?.comment ? `: ${state.approval.comment}` : '';
  return `promotion was rejected${by}${comment}`;
}

/** The sentence without the decision word in front (the caller leads with it). */
export function outcomeSentence(state: RunState, last: JudgmentSummary | undefined, facts: OutcomeFacts = {}): string {
  const outcome = state.outcome;
  if (outcome?.verdict === 'inconclusive') {
    return `${outcome.reason}; traffic went back to production and the canary is not blamed`;
  }
  if (state.error) return `the run itself failed: ${describeRunError(state.error)}`;
  if (state.health?.status === 'unhealthy') return healthSentence(state, last, facts);
  if (state.approval && !state.approval.approved) return rejection(state);
  if (last) return judgmentSentence(state, last);
  return outcome?.reason ?? 'not judged yet';
}
