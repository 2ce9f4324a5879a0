import {
  analyzeInputSchema,
  assertWindowPast,
  parseAnalysisTarget,
  type AnalysisTarget,
  type AnalyzeInput,
} from '../config/analyze-input';
import { resolveMetricQuery } from '../config/metric-presets';
import { parseOrThrow } from '../config/validation';
import type { MetricSource, Scope } from '../metrics/metric-source';
import { renderAnalysisReport } from '../reports/analysis-report';
import { judgmentReportName } from '../reports/html-report';
import type { StoredJudgment } from '../reports/stored-judgment';
import { isFailingClassification, metricFinding, metricInfo, metricRowFromBrief } from '../reports/metric-rows';
import { REPORT_NAME } from '../reports/report-names';
import type { ReportStore } from '../reports/report-store';
import type { Decision } from '../run/decision';
import { fetchSeries, sourceOutage, toMetricData, withSourceErrors } from '../run/judge-step';
import { lookWindow } from '../run/decision';
import { judgeLook, type LookInput, type SpentBudget } from '../run/looks';
import { toMetricBrief } from '../run-model/metric-brief';
import type { AnalysisLabel, AnalysisResult } from '../run-model/analysis-result';
import type { JudgmentSummary } from '../run-model/run-state';

/**
 * Judge a canary someone else deployed, after the fact: the window from..to is cut into intervals, and each interval
 * is judged as a run judges the end of a step (windows cumulative from `from`, or sliding with lookbackSeconds), with
 * the run's judge, error control and decision rule: the first interval that rolls back ends the analysis, the last
 * one decides promote or roll back. It reads metrics and writes a report; it touches no traffic and no instances.
 */

export interface AnalyzeDeps {
  metrics: MetricSource;
  /** Where the HTML report and the per-interval judgments go; none = no report. */
  reports?: ReportStore;
  now?: () => Date;
}

const compactTime = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

function scopeOf(role: 'baseline' | 'canary', target: AnalysisTarget, analysisId: string, input: AnalyzeInput): Scope {
  return {
    role,
    runId: analysisId,
    version: target.label,
    targetGroupArn: target.kind === 'target-group' ? target.targetGroup : '',
    loadBalancerArn: input.loadBalancer,
    instanceIds: [],
    ...(target.kind === 'labels' ? { selector: target.selector } : {}),
  };
}

/** The input checked whole: the schema, then the clock (the window must be over). */
export function parseAnalyzeInput(raw: unknown, now = new Date()): AnalyzeInput {
  const input = parseOrThrow(analyzeInputSchema, raw, 'analyze input');
  assertWindowPast(input, now);
  return input;
}

function targetOf(text: string): AnalysisTarget {
  const target = parseAnalysisTarget(text);
  // the schema refused every string that is not a target
  if (typeof target === 'string') throw new Error(target);
  return target;
}

/** "score 20 ≤ marginal 50 at interval 2 of 6: latency-p99 is higher on the canary (…)". */
function sentence(input: AnalyzeInput, decision: Decision, last: JudgmentSummary | undefined, count: number): string {
  if (decision.couldNotJudge || !last) return decision.reason;
  const info = metricInfo(input.canaryConfig);
  const rows = last.metrics.map((m) => metricRowFromBrief(m, info.get(m.name)));
  const { marginal, pass } = input.thresholds;
  const counted = rows.filter((r) => !r.muted);
  if (decision.action === 'promote') {
    const ok = counted.filter((r) => r.classification === 'Pass').length;
    const passed = ok === counted.length ? `all ${ok} metrics passed` : `${ok} of ${counted.length} metrics passed`;
    return `score ${last.score} ≥ pass ${pass} after the last interval; ${passed}`;
  }
  const failing = counted.filter((r) => isFailingClassification(r.classification));
  const critical = failing.find((r) => r.critical);
  const cause = critical
    ? `critical metric ${critical.name} failed`
    : last.score <= marginal
      ? `score ${last.score} ≤ marginal ${marginal}`
      : last.step === count && last.score < pass
        ? `final score ${last.score} < pass ${pass}`
        : decision.reason;
  const named = failing.slice(0, 2).map(metricFinding);
  const more = failing.length - named.length;
  const why =
    named.length > 0
      ? `: ${named.join('; ')}${more > 0 ? `; ${more} more metric${more === 1 ? '' : 's'} failed` : ''}`
      : '';
  return `${cause} at interval ${last.step} of ${count}${why}`;
}

