import { resolveMetricQuery } from '../config/metric-presets';
import { confidenceForRunStep } from '../judge/error-control';
import { judge } from '../judge/judge';
import type { JudgeResult, MetricData } from '../judge/types';
import type { Fleet } from '../fleet/fleet';
import type { MetricRequest, MetricSeries, MetricSource, Scope } from '../metrics/metric-source';
import type { Notifier } from '../notify/notifier';
import { judgmentReportName, type StoredJudgment } from '../reports/html-report';
import type { ReportStore } from '../reports/report-store';
import { decideInterval, judgmentWindow, type Decision } from './decision';
import { RunStateError } from './errors';
import { toMetricBrief } from './metric-brief';
import { announce, type RunLog } from './announce';
import type { JudgmentSummary, RunState, VersionResources } from './run-state';

/** Judge's domain: fetch both versions' metrics for the step's window, judge, store the details, decide. */

export interface JudgeStepDeps {
  fleet: Fleet;
  metrics: MetricSource;
  reports: ReportStore;
  notifiers: Notifier[];
  log: RunLog;
}

function scopeOf(runId: string, resources: VersionResources): Scope {
  return {
    role: resources.role,
    runId,
    version: resources.version,
    targetGroupArn: resources.targetGroupArn,
    loadBalancerArn: resources.loadBalancerArn,
    instanceIds: resources.instanceIds,
  };
}

/**
 * A source that fails (for one metric or entirely) yields no series for that metric: the judge then applies its
 * no-data rule (Nodata, NodataFailMetric with mustHaveData, a failed canary when critical) whatever the
 * metric's nanStrategy, and the reason names the failure.
 */
async function fetchSeries(source: MetricSource, request: MetricRequest): Promise<MetricSeries[]> {
  try {
    return await source.fetch(request);
  } catch (error) {
    const message = `${source.description}: ${error instanceof Error ? error.message : String(error)}`;
    const empty = { timestamps: [], values: [] };
    return request.metrics.map(({ name }) => ({ name, baseline: empty, canary: empty, error: message }));
  }
}

function toMetricData(series: MetricSeries[]): MetricData {
  return Object.fromEntries(
    series.filter((s) => !s.error).map((s) => [s.name, { baseline: s.baseline.values, canary: s.canary.values }]),
  );
}

function withSourceErrors(result: JudgeResult, series: MetricSeries[]): JudgeResult {
  const errors = new Map(series.filter((s) => s.error).map((s) => [s.name, s.error as string]));
  if (errors.size === 0) return result;
  return {
    ...result,
    metrics: result.metrics.map((m) => {
      const error = errors.get(m.name);
      if (!error) return m;
      return { ...m, reason: `${m.reason ? `${m.reason}; ` : ''}metric source failed: ${error}` };
    }),
  };
}

/**
 * A version that died during the step ends the run whatever its metrics say: a crashed canary's cumulative
 * window still holds its good minutes, and a dead baseline leaves nothing valid to compare with.
 */
async function deadVersion(state: RunState, fleet: Fleet): Promise<string | undefined> {
  const { baseline, canary } = state.resources as Required<Pick<RunState['resources'], 'baseline' | 'canary'>>;
  const [b, c] = await Promise.all([fleet.health(baseline), fleet.health(canary)]);
  if (c.status === 'unhealthy') return `canary ${canary.version} unhealthy: ${c.detail}`;
  if (b.status === 'unhealthy') return `baseline ${baseline.version} unhealthy: ${b.detail}`;
  return undefined;
}

/** A dry run is judged like any other, but its verdict never promotes. */
function dryRunDecision(decision: Decision): Decision {
  if (decision.action !== 'promote') return decision;
  return { action: 'rollback', reason: `dry run: ${decision.reason}; would promote, nothing promoted` };
}

export async function judgeStep(state: RunState, deps: JudgeStepDeps, clock = () => new Date()): Promise<RunState> {
  const { input, resources, step, runId } = state;
  if (!step || !state.trafficStartedAt || !resources.baseline || !resources.canary) {
    throw new RunStateError('judge needs a shifted step and provisioned baseline and canary');
  }
  const window = judgmentWindow({
    trafficStartedAt: new Date(state.trafficStartedAt),
    stepAppliedAt: new Date(step.appliedAt),
    judgedAt: clock(),
    warmupSeconds: input.analysis.warmupSeconds,
    lookbackSeconds: input.analysis.lookbackSeconds,
  });
  const series = await fetchSeries(deps.metrics, {
    metrics: input.canaryConfig.metrics.map((m, i) => ({
      name: m.name,
      query: resolveMetricQuery(m, input.metricsSource.type, i),
    })),
    scopes: { baseline: scopeOf(runId, resources.baseline), canary: scopeOf(runId, resources.canary) },
    window,
  });
  // The run's false-rollback budget is spread over its planned judgments (analysis.errorControl).
  const confidenceLevel = confidenceForRunStep(input.analysis, input.steps, step.index);
  const result = withSourceErrors(
    judge(input.canaryConfig, toMetricData(series), input.thresholds, { confidenceLevel }),
    series,
  );
  const position = { stepIndex: step.index, stepCount: input.steps.length };
  const interval = decideInterval(result, position, input.thresholds);
  const dead = await deadVersion(state, deps.fleet);
  const stepLabel = `step ${step.index + 1}/${input.steps.length}`;
  const decision: Decision = dead
    ? { action: 'rollback', reason: `${stepLabel}: ${dead}` }
    : input.dryRun
      ? dryRunDecision(interval)
      : interval;

  const stepNumber = step.index + 1;
  const summary: JudgmentSummary = {
    step: stepNumber,
    weight: step.weight,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    score: result.score,
    verdict: result.verdict,
    confidenceLevel: result.confidenceLevel,
    metrics: result.metrics.map(toMetricBrief),
    reportKey: judgmentReportName(stepNumber),
    action: decision.action,
    reason: decision.reason,
  };
  const stored: StoredJudgment = { summary, result, series };
  const report = await deps.reports.put(runId, summary.reportKey, JSON.stringify(stored), 'application/json');
  const health = dead && state.health ? { ...state.health, status: 'unhealthy' as const, detail: dead } : state.health;
  const next: RunState = { ...state, health, judgments: [...state.judgments, summary], decision };
  await announce(deps.notifiers, { kind: 'judgment', state: next, links: { report: report.url } }, deps.log);
  return next;
}
