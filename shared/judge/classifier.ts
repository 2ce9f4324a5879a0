import { mean } from 'simple-statistics';
import type { Direction, EffectSizeConfig, NanStrategy } from './canary-config';
import { formatNumber, formatPercent, formatSigned } from './format';
import { clesOfSorted, meanRatio } from './effect-size';
import { percentileOfSorted } from './descriptive';
import { levelAttainable, mannWhitneySamples } from './mann-whitney';
import { sampleOf, type Sample } from './sample';
import { formatDifference, formatMeasure } from './units';
import type { Classification, MannWhitneyResult } from './types';

/**
 * Kayenta's Mann-Whitney metric classifier (judge-spec §4) on samples already cleaned of NaN and outliers.
 * Where Kayenta needs random noise or throws, this decides deterministically:
 * - both samples constant with different values: Kayenta adds unseeded Gaussian noise (sd = value·1e-5) so its
 *   root finder has something to rank. The exact interval needs none: every pairwise difference is a - b, so
 *   estimate = lower = upper = a - b, the limit of Kayenta's result as its noise goes to 0; same input, same output.
 * - one point on each side (Kayenta: zero variance → exception → "Error", which fails nothing): not judged yet.
 * Ours: points on both sides but fewer than minDataPoints on one is not judged yet either (insufficientData: Nodata
 * that fails neither the metric nor the canary): with 2-4 points no confidence level holds
 * (docs/statistical-quality.md). The run's decision refuses to promote on such metrics after its last step.
 */

/** Kayenta's τ: the interval must clear τ·|estimate|, not just 0. The judge hard-codes 0.25. */
export const JUDGE_TOLERANCE = 0.25;

export type EffectSizeMeasure = 'meanRatio' | 'cles';
type Side = 'increase' | 'decrease';

export interface EffectSizeThresholds {
  measure: EffectSizeMeasure;
  allowedIncrease: number;
  allowedDecrease: number;
  criticalIncrease: number;
  criticalDecrease: number;
  /** Histogram metrics: the confidence of the mean ratio's bound the floors apply to (absent or 0.5: the ratio). */
  floorConfidence?: number;
}

export interface ClassifierSettings {
  direction: Direction;
  nanStrategy: NanStrategy;
  critical: boolean;
  mustHaveData: boolean;
  /** Fewer points than this on a side (but at least one on each) is not judged yet (Kayenta has no such rule: 1). */
  minDataPoints: number;
  tolerance: number;
  confidenceLevel: number;
  effectSize: EffectSizeThresholds;
  /**
   * Effects at or beyond which a failure fails the whole canary whatever `critical` says (judge option rollbackFloors;
   * absent: Kayenta's rule, only critical metrics).
   */
  rollbackFloors?: { increase?: number; decrease?: number };
  /** A confidence level the sample sizes cannot reach is "not judged yet" (absent: Kayenta, classify anyway). */
  requireAttainableLevel?: boolean;
  /** The metric's unit (canary config `unit`): the reason gives the baseline median in it ("293 ms"). */
  unit?: string;
}

export interface Classified {
  classification: Classification;
  /** Human reason; null for a plain Pass. */
  reason: string | null;
  /** True when this result fails the whole canary (Kayenta's result `critical`). */
  critical: boolean;
  /** Too few points to judge (fewer than minDataPoints on a side): Nodata that fails nothing yet. */
  insufficientData: boolean;
  test: MannWhitneyResult | null;
  /** mean(canary) / mean(baseline); null when a mean is 0 or there is no comparison. */
  ratio: number | null;
  /** The measure the thresholds apply to; null when undefined (a zero mean) or no comparison. */
  effectSize: number | null;
}

/** Kayenta's defaults: 1.0 for the mean ratio, 0.5 for CLES. */
export function effectSizeThresholds(config: EffectSizeConfig | undefined): EffectSizeThresholds {
  const measure = config?.measure ?? 'meanRatio';
  const fallback = measure === 'cles' ? 0.5 : 1;
  return {
    measure,
    allowedIncrease: config?.allowedIncrease ?? fallback,
    allowedDecrease: config?.allowedDecrease ?? fallback,
    criticalIncrease: config?.criticalIncrease ?? fallback,
    criticalDecrease: config?.criticalDecrease ?? fallback,
    floorConfidence: config?.floorConfidence,
  };
}

