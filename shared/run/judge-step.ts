import { resolveMetricQuery } from '../config/metric-presets';
import type { CountMetricData, HistogramMetricData, JudgeResult, MetricData } from '../judge/types';
import type { Fleet } from '../fleet/fleet';
import type {
  CountSeries,
  HistogramSeries,
  MetricRequest,
  MetricSeries,
  MetricSource,
  Scope,
  Series,
} from '../metrics/metric-source';
import type { Notifier } from '../notify/notifier';
import { judgmentReportName } from '../reports/html-report';
import { readStoredJudgment, type LookRecord, type StoredJudgment } from '../reports/stored-judgment';
import type { ReportStore } from '../reports/report-store';
import { lookWindow, type Decision } from './decision';
import { isLastLookOfRun, isLastLookOfStep, judgeLook, lookDueSeconds, looksInStep, type LookPosition } from './looks';
import { RunStateError } from './errors';
import { toMetricBrief } from '../run-model/metric-brief';
import { announce } from '../notify/announce';
import type { RunLog } from '../run-model/run-log';
import type { JudgmentSummary, RunState, VersionResources } from '../run-model/run-state';

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
export async function fetchSeries(source: MetricSource, request: MetricRequest): Promise<MetricSeries[]> {
  try {
    return await source.fetch(request);
  } catch (error) {
    const message = `${source.description}: ${error instanceof Error ? error.message : String(error)}`;
    const empty = { timestamps: [], values: [] };
    return request.metrics.map(({ name }) => ({ name, baseline: empty, canary: empty, error: message }));
  }
}

/** A count metric's periods aligned by timestamp across the versions (a period one side lacks had no requests there). */
function alignedCounts(counts: NonNullable<MetricSeries['counts']>): CountMetricData {
  const timestamps = [...new Set([...counts.baseline.totals.timestamps, ...counts.canary.totals.timestamps])].sort(
    (a, b) => a - b,
  );
  const side = (c: CountSeries) => {
    const at = (s: Series) => new Map(s.timestamps.map((t, i) => [t, s.values[i]]));
    const events = at(c.events);
    const totals = at(c.totals);
    return { events: timestamps.map((t) => events.get(t) ?? 0), totals: timestamps.map((t) => totals.get(t) ?? 0) };
  };
  return { baseline: side(counts.baseline), canary: side(counts.canary) };
}

/** A histogram metric's periods aligned by timestamp across the versions (a period one side lacks had no requests). */
function alignedHistograms(histogram: NonNullable<MetricSeries['histogram']>): HistogramMetricData {
  const timestamps = [...new Set([...histogram.baseline.timestamps, ...histogram.canary.timestamps])].sort(
    (a, b) => a - b,
  );
  const side = (h: HistogramSeries) => {
    const index = new Map(h.timestamps.map((t, i) => [t, i]));
    const none = new Array<number>(h.bounds.length + 1).fill(0);
    return {
      bounds: h.bounds,
      counts: timestamps.map((t) => (index.has(t) ? h.counts[index.get(t) as number] : none)),
      sums: timestamps.map((t) => (index.has(t) ? h.sums[index.get(t) as number] : 0)),
    };
  };
  return { baseline: side(histogram.baseline), canary: side(histogram.canary) };
}

export function toMetricData(series: MetricSeries[]): MetricData {
  return Object.fromEntries(
    series
      .filter((s) => !s.error)
      .map((s) => [
        s.name,
        s.counts
          ? alignedCounts(s.counts)
          : s.histogram
            ? alignedHistograms(s.histogram)
            : { baseline: s.baseline.values, canary: s.canary.values },
      ]),
  );
}

