import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { analysisSchema } from '../../shared/config/run-config';
import { canaryConfigSchema } from '../../shared/judge/canary-config';
import { meanRatio } from '../../shared/judge/effect-size';
import { plannedLooks } from '../../shared/plan/power';
import { judgeRun, lookInput, type Policy } from './judge-run';
import { scenarioById } from './scenarios';
import { simulateRunSeries, type RunSeries } from './series';
import { histogramBoundsOf, type RunProfile, type ServiceModel } from './world';

/**
 * Issue 9 asked whether pairing the versions period by period, a parametric test of the per-period means, or a
 * comparison of the requests in histogram buckets would roll a mean-latency regression back sooner than Mann-Whitney
 * on the per-period values. This answers it on the very series the judge sees, at the judge's own level for each
 * look: the mean-latency metric is judged alone (its preset floor, minimum sample and looks), so the tests differ in
 * nothing but the test. The two Mann-Whitney rows are the judge itself (presets latency-average and latency-histogram,
 * whose buckets the source gives: Prometheus the service's, CloudWatch the preset's percentile ranks). A test that
 * spends more of its budget on good releases is faster for that alone, so each test but the per-period judge is also
 * run at a tenth of the budget, to compare speed at like false failures.
 */

/** The metric judged (the simulated mean latency, critical). */
const METRIC = 'latency';

export type MeanTestId = 'mann-whitney' | 'welch-log' | 'paired-log' | 'histogram-mann-whitney';
/** The tests the judge runs: Mann-Whitney on one mean per period (latency-average) or on the requests (latency-histogram). */
export type JudgedTestId = 'mann-whitney' | 'histogram-mann-whitney';
/** The tests computed here rather than by the judge. */
export type OtherTestId = Exclude<MeanTestId, JudgedTestId>;

export const MEAN_TEST_LABELS: Record<MeanTestId, string> = {
  'mann-whitney': 'Mann-Whitney, per-period means (the judge, latency-average)',
  'welch-log': "Welch's t, log per-period means",
  'paired-log': 'paired t, per-period log ratios',
  'histogram-mann-whitney': 'Mann-Whitney, requests in histogram buckets (the judge, latency-histogram)',
};

const average = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sampleVariance = (xs: readonly number[], m: number) => xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);

/** P(T ≥ t) for Student's t with `df` degrees of freedom; 1 for an undefined statistic (no spread, too few points). */
function upperTail(t: number, df: number): number {
  if (!Number.isFinite(t) || !(df > 0)) return 1;
  return 1 - tCdf(t, df);
}

/**
 * One-sided p of Welch's t test that the canary's log values are higher than the baseline's (unpaired; degrees of
 * freedom by Welch-Satterthwaite). The log, because latency regressions are multiplicative.
 */
export function welchLogP(baseline: readonly number[], canary: readonly number[]): number {
  const b = baseline.map(Math.log);
  const c = canary.map(Math.log);
  if (b.length < 2 || c.length < 2) return 1;
  const mb = average(b);
  const mc = average(c);
  const vb = sampleVariance(b, mb) / b.length;
  const vc = sampleVariance(c, mc) / c.length;
  const df = (vb + vc) ** 2 / (vb ** 2 / (b.length - 1) + vc ** 2 / (c.length - 1));
  return upperTail((mc - mb) / Math.sqrt(vb + vc), df);
}

/** One-sided p of the paired t test that the per-period log ratio canary/baseline is above 0. */
export function pairedLogP(baseline: readonly number[], canary: readonly number[]): number {
  if (baseline.length !== canary.length)
    throw new RangeError('a paired test needs one baseline point per canary point');
  const d = canary.map((c, i) => Math.log(c / baseline[i]));
  if (d.length < 2) return 1;
  const m = average(d);
  return upperTail(m / Math.sqrt(sampleVariance(d, m) / d.length), d.length - 1);
}

/** Evidence of the first n periods: the test's one-sided p and the ratio its floor is checked on. */
type Evidence = (series: RunSeries, n: number) => { p: number; ratio: number };

const perPeriodMeans =
  (test: typeof welchLogP): Evidence =>
  (series, n) => {
    const baseline = series.baseline.values.latency.slice(0, n);
    const canary = series.canary.values.latency.slice(0, n);
    return { p: test(baseline, canary), ratio: meanRatio(baseline, canary) };
  };

const EVIDENCE: Record<OtherTestId, Evidence> = {
  'welch-log': perPeriodMeans(welchLogP),
  'paired-log': perPeriodMeans(pairedLogP),
};

/** The presets of the judge's two ways to read mean latency: one mean per period, or the requests in buckets. */
const JUDGE_PRESETS = { 'mann-whitney': 'latency-average', 'histogram-mann-whitney': 'latency-histogram' } as const;

/**
 * The policy with the mean-latency metric alone, critical as in the bench's configs, read with `preset`, at the given
 * run budget (per metric and direction).
 */