const orNull = (x: number) => (Number.isNaN(x) ? null : x);
/** 0.98 → "98%", 0.98571 → "98.57%". */
const formatConfidence = (level: number) => `${Number((level * 100).toFixed(2))}%`;
export const points = (n: number) => `${n} point${n === 1 ? '' : 's'}`;

/** Nodata, or NodataFailMetric with mustHaveData on a non-critical metric (Kayenta's rule for missing data). */
export function noData(reason: string, s: Pick<ClassifierSettings, 'critical' | 'mustHaveData'>): Classified {
  const base = { reason, insufficientData: false, test: null, ratio: null, effectSize: null };
  if (s.mustHaveData && !s.critical) return { ...base, classification: 'NodataFailMetric', critical: false };
  return { ...base, classification: 'Nodata', critical: s.critical };
}

/** Not judged yet: Nodata that fails neither the metric nor the canary, whatever critical and mustHaveData say. */
export function tooFewPoints(reason: string): Classified {
  return {
    classification: 'Nodata',
    reason,
    critical: false,
    insufficientData: true,
    test: null,
    ratio: null,
    effectSize: null,
  };
}

function sameMultiset(a: Sample, b: Sample): boolean {
  if (a.sorted.length !== b.sorted.length) return false;
  return a.sorted.every((v, i) => v === b.sorted[i]);
}

/** Equal as a Set counts it (SameValueZero: -0 is 0, NaN is NaN). */
const sameValueZero = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Whether every point of both (non-empty) samples is one value. */
function allOneValue(a: Sample, b: Sample): boolean {
  const first = a.sorted[0];
  return (
    sameValueZero(first, a.sorted[a.sorted.length - 1]) &&
    sameValueZero(first, b.sorted[0]) &&
    sameValueZero(first, b.sorted[b.sorted.length - 1])
  );
}

/**
 * "canary p99 shift +18.4% [CI +9.1%, +27.0%] relative to baseline median 121 ms (Hodges-Lehmann)": the estimated
 * shift of the canary's values and its interval, relative to the baseline median (absolute when that median is 0).
 * Named, so it is not taken for the mean change the effect-size thresholds apply to. Values in the metric's unit
 * when it has one (units.ts); plain numbers otherwise.
 */
function describeShift(name: string, test: MannWhitneyResult, baselineMedian: number, unit?: string): string {
  const scale = Math.abs(baselineMedian);
  const absolute = (v: number) => (unit ? formatDifference(v, unit) : formatSigned(v));
  const show = scale > 0 ? (v: number) => formatPercent(v / scale) : absolute;
  const shift = `canary ${name} shift ${show(test.estimate)} [CI ${show(test.lower)}, ${show(test.upper)}]`;
  const median = unit ? formatMeasure(baselineMedian, unit) : formatNumber(baselineMedian);
  return scale > 0
    ? `${shift} relative to baseline median ${median} (Hodges-Lehmann)`
    : `${shift} (Hodges-Lehmann; baseline median ${median})`;
}

/** Why a mean ratio is undefined: one side's mean is exactly 0 (meanRatio's rule). */
function undefinedEffect(zeroMean: 'baseline' | 'canary'): string {
  return `the ${zeroMean} mean is 0, so there is no mean change to hold against a threshold: the shift alone decides`;
}

function describeEffect(effect: number, measure: EffectSizeMeasure): string {
  return measure === 'cles' ? `CLES ${formatNumber(effect)}` : `mean change ${formatPercent(effect - 1)}`;
}

function describeThreshold(threshold: number, measure: EffectSizeMeasure): string {
  return measure === 'cles' ? formatNumber(threshold) : formatPercent(threshold - 1);
}

/** What a threshold was held against, said once after it. */
const appliesTo = (measure: EffectSizeMeasure) =>
  measure === 'cles' ? '(the threshold applies to CLES)' : '(the threshold applies to the mean change)';

