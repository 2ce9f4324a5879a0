import { mean, median, sampleStandardDeviation } from 'simple-statistics';
import { createRng } from '../../local/common/random';
import { runInputSchema, type RunInputRaw } from '../../shared/config/run-config';
import type { Classification, MetricResult, SampleStats, Verdict } from '../../shared/judge/types';
import type { MetricSeries } from '../../shared/metrics/metric-source';
import { judgmentReportName, type RunReportData } from '../../shared/reports/html-report';
import type { StoredJudgment } from '../../shared/reports/stored-judgment';
import type { Action, JudgmentSummary, RunState } from '../../shared/run-model/run-state';
import { toMetricBrief } from '../../shared/run-model/metric-brief';

/**
 * A realistic run for report and notification tests: checkout-api 1.4.2 → 1.5.0, three steps, the canary's p99
 * latency ~20% higher, so step 1 passes (little data) and step 2 fails on the critical latency metric.
 * Deterministic (seeded), so rendered pages are identical run to run.
 */

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface MetricSpec {
  name: string;
  baseline: number;
  /** Relative change of the canary, e.g. 0.2 = +20%. */
  change: number;
  /** Relative noise (standard deviation / level). */
  noise: number;
  critical?: boolean;
  classification: [Classification, Classification];
  /** The metric's `unit` in the canary config. */
  unit?: string;
}

export const DEFAULT_METRICS: MetricSpec[] = [
  {
    name: 'latency-p99',
    baseline: 0.12,
    change: 0.2,
    noise: 0.08,
    critical: true,
    classification: ['Pass', 'High'],
    unit: 'seconds',
  },
  { name: 'error-rate', baseline: 0.004, change: 0.05, noise: 0.3, classification: ['Pass', 'Pass'], unit: 'ratio' },
  {
    name: 'requests-per-second',
    baseline: 200,
    change: -0.01,
    noise: 0.05,
    classification: ['Pass', 'Pass'],
    unit: 'req/s',
  },
  {
    name: 'cpu-utilization',
    baseline: 41,
    change: 0.02,
    noise: 0.06,
    classification: ['Pass', 'Pass'],
    unit: 'percent',
  },
];

const START = Date.parse('2026-11-22T14:00:00Z');
const TRAFFIC_START = START + 20_000;

function stats(values: number[]): SampleStats {
  if (values.length === 0) return { count: 0, min: 0, max: 0, mean: 0, median: 0, std: 0 };
  return {
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    mean: mean(values),
    median: median(values),
    std: values.length > 1 ? sampleStandardDeviation(values) : 0,
  };
}

/** Every k-th point, so the pairwise differences below stay under 200 000. */
function thin(values: number[]): number[] {
  const k = Math.ceil(values.length / 400);
  return values.filter((_, i) => i % k === 0);
}

/** Hodges-Lehmann shift with a normal-approximation interval on thinned samples: good enough for display fixtures. */
function shift(allBaseline: number[], allCanary: number[], confidence: number) {
  const baseline = thin(allBaseline);
  const canary = thin(allCanary);
  const diffs: number[] = [];
  for (const c of canary) for (const b of baseline) diffs.push(c - b);
  diffs.sort((a, b) => a - b);
  const n = baseline.length;
  const m = canary.length;
  const z = 2.3263478740408408; // qnorm(0.99): the two-sided 98% interval.
  const k = Math.max(0, Math.floor((n * m) / 2 - z * Math.sqrt((n * m * (n + m + 1)) / 12)));
  return { estimate: median(diffs), lower: diffs[k], upper: diffs[diffs.length - 1 - k], confidence };
}

function seriesFor(spec: MetricSpec, points: number, random: () => number): MetricSeries {
  const timestamps = Array.from({ length: points }, (_, i) => TRAFFIC_START + i * 1000);
  const level = (base: number) => timestamps.map(() => Math.max(0, base * (1 + spec.noise * normal(random))));
  return {
    name: spec.name,
    baseline: { timestamps, values: level(spec.baseline) },
    canary: { timestamps, values: level(spec.baseline * (1 + spec.change)) },
  };
}

function groupOf(spec: MetricSpec): string {
  return spec.name.startsWith('latency') || spec.name.startsWith('error') ? 'golden' : 'system';
}