export function withSourceErrors(result: JudgeResult, series: MetricSeries[]): JudgeResult {
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
async function deadVersion(
  state: RunState,
  fleet: Fleet,
): Promise<{ role: 'baseline' | 'canary'; text: string } | undefined> {
  const { baseline, canary } = state.resources as Required<Pick<RunState['resources'], 'baseline' | 'canary'>>;
  const [b, c] = await Promise.all([fleet.health(baseline), fleet.health(canary)]);
  if (c.status === 'unhealthy') return { role: 'canary', text: `canary ${canary.version} unhealthy: ${c.detail}` };
  if (b.status === 'unhealthy')
    return { role: 'baseline', text: `baseline ${baseline.version} unhealthy: ${b.detail}` };
  return undefined;
}

/**
 * Faults that leave nothing to judge the canary by end the run as "could not judge", not as a failed canary: a
 * baseline that died (nothing valid to compare with) or a metrics source that answered for no metric at all.
 */
function outage(
  dead: { role: 'baseline' | 'canary'; text: string } | undefined,
  series: readonly MetricSeries[],
  stepLabel: string,
): Decision | undefined {
  if (dead?.role === 'canary') return { action: 'rollback', reason: `${stepLabel}: ${dead.text}` };
  if (dead) return { action: 'rollback', reason: `${stepLabel}: could not judge: ${dead.text}`, couldNotJudge: true };
  return sourceOutage(series, stepLabel);
}

/** A metrics source that answered for no metric at all leaves nothing to judge the canary by. */
export function sourceOutage(series: readonly MetricSeries[], stepLabel: string): Decision | undefined {
  if (series.length > 0 && series.every((s) => s.error)) {
    return {
      action: 'rollback',
      reason: `${stepLabel}: could not judge: the metrics source failed for every metric: ${series[0].error}`,
      couldNotJudge: true,
    };
  }
  return undefined;
}

/** A dry run is judged like any other, but its verdict never promotes. */
function dryRunDecision(decision: Decision): Decision {
  if (decision.action !== 'promote') return decision;
  return { action: 'rollback', reason: `dry run: ${decision.reason}; would promote, nothing promoted` };
}

function positionOf(state: RunState): LookPosition {
  const step = state.step as NonNullable<RunState['step']>;
  return {
    stepIndex: step.index,
    stepCount: state.input.steps.length,
    look: (step.look ?? 0) + 1,
    looksInStep: step.looks ?? looksInStep(state.input, step.index),
  };
}

/** Seconds from now until the step's next look is due (0 when it is already due). */
function secondsToNextLook(state: RunState, position: LookPosition, now: Date): number {
  const step = state.step as NonNullable<RunState['step']>;
  const due = new Date(step.appliedAt).getTime() + lookDueSeconds(state.input, step.index, position.look + 1) * 1000;
  return Math.max(0, Math.ceil((due - now.getTime()) / 1000));
}

async function earlierLooks(
  state: RunState,
  key: string,
  position: LookPosition,
  reports: ReportStore,
): Promise<LookRecord[]> {
  if (position.look === 1) return [];
  const stored = await readStoredJudgment(reports, state.runId, key);
  return stored?.looks ?? [];
}

export async function judgeStep(state: RunState, deps: JudgeStepDeps, clock = () => new Date()): Promise<RunState> {
  const { input, resources, step, runId } = state;
  if (!step || !state.trafficStartedAt || !resources.baseline || !resources.canary) {
    throw new RunStateError('judge needs a shifted step and provisioned baseline and canary');
  }
  const position = positionOf(state);
  const judgedAt = clock();
  const stepLabel = `step ${step.index + 1}/${input.steps.length}`;
  const window = lookWindow({
    trafficStartedAt: new Date(state.trafficStartedAt),
    stepAppliedAt: new Date(step.appliedAt),
    judgedAt,
    warmupSeconds: input.analysis.warmupSeconds,
    lookbackSeconds: input.analysis.lookbackSeconds,
    delaySeconds: input.metricsSource.delaySeconds,
  });
  if (!window) return withoutData(state, position, judgedAt, stepLabel);

  const series = await fetchSeries(deps.metrics, {
    metrics: input.canaryConfig.metrics.map((m, i) => ({
      name: m.name,
      query: resolveMetricQuery(m, input.metricsSource.type, i),
    })),
    scopes: { baseline: scopeOf(runId, resources.baseline), canary: scopeOf(runId, resources.canary) },
    window,
  });
  const look = judgeLook(input, toMetricData(series), position, state.spent ?? {});
  const result = withSourceErrors(look.result, series);
  const dead = await deadVersion(state, deps.fleet);
  const decision: Decision =
    outage(dead, series, stepLabel) ?? (input.dryRun ? dryRunDecision(look.decision) : look.decision);

  const stepNumber = step.index + 1;
  const summary: JudgmentSummary = {
    step: stepNumber,
    weight: step.weight,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    score: result.score,
    verdict: result.verdict,
    confidenceLevel: result.confidenceLevel,
    metrics: result.metrics.map((m) =>
      toMetricBrief(m, input.canaryConfig.metrics.find((c) => c.name === m.name)?.unit),
    ),
    reportKey: judgmentReportName(stepNumber),
    action: decision.action,
    reason: decision.reason,
    look: { number: position.look, of: position.looksInStep },
    judgedAt: judgedAt.toISOString(),
    informationFraction: look.informationFraction,
  };
  const looks = [
    ...(await earlierLooks(state, summary.reportKey, position, deps.reports)),
    {
      look: position.look,
      judgedAt: summary.judgedAt as string,
      score: result.score,
      action: decision.action,
      failing: result.metrics
        .filter((m) => m.classification !== 'Pass' && m.classification !== 'Nodata')
        .map((m) => m.name),
    },
  ];
  const stored: StoredJudgment = { summary, result, series, looks };
  const report = await deps.reports.put(runId, summary.reportKey, JSON.stringify(stored), 'application/json');
  const health =
    dead && state.health ? { ...state.health, status: 'unhealthy' as const, detail: dead.text } : state.health;
  const next: RunState = {
    ...state,
    health,
    step: {
      ...step,
      look: position.look,
      looks: position.looksInStep,
      waitSeconds: secondsToNextLook(state, position, judgedAt),
    },
    judgments: [...state.judgments.filter((j) => j.step !== stepNumber), summary],
    spent: look.spent,
    decision,
  };
  // every look is in the report store; people are told about a step's end and about decisions, not every minute
  if (decision.action !== 'wait') {
    await announce(deps.notifiers, { kind: 'judgment', state: next, links: { report: report.url } }, deps.log);
  }
  return next;
}

/**
 * A look whose window holds no complete period yet (warm-up, the source's delay): nothing to judge, nothing spent.
 * The run waits for the next look; at a step's end it moves on (windows are cumulative), and at the run's last look it
 * rolls back, since nothing was ever judged.
 */
function withoutData(state: RunState, position: LookPosition, now: Date, stepLabel: string): RunState {
  const step = state.step as NonNullable<RunState['step']>;
  const delay = state.input.metricsSource.delaySeconds;
  const why = `no complete ${state.input.metricsSource.type} period in the window yet (warm-up ${state.input.analysis.warmupSeconds}s, source delay ${delay}s)`;
  const decision: Decision = isLastLookOfRun(position)
    ? {
        action: 'rollback',
        reason: `${stepLabel}: could not judge: nothing to judge after the last step: ${why}`,
        couldNotJudge: true,
      }
    : isLastLookOfStep(position)
      ? { action: 'continue', reason: `${stepLabel}: ${why}; continue` }
      : { action: 'wait', reason: `${stepLabel}: ${why}` };
  return {
    ...state,
    step: {
      ...step,
      look: position.look,
      looks: position.looksInStep,
      waitSeconds: secondsToNextLook(state, position, now),
    },
    decision,
  };
}