/** "mean change +19.2%, above allowed +10.0% (...)"; the threshold only when it is not neutral (ratio 1, CLES 0.5). */
function describeGate(
  effect: number,
  measure: EffectSizeMeasure,
  threshold: number,
  label: 'allowed' | 'critical',
  side: Side,
  wording?: Comparison['wording'],
): string {
  const value = wording?.effect ?? describeEffect(effect, measure);
  if (threshold === (measure === 'cles' ? 0.5 : 1)) return value;
  const where = side === 'increase' ? 'above' : 'below';
  return `${value}, ${where} ${label} ${describeThreshold(threshold, measure)} ${wording?.appliesTo ?? appliesTo(measure)}`;
}

export function classify(name: string, baseline: number[], canary: number[], s: ClassifierSettings): Classified {
  return classifySamples(name, sampleOf(baseline), sampleOf(canary), s);
}

/** classify on samples already sorted (the judge's cleaned ones), so nothing here sorts again. */
export function classifySamples(
  name: string,
  baselineSample: Sample,
  canarySample: Sample,
  s: ClassifierSettings,
): Classified {
  const baseline = baselineSample.values;
  const canary = canarySample.values;
  // 1. no data (Kayenta): with nanStrategy "replace" an empty sample means nothing was returned at all → Pass
  if (canary.length === 0 || baseline.length === 0) {
    const counts = `canary ${points(canary.length)}, baseline ${points(baseline.length)}`;
    if (s.nanStrategy === 'replace') {
      return {
        classification: 'Pass',
        reason: `no data for ${name} (${counts}); nanStrategy "replace" counts that as Pass`,
        critical: false,
        insufficientData: false,
        test: null,
        ratio: null,
        effectSize: null,
      };
    }
    return noData(`Missing data for ${name} (${counts})`, s);
  }
  // ours: too few points to honour any confidence level → not judged yet, whatever critical and mustHaveData say
  // (those keep Kayenta's meaning for missing data above; the run's last step refuses to promote on too few)
  if (canary.length < s.minDataPoints || baseline.length < s.minDataPoints) {
    return tooFewPoints(
      `canary has ${points(canary.length)}, baseline ${baseline.length}; ` +
        `at least ${s.minDataPoints} per side are needed to judge ${name}`,
    );
  }

  const m = s.effectSize.measure;
  const unchanged = (reason: string | null): Classified => ({
    classification: 'Pass',
    reason,
    critical: false,
    insufficientData: false,
    test: mannWhitneySamples(baselineSample, canarySample, { confidenceLevel: s.confidenceLevel }),
    ratio: 1,
    effectSize: m === 'cles' ? 0.5 : 1,
  });
  // 2. identical samples, 3. one value shared by all points (Kayenta: Pass, deviation 1)
  if (sameMultiset(canarySample, baselineSample)) return unchanged('The Canary and Baseline data are identical');
  if (allOneValue(canarySample, baselineSample)) {
    return unchanged(`canary and baseline of ${name} are all ${formatNumber(canary[0])}`);
  }
  if (canary.length === 1 && baseline.length === 1) {
    return tooFewPoints(
      `Only one data point on each side for ${name}: a Mann-Whitney comparison needs at least 2 points on one side (3 in all)`,
    );
  }

  if (s.requireAttainableLevel && !levelAttainable(baselineSample, canarySample, s.confidenceLevel)) {
    return tooFewPoints(
      `canary has ${points(canary.length)}, baseline ${baseline.length}: too few to reach the ` +
        `${formatConfidence(s.confidenceLevel)} confidence level of ${name} (not judged yet)`,
    );
  }

  // 4. compare
  const test = mannWhitneySamples(baselineSample, canarySample, { confidenceLevel: s.confidenceLevel });
  const ratio = meanRatio(baseline, canary);
  const bound = s.tolerance * Math.abs(test.estimate);
  return decide(
    {
      test,
      ratio,
      effect: m === 'cles' ? clesOfSorted(baselineSample.sorted, canarySample.sorted) : ratio,
      clearlyHigher: test.lower > bound,
      clearlyLower: test.upper < -bound,
      shift: describeShift(name, test, percentileOfSorted(baselineSample.sorted, 50), s.unit),
      zeroMean: () => (mean(canary) === 0 ? 'canary' : 'baseline'),
    },
    s,
  );
}