export async function analyze(raw: unknown, deps: AnalyzeDeps): Promise<AnalysisResult> {
  const now = deps.now?.() ?? new Date();
  const input = parseAnalyzeInput(raw, now);
  const analysisId = input.analysisId ?? `${input.service}-analysis-${compactTime(now)}`;
  const baseline = targetOf(input.baseline);
  const canary = targetOf(input.canary);
  const scopes = {
    baseline: scopeOf('baseline', baseline, analysisId, input),
    canary: scopeOf('canary', canary, analysisId, input),
  };
  const from = Date.parse(input.from);
  const intervalMs = input.intervalSeconds * 1000;
  const count = (Date.parse(input.to) - from) / intervalMs;
  // Each interval is one step with one look at its end: the run's looks, error control and decision rule apply as is.
  const lookInput: LookInput = {
    judgment: { ...input.judgment, checkIntervalSeconds: input.intervalSeconds },
    steps: Array.from({ length: count }, () => ({ weight: 0, durationSeconds: input.intervalSeconds })),
    analysis: input.analysis,
    canaryConfig: input.canaryConfig,
    thresholds: input.thresholds,
  };
  const metrics = input.canaryConfig.metrics.map((m, i) => ({
    name: m.name,
    query: resolveMetricQuery(m, input.metricsSource.type, i),
  }));
  const units = new Map(input.canaryConfig.metrics.map((m) => [m.name, m.unit]));

  const intervals: JudgmentSummary[] = [];
  const stored: StoredJudgment[] = [];
  let spent: SpentBudget = {};
  let decision: Decision = { action: 'rollback', reason: 'nothing judged', couldNotJudge: true };
  for (let k = 0; k < count; k++) {
    const label = `interval ${k + 1}/${count}`;
    const end = from + (k + 1) * intervalMs;
    // Only periods the source has complete by now: the source's delay counts back from now, not from the interval.
    const delaySeconds = Math.max(0, input.metricsSource.delaySeconds - (now.getTime() - end) / 1000);
    const window = lookWindow({
      trafficStartedAt: new Date(from),
      stepAppliedAt: new Date(from + k * intervalMs),
      judgedAt: new Date(end),
      warmupSeconds: input.analysis.warmupSeconds,
      lookbackSeconds: input.analysis.lookbackSeconds,
      delaySeconds,
    });
    if (!window) {
      const why = `no complete ${input.metricsSource.type} period in the window (warm-up ${input.analysis.warmupSeconds}s, source delay ${input.metricsSource.delaySeconds}s)`;
      decision =
        k === count - 1
          ? {
              action: 'rollback',
              reason: `${label}: could not judge: nothing to judge after the last interval: ${why}`,
              couldNotJudge: true,
            }
          : { action: 'continue', reason: `${label}: ${why}; continue` };
      continue;
    }
    const series = await fetchSeries(deps.metrics, { metrics, scopes, window });
    const look = judgeLook(
      lookInput,
      toMetricData(series),
      { stepIndex: k, stepCount: count, look: 1, looksInStep: 1, unit: 'interval' },
      spent,
    );
    const result = withSourceErrors(look.result, series);
    decision = sourceOutage(series, label) ?? look.decision;
    spent = look.spent;
    const summary: JudgmentSummary = {
      step: k + 1,
      weight: 0,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      score: result.score,
      verdict: result.verdict,
      confidenceLevel: result.confidenceLevel,
      metrics: result.metrics.map((m) => toMetricBrief(m, units.get(m.name))),
      reportKey: judgmentReportName(k + 1),
      action: decision.action,
      reason: decision.reason,
      judgedAt: now.toISOString(),
      informationFraction: look.informationFraction,
    };
    intervals.push(summary);
    stored.push({ summary, result, series });
    if (decision.action === 'rollback' || decision.action === 'promote') break;
  }

  const last = intervals.at(-1);
  const couldNotJudge = decision.couldNotJudge === true;
  const label: AnalysisLabel = couldNotJudge
    ? 'COULD NOT JUDGE'
    : decision.action === 'promote'
      ? 'WOULD PROMOTE'
      : 'WOULD ROLL BACK';
  const summary = sentence(input, decision, last, count);
  const outcome: AnalysisResult = {
    analysisId,
    service: input.service,
    baseline: { target: baseline.text, label: baseline.label },
    canary: { target: canary.text, label: canary.label },
    from: new Date(from).toISOString(),
    to: new Date(Date.parse(input.to)).toISOString(),
    intervalSeconds: input.intervalSeconds,
    intervalCount: count,
    source: deps.metrics.description,
    label,
    decision: decision.action === 'promote' ? 'promote' : 'rollback',
    verdict: couldNotJudge ? 'inconclusive' : (last?.verdict ?? 'fail'),
    score: last?.score ?? null,
    summary,
    headline: `${label}: ${summary}`,
    reason: decision.reason,
    intervals,
  };
  if (!deps.reports) return outcome;
  for (const j of stored) {
    await deps.reports.put(analysisId, j.summary.reportKey, JSON.stringify(j), 'application/json');
  }
  const html = renderAnalysisReport({ analysis: outcome, input, judgments: stored, writtenAt: now });
  const report = await deps.reports.put(analysisId, REPORT_NAME, html, 'text/html; charset=utf-8');
  return { ...outcome, report: { key: report.key, url: report.url } };
}
