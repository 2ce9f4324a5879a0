import { ValidationError } from '../config/validation';
import type { Classification, JudgeThresholds } from '../judge/types';
import type { Action } from '../run-model/run-state';

/**
 * What to do after a judgment, following Spinnaker's canary stage (judge-spec §9): fail fast on any interval,
 * decide on the last one. Ours on top: metrics with too few points are not judged yet, which is no failure during
 * the run, but after the last step a run does not promote without the evidence (missingEvidence). Pure; dry runs
 * are handled by the workflow, not here.
 */

export interface Decision {
  action: Action;
  reason: string;
  /** A rollback that is no verdict on the canary: the run could not judge it (see RunState.decision). */
  couldNotJudge?: boolean;
}

/** Orca and Kayenta standalone allow either threshold to be absent; a run input always has both. */
export type DecisionThresholds = Partial<JudgeThresholds>;

/** The parts of a judge result the decision reads. */
export interface JudgedInterval {
  score: number;
  metrics: { name: string; classification: Classification; critical: boolean; muted: boolean; reason: string | null }[];
  /** Non-muted metrics with too few points (JudgeResult.insufficientData); absent = none. */
  insufficientData?: string[];
  /** Those of them that are critical or mustHaveData (JudgeResult.insufficientDataRequired); absent = none. */
  insufficientDataRequired?: string[];
  /** Sequential judging: the best score later looks could still reach (bestReachableScore); absent = not used. */
  reachableScore?: number;
  /** The judge's own reason for a forced score ("Canary Failed: 50% or more metrics returned NODATA ..."), or "". */
  reason?: string;
}

const FAILING: ReadonlySet<Classification> = new Set(['High', 'Low', 'NodataFailMetric']);

/** Spinnaker's per-interval rule: a score at or below marginal ends the canary at once. */
export function failsFast(score: number, thresholds: DecisionThresholds): boolean {
  return thresholds.marginal !== undefined && score <= thresholds.marginal;
}

/**
 * Spinnaker's final rule on the last interval's score (`undefined` = no successful judgment): without
 * thresholds everything passes; at or below marginal fails; below pass fails.
 */
export function passesFinal(score: number | undefined, thresholds: DecisionThresholds): boolean {
  if (score === undefined) return false;
  if (failsFast(score, thresholds)) return false;
  return thresholds.pass === undefined || score >= thresholds.pass;
}

/** Non-muted metrics whose failure fails the whole canary (the scorer already forces their score to 0). */
export function criticalFailures(judgment: JudgedInterval): JudgedInterval['metrics'] {
  return judgment.metrics.filter((m) => m.critical && !m.muted && m.classification !== 'Pass');
}

/**
 * Why the last judgment is not enough to promote on, undefined when it is: a critical or mustHaveData metric still
 * has too few points, or too few points leave half or more of the non-muted metrics without a judgment (counting
 * those with no data: Kayenta's 50 % rule, with too few points after the last step counted as no data).
 */
export function missingEvidence(judgment: JudgedInterval): string | undefined {
  const insufficient = judgment.insufficientData ?? [];
  if (insufficient.length === 0) return undefined;
  const reasonOf = (name: string) => {
    const reason = judgment.metrics.find((m) => m.name === name)?.reason;
    return reason ? ` (${reason})` : '';
  };
  const required = judgment.insufficientDataRequired ?? [];
  if (required.length > 0) {
    const which = required.length === 1 ? 'metric' : 'metrics';
    return `critical or mustHaveData ${which} ${required.join(', ')}${reasonOf(required[0])}`;
  }
  const counted = judgment.metrics.filter((m) => !m.muted);
  const unjudged = counted.filter((m) => m.classification === 'Nodata');
  if (unjudged.length * 2 < counted.length) return undefined;
  const names = unjudged.map((m) => m.name).join(', ');
  return `${unjudged.length} of ${counted.length} metrics not judged: ${names}${reasonOf(insufficient[0])}`;
}

export interface IntervalPosition {
  /** 0-based index of the judged step. */
  stepIndex: number;
  stepCount: number;
  /** What reasons call a step: `step` (a run), `interval` (an analysis of someone else's canary). */
  unit?: string;
}

/** The judge's own words behind a forced score, carried into the decision: " (Canary Failed: ...)". */
function judgeReason(judgment: JudgedInterval): string {
  return judgment.reason ? ` (${judgment.reason})` : '';
}

/** A critical failure or a score at or below marginal: the run ends at once, whatever the step. */
function immediateRollback(
  judgment: JudgedInterval,
  step: string,
  thresholds: DecisionThresholds,
): Decision | undefined {
  const critical = criticalFailures(judgment);
  if (critical.length > 0) {
    const first = critical[0];
    return {
      action: 'rollback',
      reason: `${step}: critical metric ${first.name} is ${first.classification}${first.reason ? ` (${first.reason})` : ''}`,
    };
  }
  if (failsFast(judgment.score, thresholds)) {
    return {
      action: 'rollback',
      reason: `${step}: score ${judgment.score} <= marginal ${thresholds.marginal}${judgeReason(judgment)}`,
    };
  }
  return undefined;
}