/** What a comparison found, for `decide`. */
export interface Comparison {
  test: MannWhitneyResult | null;
  /** mean(canary) / mean(baseline), NaN when undefined. */
  ratio: number;
  /** The effect-size measure's value (the ratio, or CLES), NaN when undefined. */
  effect: number;
  /** The test proves the canary higher / lower. */
  clearlyHigher: boolean;
  clearlyLower: boolean;
  /** What the test saw, said first in every reason. */
  shift: string;
  /** Which mean is 0 when the effect is undefined. */
  zeroMean: () => 'baseline' | 'canary';
  /**
   * How to say the effect and what the floors were held against, when the effect is not the measure itself (a
   * histogram's confidence bound of the mean ratio); absent: "mean change +x%" / "CLES x".
   */
  wording?: { effect: string; appliesTo: string };
}

/**
 * Kayenta's decision on a comparison (steps 4-5 of judge-spec §4): a proven shift the direction cares about fails when
 * the effect size is beyond the allowed one, critically beyond the critical one (critical metrics) or a rollback floor.
 */
export function decide(c: Comparison, s: ClassifierSettings): Classified {
  const m = s.effectSize.measure;
  const { effect, shift } = c;
  const effectText = () => c.wording?.effect ?? describeEffect(effect, m);
  const heldAgainst = c.wording?.appliesTo ?? appliesTo(m);
  const gateOpen = (threshold: number, side: Side) =>
    Number.isNaN(effect) || (side === 'increase' ? effect >= threshold : effect <= threshold);
  const upOk = s.direction !== 'decrease';
  const downOk = s.direction !== 'increase';
  const result = { test: c.test, ratio: orNull(c.ratio), effectSize: orNull(effect), insufficientData: false };

  const fail = (side: Side): Classified => {
    const classification = side === 'increase' ? 'High' : 'Low';
    const allowed = side === 'increase' ? s.effectSize.allowedIncrease : s.effectSize.allowedDecrease;
    const critical = side === 'increase' ? s.effectSize.criticalIncrease : s.effectSize.criticalDecrease;
    // 5. critical escalation: only beyond the critical effect size (default: every failure of a critical metric)
    const gate = (threshold: number, label: 'allowed' | 'critical') =>
      Number.isNaN(effect) ? undefinedEffect(c.zeroMean()) : describeGate(effect, m, threshold, label, side, c.wording);
    if (s.critical && gateOpen(critical, side)) {
      return { ...result, classification, critical: true, reason: `critical: ${shift}; ${gate(critical, 'critical')}` };
    }
    // ours: beyond a rollback floor any metric fails the canary (only on a measured effect: an undefined one opens
    // Kayenta's gate for critical metrics, it proves nothing here)
    const floor = s.rollbackFloors?.[side];
    if (floor !== undefined && !Number.isNaN(effect) && gateOpen(floor, side)) {
      const beyond = `${effectText()}, at or beyond the rollback floor ${describeThreshold(floor, m)} ${heldAgainst}`;
      return { ...result, classification, critical: true, reason: `critical: ${shift}; ${beyond}` };
    }
    const why = gate(allowed, 'allowed');
    return { ...result, classification, critical: false, reason: `${shift}; ${why}` };
  };
  const pass = (reason: string | null): Classified => ({ ...result, classification: 'Pass', critical: false, reason });

  const { clearlyHigher, clearlyLower } = c;
  if (clearlyHigher && upOk && gateOpen(s.effectSize.allowedIncrease, 'increase')) return fail('increase');
  if (clearlyLower && downOk && gateOpen(s.effectSize.allowedDecrease, 'decrease')) return fail('decrease');
  // a clear shift that does not fail: the direction ignores it, or the effect size is within the allowed one
  if (clearlyHigher && !upOk) return pass(`${shift}; an increase is not a failure (direction ${s.direction})`);
  if (clearlyLower && !downOk) return pass(`${shift}; a decrease is not a failure (direction ${s.direction})`);
  if (clearlyHigher || clearlyLower) {
    const allowed = clearlyHigher ? s.effectSize.allowedIncrease : s.effectSize.allowedDecrease;
    return pass(`${shift}; ${effectText()}, within allowed ${describeThreshold(allowed, m)} ${heldAgainst}`);
  }
  return pass(null);
}