export function meanLatencyPolicy(
  base: Policy,
  budget: number,
  preset: (typeof JUDGE_PRESETS)[JudgedTestId] = 'latency-average',
): Policy {
  const metric = { name: METRIC, preset, analysisConfigurations: { canary: { critical: true } } };
  return {
    ...base,
    id: `${base.id}/${METRIC}-alone/${preset}/${budget}`,
    canaryConfig: canaryConfigSchema.parse({ name: 'mean-latency-alone', metrics: [metric], classifier: {} }),
    analysis: analysisSchema.parse({
      ...base.analysis,
      errorControl: { ...base.analysis.errorControl, runFalseRollbackRate: budget },
    }),
  };
}

/**
 * Minutes from the first shift to the first look at which the test fails the metric (p under the look's one-sided
 * level and the canary's mean at least the floor × the baseline's, as the judge requires), or undefined. The metric
 * starts spending at its first look with the minimum sample, as in the judge.
 */
export function firstTestFailure(
  series: RunSeries,
  profile: RunProfile,
  policy: Policy,
  test: OtherTestId,
): number | undefined {
  const analysis = policy.canaryConfig.metrics[0].analysisConfigurations.canary;
  const floor = analysis.effectSize?.allowedIncrease ?? 1;
  const minPoints = analysis.minDataPoints ?? 1;
  // the judge's looks and levels for the metric, spending from its first look with the minimum sample
  for (const look of plannedLooks(lookInput(policy, profile), METRIC, profile, () => 1, { minPoints })) {
    const { p, ratio } = EVIDENCE[test](series, look.points);
    if (p < look.alpha && ratio >= floor) return look.minutes;
  }
  return undefined;
}

export interface MeanTestRow {
  profile: string;
  test: MeanTestId;
  budget: number;
  runs: number;
  /** Share of A/A runs in which the metric failed. */
  falseFailures: number;
  /** Share of +10 % runs in which it failed, in all and by the end of step 2. */
  detected: number;
  detectedByStep2: number;
  /** Median minutes to the failing look of the +10 % runs (undefined: fewer than half failed). */
  medianMinutes: number | undefined;
}

function median(minutes: (number | undefined)[]): number | undefined {
  const sorted = minutes.map((m) => m ?? Infinity).sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const value = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The tests on the same seeded runs (run r uses seed + r, and every profile's `everyNth` thins it as in the harness),
 * at the default budget and at a tenth of it.
 */
export function compareMeanTests(
  profiles: RunProfile[],
  service: ServiceModel,
  base: Policy,
  repetitions: number,
  seed: number,
): MeanTestRow[] {
  const budget = base.analysis.errorControl.runFalseRollbackRate;
  const others: MeanTestId[] = ['welch-log', 'paired-log', 'histogram-mann-whitney'];
  const variants: { test: MeanTestId; budget: number }[] = [
    { test: 'mann-whitney', budget },
    ...others.map((test) => ({ test, budget })),
    ...others.map((test) => ({ test, budget: budget / 10 })),
  ];
  const stepEnd2 = (p: RunProfile) => (p.steps[0].durationSeconds + (p.steps[1]?.durationSeconds ?? 0)) / 60;
  return profiles.flatMap((profile) => {
    const seeds = Array.from({ length: repetitions }, (_, r) => seed + r).filter((_, r) => r % profile.everyNth === 0);
    const runsOf = (scenario: string) =>
      seeds.map((s) =>
        simulateRunSeries(s, profile, service, scenarioById(scenario).canary, {
          histogramBoundsSeconds: histogramBoundsOf(profile, service),
        }),
      );
    const aa = runsOf('aa');
    const regressed = runsOf('latency-10pct');
    return variants.map(({ test, budget: b }) => {
      const failsAt = (series: RunSeries): number | undefined => {
        if (test === 'welch-log' || test === 'paired-log') {
          return firstTestFailure(series, profile, meanLatencyPolicy(base, b), test);
        }
        const verdict = judgeRun(series, profile, meanLatencyPolicy(base, b, JUDGE_PRESETS[test]), service);
        return verdict.action === 'rollback' ? verdict.minutes : undefined;
      };
      const regressedMinutes = regressed.map(failsAt);
      const share = (xs: (number | undefined)[], by = Infinity) =>
        xs.filter((m) => m !== undefined && m <= by).length / xs.length;
      return {
        profile: profile.id,
        test,
        budget: b,
        runs: seeds.length,
        falseFailures: share(aa.map(failsAt)),
        detected: share(regressedMinutes),
        detectedByStep2: share(regressedMinutes, stepEnd2(profile)),
        medianMinutes: median(regressedMinutes),
      };
    });
  });
}

const percent = (x: number) => `${(100 * x).toFixed(x === 0 || x === 1 ? 0 : 2)} %`;

export function renderMeanTests(rows: MeanTestRow[]): string {
  const lines = [
    'Mean latency judged alone, by the judge and by other tests of the same series at the judge’s per-look levels',
    '(its preset floor and minimum sample; A/A: false failures; +10 %: detected in all / by step 2, median minutes)',
    '',
    '| profile | test | budget | runs | A/A | +10 % | by step 2 | median min |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const cells = [
      r.profile,
      MEAN_TEST_LABELS[r.test],
      percent(r.budget),
      String(r.runs),
      percent(r.falseFailures),
      percent(r.detected),
      percent(r.detectedByStep2),
      r.medianMinutes === undefined ? '-' : String(r.medianMinutes),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
