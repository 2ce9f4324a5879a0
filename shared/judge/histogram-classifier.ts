import { decide, noData, points, tooFewPoints, type Classified, type ClassifierSettings } from './classifier';
import { formatNumber, formatPercent } from './format';
import { meanRatioBound } from './histogram-mean';
import { compareBuckets, onCommonBounds } from './histogram-test';
import { formatMeasure } from './units';
import type { HistogramMetricData, HistogramSamples, HistogramSummary } from './types';

/**
 * A histogram metric (requests per latency bucket, with the sum of their values) classified by Mann-Whitney on the
 * requests (histogram-test.ts): significant when the one-sided p is under (1 − level)/2 on the side the direction
 * fails, as Kayenta's interval excludes no shift at that level; the effect-size floors apply to the ratio of the means
 * (the histogram's sum / count), or to the requests' CLES with `measure: "cles"`. The decision is Kayenta's
 * (classifier.ts `decide`): allowed, critical and rollback floors alike. minDataPoints counts periods with requests, so
 * a metric starts at the same look as one judged as a per-period series.
 *
 * The test treats requests as independent: two instances that differ by 1 % in mean are told apart once there are
 * enough requests, which is why the floor (the preset's ×1.05 of the mean) and not the test is what guards against
 * flagging ordinary instance-to-instance differences.
 */

export interface HistogramClassified extends Classified {
  histogram: HistogramSummary;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const thousands = (n: number) => n.toLocaleString('en-US');

/** One version's requests per bucket over all periods, its mean and the periods that had requests. */
function totalsOf(side: HistogramSamples) {
  const counts = new Array<number>(side.bounds.length + 1).fill(0);
  let periods = 0;
  side.counts.forEach((period) => {
    if (sum(period) > 0) periods++;
    period.forEach((c, j) => (counts[j] += c));
  });
  const requests = sum(counts);
  const total = sum(side.sums);
  return { bounds: side.bounds, counts, sum: total, periods, requests, mean: requests > 0 ? total / requests : null };
}

/** Per period, the mean of the requests (sum / count); NaN for a period without requests. */
export function periodMeans(side: HistogramSamples): number[] {
  return side.counts.map((period, t) => {
    const n = sum(period);
    return n > 0 ? side.sums[t] / n : NaN;
  });
}

/** "mean change +9.8% (at least +6.1% with 80% confidence)", what the floors were held against said after them. */
function boundWording(ratio: number, bound: number, confidence: number) {
  const side = ratio >= 1 ? 'at least' : 'at most';
  const level = `${Number((confidence * 100).toFixed(2))}%`;
  return {
    effect: `mean change ${formatPercent(ratio - 1)} (${side} ${formatPercent(bound - 1)} with ${level} confidence)`,
    appliesTo: `(the threshold applies to that ${level} bound of the mean change)`,
  };
}

export function classifyHistogram(name: string, data: HistogramMetricData, s: ClassifierSettings): HistogramClassified {
  const baseline = totalsOf(data.baseline);
  const canary = totalsOf(data.canary);
  const common = onCommonBounds(baseline, canary);
  const test = compareBuckets(common.baseline, common.canary);
  const alpha = (1 - s.confidenceLevel) / 2;
  const orNull = (x: number) => (Number.isFinite(x) ? x : null);
  const ratio =
    baseline.mean !== null && canary.mean !== null && baseline.mean !== 0 && canary.mean !== 0
      ? canary.mean / baseline.mean
      : NaN;
  const floorConfidence = s.effectSize.floorConfidence ?? 0.5;
  const bounded = s.effectSize.measure === 'meanRatio' && floorConfidence > 0.5;
  const bound = bounded ? meanRatioBound(baseline, canary, floorConfidence) : ratio;
  const histogram: HistogramSummary = {
    baseline: { requests: baseline.requests, mean: baseline.mean },
    canary: { requests: canary.requests, mean: canary.mean },
    meanRatio: orNull(ratio),
    ...(bounded ? { meanRatioBound: orNull(bound), floorConfidence } : {}),
    slowerShare: orNull(test.slowerShare),
    pHigher: test.pHigher,
    pLower: test.pLower,
    alpha,
    bounds: common.bounds,
    baselineBuckets: common.baseline,
    canaryBuckets: common.canary,
  };
  if (baseline.requests === 0 || canary.requests === 0) {
    const missing = `Missing data for ${name} (canary ${thousands(canary.requests)} requests, baseline ${thousands(baseline.requests)} requests)`;
    return { ...noData(missing, s), histogram };
  }
  if (canary.periods < s.minDataPoints || baseline.periods < s.minDataPoints) {
    const reason =
      `canary has requests in ${points(canary.periods)}, baseline in ${baseline.periods}; ` +
      `at least ${s.minDataPoints} per side are needed to judge ${name}`;
    return { ...tooFewPoints(reason), histogram };
  }
  const side = (t: { requests: number; mean: number | null }) =>
    `mean ${formatMeasure(t.mean, s.unit)} of ${thousands(t.requests)} requests`;
  const shift =
    `canary ${name} ${side(canary)} vs baseline ${side(baseline)}; a canary request is the higher of a pair in ` +
    `${(test.slowerShare * 100).toFixed(1)}% (Mann-Whitney on the requests in ${common.bounds.length + 1} ` +
    `buckets, one-sided p ${formatNumber(test.pHigher)} higher, ${formatNumber(test.pLower)} lower)`;
  const classified = decide(
    {
      test: null,
      ratio,
      effect: s.effectSize.measure === 'cles' ? test.slowerShare : bound,
      clearlyHigher: test.pHigher < alpha,
      clearlyLower: test.pLower < alpha,
      shift,
      zeroMean: () => (canary.mean === 0 ? 'canary' : 'baseline'),
      ...(bounded && Number.isFinite(bound) ? { wording: boundWording(ratio, bound, floorConfidence) } : {}),
    },
    s,
  );
  return { ...classified, histogram };
}
