import type { JudgeThresholds, MetricResult } from '../judge/types';
import { toMetricBrief } from '../run/metric-brief';
import type { JudgmentSummary, MetricBrief, OutcomeVerdict, RunState } from '../run/run-state';
import { percentChange } from './format';

/** What a person wants first about a run, derived once for the HTML report and the notifiers alike. */

export type RunStatus = 'promoted' | 'would promote (dry run)' | 'rolled back' | 'failed' | 'in progress';

export interface RunHeadline {
  status: RunStatus;
  verdict?: OutcomeVerdict;
  score?: number;
  decision?: 'promote' | 'rollback';
  /** Why: the outcome's reason, the error, or the last judgment's reason. */
  reason: string;
  thresholds: JudgeThresholds;
  startedAt: string;
  endedAt?: string;
  lastJudgment?: JudgmentSummary;
}

function lastJudgment(state: RunState): JudgmentSummary | undefined {
  return state.judgments.reduce<JudgmentSummary | undefined>(
    (last, j) => (!last || j.step >= last.step ? j : last),
    undefined,
  );
}

export function runHeadline(state: RunState): RunHeadline {
  const last = lastJudgment(state);
  const base = { thresholds: state.input.thresholds, startedAt: state.startedAt, lastJudgment: last };
  const outcome = state.outcome;
  if (outcome) {
    const status: RunStatus =
      outcome.decision === 'rollback' ? 'rolled back' : state.input.dryRun ? 'would promote (dry run)' : 'promoted';
    return {
      ...base,
      status,
      verdict: outcome.verdict,
      score: outcome.score,
      decision: outcome.decision,
      reason: outcome.reason,
      endedAt: outcome.finishedAt ?? last?.window.end,
    };
  }
  if (state.error) {
    const cause = state.error.Cause ? `: ${state.error.Cause}` : '';
    return {
      ...base,
      status: 'failed',
      verdict: last?.verdict,
      score: last?.score,
      reason: `${state.error.Error}${cause}`,
      endedAt: last?.window.end,
    };
  }
  return { ...base, status: 'in progress', verdict: last?.verdict, score: last?.score, reason: last?.reason ?? '' };
}

const FAILING = new Set(['High', 'Low', 'NodataFailMetric', 'Error']);

/** Classifications that count against the canary. */
export function isFailingClassification(classification: string): boolean {
  return FAILING.has(classification);
}

/** One line of a per-metric table. */
export interface MetricRow {
  name: string;
  classification: string;
  critical: boolean;
  baselineMedian: number | null;
  canaryMedian: number | null;
  /** (canary - baseline) / |baseline| in percent; null when undefined. */
  changePercent: number | null;
  reason: string | null;
}

/** A row from the full judge result: the same facts the run state keeps of it. */
export function metricRowFromResult(metric: MetricResult): MetricRow {
  return metricRowFromBrief(toMetricBrief(metric));
}

export function metricRowFromBrief(metric: MetricBrief): MetricRow {
  const baselineMedian = metric.baselineMedian ?? null;
  const canaryMedian = metric.canaryMedian ?? null;
  return {
    name: metric.name,
    classification: metric.classification,
    critical: metric.critical,
    baselineMedian,
    canaryMedian,
    changePercent: percentChange(baselineMedian, canaryMedian),
    reason: metric.reason ?? null,
  };
}
