import { countFinalShareOf, looksPerStep, type RunInput } from '../config/run-config';
import { alphaSpent, confidenceForRunStep, MIN_JUDGMENT_ALPHA } from '../judge/error-control';
import { sequentialBoundaries } from '../judge/group-sequential';
import { normalCdf } from '../judge/normal';
import { judgeWithParsedConfig } from '../judge/judge';
import { bestReachableScore } from '../judge/scorer';
import type { JudgeOptions, JudgeResult, MetricData } from '../judge/types';
import { decideLook, type Decision } from './decision';

/**
 * The looks of a run and what one look decides, without I/O: the judge step (AWS and local) and the statistics
 * benchmark both judge through `judgeLook`, so what the benchmark measures is what a run does.
 *
 * Sequential mode looks every `judgment.checkIntervalSeconds` inside a step and once at its end. Error control:
 * - count metrics use the anytime-valid count test at the budget but for `judgment.countFinalShare` (default half)
 *   at every look: its guarantee holds however often it is looked at; at the run's last look the exact conditional
 *   binomial test of all the run's counts joins it at the share kept back (one look, so it pays nothing for the
 *   looks before): a metric fails when either proves it, and the two errors add up to the budget;
 * - continuous metrics (Mann-Whitney) spend the run's α over the looks by the spending function on the information
 *   fraction t (the share of the run's planned traffic time behind the look), each at the level of the group-sequential
 *   boundary for its looks (group-sequential.ts), which accounts for the correlation of cumulative looks; looks before
 *   a metric is first judged (too few points to reach the level, no data) spend nothing for it, so its first judged
 *   look gets α(t). Each metric's run-level error stays ≤ α per side (Lan & DeMets). Histogram metrics (Mann-Whitney
 *   on the requests) spend the same way: their statistic, too, is cumulative over the looks.
 * Kayenta mode: one look at the end of each step, at the level the run's error control gives that step (as before
 * looks existed), count metrics as per-period ratios, histogram metrics as per-period means.
 */

/** What judging looks needs of a run's input (the statistics benchmark builds just this). */
export type LookInput = Pick<RunInput, 'judgment' | 'steps' | 'analysis' | 'canaryConfig' | 'thresholds'>;

export interface LookPosition {
  /** 0-based step. */
  stepIndex: number;
  stepCount: number;
  /** 1-based look within the step, and how many the step has. */
  look: number;
  looksInStep: number;
  /** What the decision's reasons call a step (default `step`). */
  unit?: string;
}

/** How many looks a step has: one per check interval, the last at its end (Kayenta mode: one). */
export function looksInStep(input: LookInput, stepIndex: number): number {
  return looksPerStep(input.judgment, input.steps[stepIndex].durationSeconds);
}

/** Seconds after the step's weight was applied at which its look `look` is due. */
export function lookDueSeconds(input: LookInput, stepIndex: number, look: number): number {
  const duration = input.steps[stepIndex].durationSeconds;
  if (input.judgment.mode === 'kayenta') return duration;
  return Math.min(duration, look * input.judgment.checkIntervalSeconds);
}

export const isLastLookOfStep = (p: LookPosition) => p.look >= p.looksInStep;
export const isLastLookOfRun = (p: LookPosition) => isLastLookOfStep(p) && p.stepIndex >= p.stepCount - 1;

/** Share of the run's planned traffic time behind a look (1 at the run's last look). */
export function informationFraction(input: LookInput, position: LookPosition): number {
  if (isLastLookOfRun(position)) return 1;
  const total = input.steps.reduce((sum, s) => sum + s.durationSeconds, 0);
  const before = input.steps.slice(0, position.stepIndex).reduce((sum, s) => sum + s.durationSeconds, 0);
  return Math.min(1, (before + lookDueSeconds(input, position.stepIndex, position.look)) / total);
}

/**
 * Per continuous metric, the information fraction of the first look that judged it (absent: not judged yet). From
 * there on every look of the run counts as one of its looks for the group-sequential boundary (a later look that cannot
 * judge it still spends its share: conservative, and the state stays one number per metric).
 */
export type SpentBudget = Record<string, number>;

export interface LookJudgment {
  result: JudgeResult;
  decision: Decision;
  /** The budget after this look (continuous metrics judged at this look advance to its fraction). */
  spent: SpentBudget;
  /** The information fraction of this look. */
  informationFraction: number;
}

/** The information fraction of every look of the run, in order. */
export function plannedFractions(input: LookInput): number[] {
  return input.steps.flatMap((_, stepIndex) => {
    const looks = looksInStep(input, stepIndex);
    return Array.from({ length: looks }, (__, i) =>
      informationFraction(input, { stepIndex, stepCount: input.steps.length, look: i + 1, looksInStep: looks }),
    );
  });
}

/** Per run input (one object for all looks of a run), its planned fractions and the nominal alphas worked out. */
const schedules = new WeakMap<LookInput, { planned: number[]; nominal: Map<string, number> }>();

function scheduleOf(input: LookInput) {
  let schedule = schedules.get(input);
  if (!schedule) {
    schedule = { planned: plannedFractions(input), nominal: new Map() };
    schedules.set(input, schedule);
  }
  return schedule;
}

/**
 * The nominal one-sided error of a continuous metric at the look with information fraction `fraction`: Bonferroni's
 * α / K, or the level of the group-sequential boundary over the metric's looks so far (from its first judged look,
 * `first`, or this one), spending α(t_j) − α(t_j−1) at each (the first judged look gets all that went unspent before).
 */