export function decideInterval(
  judgment: JudgedInterval,
  position: IntervalPosition,
  thresholds: DecisionThresholds,
): Decision {
  const step = `${position.unit ?? 'step'} ${position.stepIndex + 1}/${position.stepCount}`;
  const score = judgment.score;
  const now = immediateRollback(judgment, step, thresholds);
  if (now) return now;
  const isLast = position.stepIndex >= position.stepCount - 1;
  if (!isLast) {
    const above =
      thresholds.marginal === undefined ? 'no marginal threshold' : `score ${score} > marginal ${thresholds.marginal}`;
    const unjudged = judgment.insufficientData ?? [];
    const notYet = unjudged.length > 0 ? `; not judged yet (too few points): ${unjudged.join(', ')}` : '';
    return { action: 'continue', reason: `${step}: ${above}, continue${notYet}` };
  }
  if (!passesFinal(score, thresholds)) {
    return {
      action: 'rollback',
      reason: `${step}: final score ${score} < pass ${thresholds.pass}${judgeReason(judgment)}`,
    };
  }
  const missing = missingEvidence(judgment);
  if (missing) {
    return { action: 'rollback', reason: `${step}: not enough data to judge after the last step: ${missing}` };
  }
  const why = thresholds.pass === undefined ? 'no pass threshold' : `final score ${score} >= pass ${thresholds.pass}`;
  return { action: 'promote', reason: `${step}: ${why}` };
}

export interface LookDecisionPosition extends IntervalPosition {
  /** Whether this is the step's last look (its end): only then does the run move on or promote. */
  lastLookOfStep: boolean;
}

/**
 * What a look decides. A failure that ends the run ends it at the look that proves it: a critical metric, a score at
 * or below marginal, or (sequential judging) a score that can no longer reach pass. Otherwise a look before the
 * step's end waits for the next one, and the step's last look decides as Spinnaker's interval rule does.
 */
export function decideLook(
  judgment: JudgedInterval,
  position: LookDecisionPosition,
  thresholds: DecisionThresholds,
): Decision {
  const step = `${position.unit ?? 'step'} ${position.stepIndex + 1}/${position.stepCount}`;
  const now = immediateRollback(judgment, step, thresholds);
  if (now) return now;
  const reachable = judgment.reachableScore;
  if (reachable !== undefined && thresholds.pass !== undefined && reachable < thresholds.pass) {
    const failing = judgment.metrics.filter((m) => !m.muted && FAILING.has(m.classification));
    const why = failing.map((m) => `${m.name} is ${m.classification}${m.reason ? ` (${m.reason})` : ''}`).join('; ');
    return {
      action: 'rollback',
      reason: `${step}: the score cannot reach pass ${thresholds.pass} any more (at most ${reachable}): ${why}`,
    };
  }
  if (position.lastLookOfStep) return decideInterval(judgment, position, thresholds);
  const above =
    thresholds.marginal === undefined
      ? 'no marginal threshold'
      : `score ${judgment.score} > marginal ${thresholds.marginal}`;
  const unjudged = judgment.insufficientData ?? [];
  const notYet = unjudged.length > 0 ? `; not judged yet: ${unjudged.join(', ')}` : '';
  return { action: 'wait', reason: `${step}: ${above}, keep watching${notYet}` };
}

export interface WindowInput {
  /** When baseline and canary first received traffic. */
  trafficStartedAt: Date;
  /** When the weight of the judged step was applied. */
  stepAppliedAt: Date;
  /** The judgment time: the end of the window. */
  judgedAt: Date;
  warmupSeconds: number;
  /** Sliding window length; absent = cumulative from the traffic start. */
  lookbackSeconds?: number;
}

export interface JudgmentWindow {
  start: Date;
  end: Date;
}

/**
 * The data window of one judgment.
 * - Cumulative (default, Spinnaker's growing windows): from the traffic start plus the warm-up to now. Later
 *   weight changes stay inside: baseline and canary always get the same weight at the same moment, so a weight
 *   change shifts both alike; only the first warm-up (fresh instances) is skipped.
 * - Sliding (`lookbackSeconds`): the last lookbackSeconds, but never reaching back before the latest weight change
 *   plus the warm-up, so a window does not mix the transition into the current weight.
 */
export function judgmentWindow(input: WindowInput): JudgmentWindow {
  const warmupMs = input.warmupSeconds * 1000;
  const end = input.judgedAt.getTime();
  const start =
    input.lookbackSeconds === undefined
      ? input.trafficStartedAt.getTime() + warmupMs
      : Math.max(end - input.lookbackSeconds * 1000, input.stepAppliedAt.getTime() + warmupMs);
  if (start >= end) {
    throw new ValidationError('judgment window', [
      {
        path: 'analysis.warmupSeconds',
        message: `a warm-up of ${input.warmupSeconds}s leaves no data before ${input.judgedAt.toISOString()}; use a warm-up shorter than the step duration`,
      },
    ]);
  }
  return { start: new Date(start), end: new Date(end) };
}

/**
 * The window of one look: as judgmentWindow, but ending `delaySeconds` before the look (only periods the source has
 * complete), and undefined when that leaves nothing (early looks during a warm-up or the source's delay).
 */
export function lookWindow(input: WindowInput & { delaySeconds: number }): JudgmentWindow | undefined {
  const judgedAt = new Date(input.judgedAt.getTime() - input.delaySeconds * 1000);
  const warmupMs = input.warmupSeconds * 1000;
  const end = judgedAt.getTime();
  const start =
    input.lookbackSeconds === undefined
      ? input.trafficStartedAt.getTime() + warmupMs
      : Math.max(end - input.lookbackSeconds * 1000, input.stepAppliedAt.getTime() + warmupMs);
  return start < end ? { start: new Date(start), end: new Date(end) } : undefined;
}