function metricResult(spec: MetricSpec, series: MetricSeries, classification: Classification): MetricResult {
  const b = series.baseline.values;
  const c = series.canary.values;
  const s = shift(b, c, 0.98);
  const failed = classification === 'High' || classification === 'Low';
  return {
    name: spec.name,
    kind: 'continuous',
    classification,
    reason: failed ? `${spec.name} was classified as ${classification}` : null,
    critical: failed && Boolean(spec.critical),
    insufficientData: false,
    muted: false,
    groups: [groupOf(spec)],
    direction: 'increase',
    estimate: s.estimate,
    lower: s.lower,
    upper: s.upper,
    pValue: failed ? 1.2e-9 : 0.41,
    confidenceLevel: 0.98,
    ratio: mean(c) / mean(b),
    effectSize: { measure: 'meanRatio', value: mean(c) / mean(b) },
    counts: null,
    baseline: stats(b),
    canary: stats(c),
  };
}

export interface FixtureOptions {
  metrics?: MetricSpec[];
  /** Points per series in the last judgment (1-second resolution; cumulative windows). */
  points?: number;
}

export function buildRunReportFixture(options: FixtureOptions = {}): RunReportData {
  const specs = options.metrics ?? DEFAULT_METRICS;
  const lastPoints = options.points ?? 120;
  const random = createRng(42).next;
  const raw: RunInputRaw = {
    runId: 'checkout-api-20261122-1400',
    target: 'local',
    service: 'checkout-api',
    baseline: { version: '1.4.2', local: { command: ['node', 'sample-service.js'] } },
    canary: { version: '1.5.0', local: { command: ['node', 'sample-service.js'], env: { SLOW_PERCENT: '20' } } },
    traffic: { listenerArn: 'local:listener', productionTargetGroupArn: 'local:tg/production' },
    steps: [
      { weight: 5, durationSeconds: 60 },
      { weight: 10, durationSeconds: 60 },
      { weight: 25, durationSeconds: 120 },
    ],
    metricsSource: { type: 'local' },
    canaryConfig: {
      metrics: specs.map((s) => ({ name: s.name, groups: [groupOf(s)], unit: s.unit })),
      classifier: { groupWeights: { golden: 60, system: 40 } },
    },
    thresholds: { marginal: 50, pass: 75 },
  };
  const input = runInputSchema.parse(raw);

  const judgments: StoredJudgment[] = [];
  const plan: { step: number; points: number; score: number; verdict: Verdict; action: Action; reason: string }[] = [
    {
      step: 1,
      points: Math.round(lastPoints / 2),
      score: 100,
      verdict: 'pass',
      action: 'continue',
      reason: 'score 100 > marginal 50: continue',
    },
    {
      step: 2,
      points: lastPoints,
      score: 0,
      verdict: 'fail',
      action: 'rollback',
      reason: `Canary Failed: ${specs[0].name} was classified as ${specs[0].classification[1]}`,
    },
  ];
  for (const p of plan) {
    const series = specs.map((s) => seriesFor(s, p.points, random));
    const metrics = specs.map((s, i) => metricResult(s, series[i], s.classification[p.step - 1]));
    const window = {
      start: new Date(TRAFFIC_START).toISOString(),
      end: new Date(TRAFFIC_START + p.points * 1000).toISOString(),
    };
    const summary: JudgmentSummary = {
      step: p.step,
      weight: input.steps[p.step - 1].weight,
      window,
      score: p.score,
      verdict: p.verdict,
      confidenceLevel: 0.98,
      metrics: metrics.map((m) => toMetricBrief(m)),
      reportKey: judgmentReportName(p.step),
      action: p.action,
      reason: p.reason,
    };
    judgments.push({
      summary,
      series,
      result: {
        score: p.score,
        verdict: p.verdict,
        reason: p.verdict === 'fail' ? p.reason : '',
        thresholds: input.thresholds,
        confidenceLevel: 0.98,
        groups: [],
        metrics,
        insufficientData: [],
        insufficientDataRequired: [],
      },
    });
  }

  const last = judgments[judgments.length - 1].summary;
  const state: RunState = {
    runId: raw.runId as string,
    input,
    startedAt: new Date(START).toISOString(),
    resources: {},
    step: { index: 1, weight: 10, appliedAt: new Date(TRAFFIC_START + 60_000).toISOString(), waitSeconds: 60 },
    trafficStartedAt: new Date(TRAFFIC_START).toISOString(),
    judgments: judgments.map((j) => j.summary),
    decision: { action: 'rollback', reason: last.reason },
    outcome: {
      decision: 'rollback',
      verdict: 'fail',
      score: 0,
      reason: last.reason,
      reportKey: `${raw.runId}/report.html`,
      finishedAt: new Date(Date.parse(last.window.end) + 2000).toISOString(),
    },
  };
  return { state, judgments };
}