function lookAlpha(input: LookInput, fraction: number, first: number | undefined): number {
  const control = input.analysis.errorControl;
  const alpha = control.runFalseRollbackRate;
  const { planned, nominal } = scheduleOf(input);
  if (control.method === 'bonferroni') return Math.max(alpha / planned.length, MIN_JUDGMENT_ALPHA);
  const from = first ?? fraction;
  const key = `${from}|${fraction}`;
  const known = nominal.get(key);
  if (known !== undefined) return known;
  const fractions = planned.filter((t) => t >= from && t <= fraction);
  const spent = fractions.map((t) => alphaSpent(control.spending, alpha, t));
  const increments = spent.map((a, j) => Math.max(a - (j === 0 ? 0 : spent[j - 1]), MIN_JUDGMENT_ALPHA));
  const boundaries = sequentialBoundaries(fractions, increments);
  const result = Math.max(1 - normalCdf(boundaries[boundaries.length - 1]), MIN_JUDGMENT_ALPHA);
  nominal.set(key, result);
  return result;
}

/** The judge's options for a look: Kayenta's rules in Kayenta mode, the sequential ones otherwise. */
export function lookOptions(input: LookInput, position: LookPosition, spent: SpentBudget): JudgeOptions {
  const control = input.analysis.errorControl;
  if (input.judgment.mode === 'kayenta') {
    return {
      confidenceLevel: confidenceForRunStep(input.analysis, input.steps, position.stepIndex),
      counts: 'ratio-series',
      histograms: 'mean-series',
    };
  }
  const fraction = informationFraction(input, position);
  const fixed = control.method === 'none';
  const countTest = input.judgment.countTest;
  const metricConfidence = fixed
    ? {}
    : Object.fromEntries(
        input.canaryConfig.metrics.map((m) => [m.name, 1 - 2 * lookAlpha(input, fraction, spent[m.name])]),
      );
  // the anytime-valid count test gets the budget at every look, but for the share kept for one exact test at the run's
  // last look; the conditional binomial test gets its metric's level
  const countAlpha = fixed ? (1 - input.analysis.confidenceLevel) / 2 : control.runFalseRollbackRate;
  const finalShare = countFinalShareOf(input.judgment);
  const finalLook = finalShare > 0 && isLastLookOfRun(position);
  return {
    confidenceLevel: fixed ? input.analysis.confidenceLevel : 1 - 2 * lookAlpha(input, fraction, undefined),
    metricConfidence,
    countConfidenceLevel: countTest === 'anytime-valid' ? 1 - 2 * countAlpha * (1 - finalShare) : undefined,
    ...(finalLook ? { countFinalConfidenceLevel: 1 - 2 * countAlpha * finalShare } : {}),
    counts: 'test',
    countTest,
    rollbackFloors: true,
    requireAttainableLevel: true,
  };
}

/**
 * Metrics compared for the first time at this look start spending: continuous ones with an estimate (not "not judged
 * yet", not missing), histogram ones judged with requests on both sides, count ones with exposures on both sides when their test spends a budget per look.
 */
function spentAfter(result: JudgeResult, spent: SpentBudget, fraction: number, countsSpend: boolean): SpentBudget {
  const next = { ...spent };
  for (const m of result.metrics) {
    if (next[m.name] !== undefined) continue;
    const compared =
      m.kind === 'counts'
        ? countsSpend && m.counts !== null && m.counts.baseline.total > 0 && m.counts.canary.total > 0
        : m.kind === 'histogram'
          ? !m.insufficientData && !!m.histogram?.baseline.requests && !!m.histogram.canary.requests
          : m.estimate !== null && !m.insufficientData;
    if (compared) next[m.name] = fraction;
  }
  return next;
}

export interface LookOptions {
  /** false: count metrics skip their confidence sequence (benchmarks that only need decisions). */
  countIntervals?: boolean;
  /** The anytime-valid count test's alternatives (benchmarks that compare grids; default its own). */
  countAlternatives?: readonly number[];
}

/** Judge one look's data and decide: roll back, wait for the next look, go on to the next step, or promote. */
export function judgeLook(
  input: LookInput,
  data: MetricData,
  position: LookPosition,
  spent: SpentBudget,
  options: LookOptions = {},
): LookJudgment {
  const judgeOptions = {
    ...lookOptions(input, position, spent),
    countIntervals: options.countIntervals,
    countAlternatives: options.countAlternatives,
  };
  const result = judgeWithParsedConfig(input.canaryConfig, data, input.thresholds, judgeOptions);
  const fraction = informationFraction(input, position);
  const sequential = input.judgment.mode === 'sequential';
  const decision = decideLook(
    {
      ...result,
      reachableScore: sequential
        ? bestReachableScore(result.metrics, input.canaryConfig.classifier.groupWeights)
        : undefined,
    },
    {
      stepIndex: position.stepIndex,
      stepCount: position.stepCount,
      unit: position.unit,
      lastLookOfStep: isLastLookOfStep(position),
    },
    input.thresholds,
  );
  return {
    result,
    decision,
    spent: sequential
      ? spentAfter(result, spent, fraction, input.judgment.countTest === 'conditional-binomial')
      : spent,
    informationFraction: fraction,
  };
}
