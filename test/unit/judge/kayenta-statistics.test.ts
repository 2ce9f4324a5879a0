import { percentile, summaryStats } from '../../../shared/judge/descriptive';
import { cles, cohenD, meanRatio } from '../../../shared/judge/effect-size';
import { mannWhitney, shiftStatistic } from '../../../shared/judge/mann-whitney';
import { normalQuantile } from '../../../shared/judge/normal';
import { iqrOutliers, kSigmaOutliers } from '../../../shared/judge/outliers';
import { PairwiseDifferences } from '../../../shared/judge/pairwise-differences';
import { removeNaN, removeOutliers, replaceNaN } from '../../../shared/judge/transforms';
import { kayentaCases } from '../../support/kayenta-cases';
import { bruteForceMannWhitney } from '../../support/mann-whitney-brute-force';

/**
 * Kayenta's own statistics tests (test/fixtures/reference/kayenta-cases.json: MannWhitneySuite, StatisticSuite,
 * DetectorSuite, TransformSuite). Where judge-spec.md makes canary-judge deliberately differ, the test asserts
 * canary-judge's value and says which deviation applies and why.
 */

type Numbers = number[];
const KAYENTA_ROOT_TOLERANCE = 1e-4;

function expectClose(actual: number, expected: number, tolerance: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance);
}

describe('MannWhitneySuite', () => {
  it.each(
    kayentaCases<
      { x: Numbers; y: Numbers; calls: { mu: number; quantile: number }[] },
      { values: Numbers; tolerance: number }
    >('mannwhitney.wilcoxonDiff').map((c) => [c.name, c] as const),
  )('%s: shiftStatistic is Kayenta’s wilcoxonDiff', (_name, c) => {
    c.input.calls.forEach((call, i) => {
      expectClose(
        shiftStatistic(c.input.y, c.input.x, call.mu, call.quantile),
        c.expected.values[i],
        c.expected.tolerance,
      );
    });
  });

  it.each(
    kayentaCases<{ p: number }, { value: number; tolerance: number }>('normal.quantile').map(
      (c) => [c.name, c] as const,
    ),
  )('%s', (_name, c) => {
    expectClose(normalQuantile(c.input.p), c.expected.value, c.expected.tolerance);
    expect(normalQuantile(c.input.p)).toBe(-2.326347874040841); // commons-math's value, bit for bit
  });

  type CiInput = { x_canary: Numbers; y_baseline: Numbers; confidenceLevel: number };
  type CiExpected = { lower: number; upper: number; estimate: number; toleranceCI: number; toleranceEstimate: number };
  const ciCases = kayentaCases<CiInput, CiExpected>('mannwhitney.ci');
  const exactEnds =
    'deviation (judge-spec 1, 2): ends are exact pairwise differences and the estimate is Hodges-Lehmann; Kayenta’s values lie within its 1e-4 root-finder tolerance of them';
  const deviations: Record<string, string> = {
    'Mann-Whitney Confidence Interval & Estimate: Problem Case': `${exactEnds}, which exceeds this data’s 1e-5 spread`,
    'Mann-Whitney Confidence Interval & Estimate: Tie out with R Version': `${exactEnds} (differences are multiples of 0.5)`,
    'Mann-Whitney Confidence Interval & Estimate: Tie out with R Version (Large)': `${exactEnds} (differences are multiples of 0.5)`,
  };

  function expectExactAgainstBruteForce(input: CiInput) {
    const ours = mannWhitney(input.y_baseline, input.x_canary, { confidenceLevel: input.confidenceLevel });
    const zq = -normalQuantile((1 - input.confidenceLevel) / 2);
    const exact = bruteForceMannWhitney(input.y_baseline, input.x_canary, zq);
    expect([ours.lower, ours.upper, ours.estimate]).toEqual([exact.lower, exact.upper, exact.estimate]);
    expect(ours.lower).toBeLessThanOrEqual(ours.upper);
    return ours;
  }

  it.each(ciCases.filter((c) => !deviations[c.name]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ours = expectExactAgainstBruteForce(c.input);
    expectClose(ours.lower, c.expected.lower, c.expected.toleranceCI);
    expectClose(ours.upper, c.expected.upper, c.expected.toleranceCI);
    expectClose(ours.estimate, c.expected.estimate, c.expected.toleranceEstimate);
  });

  it.each(ciCases.filter((c) => deviations[c.name]).map((c) => [`${c.name} — ${deviations[c.name]}`, c] as const))(
    '%s',
    (_name, c) => {
      const ours = expectExactAgainstBruteForce(c.input);
      expectClose(ours.lower, c.expected.lower, KAYENTA_ROOT_TOLERANCE);
      expectClose(ours.upper, c.expected.upper, KAYENTA_ROOT_TOLERANCE);
      expectClose(ours.estimate, c.expected.estimate, KAYENTA_ROOT_TOLERANCE);
      expect([ours.lower, ours.upper, ours.estimate]).not.toEqual([
        c.expected.lower,
        c.expected.upper,
        c.expected.estimate,
      ]);
    },
  );

  type Intermediates = {
    muMin: number;
    muMax: number;
    zqLower: number;
    zqUpper: number;
    fLower1_at_muMin_zqLower: number;
    fUpper1_at_muMax_zqLower: number;
    fLower2_at_muMin_zqUpper: number;
    fUpper2_at_muMax_zqUpper: number;
    ciLower: number;
    ciUpper: number;
    estimate: number;
    tolerance: number;
  };
  const [intermediates] = kayentaCases<CiInput, Intermediates>('mannwhitney.intermediates');

  it(`${intermediates.name}: search range, quantiles and the statistic at its ends`, () => {
    const { x_canary: x, y_baseline: y, confidenceLevel } = intermediates.input;
    const e = intermediates.expected;
    const differences = new PairwiseDifferences(Float64Array.from(x).sort(), Float64Array.from(y).sort());
    expect([differences.min, differences.max]).toEqual([e.muMin, e.muMax]);
    const zq = normalQuantile((1 - confidenceLevel) / 2);
    expectClose(-zq, e.zqLower, e.tolerance);
    expectClose(zq, e.zqUpper, e.tolerance);
    expectClose(shiftStatistic(y, x, e.muMin, -zq), e.fLower1_at_muMin_zqLower, e.tolerance);
    expectClose(shiftStatistic(y, x, e.muMax, -zq), e.fUpper1_at_muMax_zqLower, e.tolerance);
    expectClose(shiftStatistic(y, x, e.muMin, zq), e.fLower2_at_muMin_zqUpper, e.tolerance);
    expectClose(shiftStatistic(y, x, e.muMax, zq), e.fUpper2_at_muMax_zqUpper, e.tolerance);
  });

  it(`${intermediates.name}: interval — deviation (judge-spec 1): Kayenta returns the reversed interval [3.5e-5, 2.0e-5] on this mostly-zero data; ours is exact and ordered`, () => {
    const ours = expectExactAgainstBruteForce(intermediates.input);
    const e = intermediates.expected;
    expect(e.ciLower).toBeGreaterThan(e.ciUpper);
    expectClose(ours.lower, e.ciLower, KAYENTA_ROOT_TOLERANCE);
    expectClose(ours.upper, e.ciUpper, KAYENTA_ROOT_TOLERANCE);
    expectClose(ours.estimate, e.estimate, KAYENTA_ROOT_TOLERANCE);
  });
});

describe('StatisticSuite', () => {
  it.each(
    kayentaCases<
      { values: Numbers },
      { min: number; max: number; mean: number; std: number; count: number; stdTolerance?: number }
    >('stats.summary').map((c) => [c.name, c] as const),
  )('%s', (_name, c) => {
    const stats = summaryStats(c.input.values);
    expect([stats.count, stats.min, stats.max, stats.mean]).toEqual([
      c.expected.count,
      c.expected.min,
      c.expected.max,
      c.expected.mean,
    ]);
    expectClose(stats.std, c.expected.std, c.expected.stdTolerance ?? 0);
  });

  it.each(
    kayentaCases<{ values: Numbers; p: Numbers }, { values: Numbers; tolerance?: Numbers }>('stats.percentile').map(
      (c) => [c.name, c] as const,
    ),
  )('%s', (_name, c) => {
    c.input.p.forEach((p, i) => {
      const tolerance = c.expected.tolerance?.[i] ?? 0;
      if (tolerance === 0) expect(percentile(c.input.values, p)).toBe(c.expected.values[i]);
      else expectClose(percentile(c.input.values, p), c.expected.values[i], tolerance);
    });
  });

  it.each(
    kayentaCases<{ canary: Numbers; baseline: Numbers }, { value: number }>('effectSize.meanRatio').map(
      (c) => [c.name, c] as const,
    ),
  )('%s', (_name, c) => {
    expect(meanRatio(c.input.baseline, c.input.canary)).toBe(c.expected.value); // toBe treats NaN as equal to NaN
  });

  it.each(
    kayentaCases<{ canary: Numbers; baseline: Numbers }, { value: number; tolerance: number }>('effectSize.cles').map(
      (c) => [c.name, c] as const,
    ),
  )('%s', (_name, c) => {
    const value = cles(c.input.baseline, c.input.canary);
    if (c.expected.tolerance === 0) expect(value).toBe(c.expected.value);
    else expectClose(value, c.expected.value, c.expected.tolerance);
  });

  it.each(
    kayentaCases<{ first_arg: Numbers; second_arg: Numbers }, { value: number; tolerance: number }>(
      'effectSize.cohenD',
    ).map((c) => [c.name, c] as const),
  )('%s', (_name, c) => {
    expectClose(cohenD(c.input.first_arg, c.input.second_arg), c.expected.value, c.expected.tolerance);
    expectClose(cohenD(c.input.second_arg, c.input.first_arg), c.expected.value, c.expected.tolerance);
  });
});

describe('DetectorSuite', () => {
  it.each(
    kayentaCases<{ values: Numbers; factor: number; reduceSensitivity: boolean }, { outlierMask: boolean[] }>(
      'detector.iqr',
    ).map((c) => [c.name, c] as const),
  )('%s', (_name, c) => {
    const { values, factor, reduceSensitivity } = c.input;
    expect(iqrOutliers(values, { factor, reduceSensitivity })).toEqual(c.expected.outlierMask);
  });

  it.each(
    kayentaCases<{ values: Numbers; k: number }, { outlierMask: boolean[] }>('detector.ksigma').map(
      (c) => [c.name, c] as const,
    ),
  )('%s', (_name, c) => {
    expect(kSigmaOutliers(c.input.values, c.input.k)).toEqual(c.expected.outlierMask);
  });
});

describe('TransformSuite', () => {
  it.each(
    kayentaCases<{ values: Numbers }, { values: Numbers }>('transform.removeNaNs').map((c) => [c.name, c] as const),
  )('%s', (_name, c) => {
    expect(removeNaN(c.input.values)).toEqual(c.expected.values);
  });

  it.each(
    kayentaCases<{ values: Numbers; replacement: number }, { values: Numbers }>('transform.replaceNaNs').map(
      (c) => [c.name, c] as const,
    ),
  )('%s', (_name, c) => {
    expect(replaceNaN(c.input.values, c.input.replacement)).toEqual(c.expected.values);
  });

  it.each(
    kayentaCases<{ values: Numbers; factor: number; reduceSensitivity: boolean }, { values: Numbers }>(
      'transform.removeOutliers.iqr',
    ).map((c) => [c.name, c] as const),
  )('%s', (_name, c) => {
    const { values, factor, reduceSensitivity } = c.input;
    expect(removeOutliers(values, { method: 'iqr', factor, reduceSensitivity })).toEqual(c.expected.values);
  });

  it.each(
    kayentaCases<{ values: Numbers; k: number }, { values: Numbers }>('transform.removeOutliers.ksigma').map(
      (c) => [c.name, c] as const,
    ),
  )('%s', (_name, c) => {
    expect(removeOutliers(c.input.values, { method: 'ksigma', factor: c.input.k })).toEqual(c.expected.values);
  });

  it.each(
    kayentaCases<{ values: Numbers }, Record<string, unknown>>('transform.addGaussianNoise').map(
      (c) => [c.name, c] as const,
    ),
  )(
    '%s — deviation (judge-spec 4): canary-judge adds no random noise; every transform maps a constant sample to itself, so the same input always gives the same output',
    (_name, c) => {
      const values = c.input.values;
      for (const transformed of [
        removeNaN(values),
        replaceNaN(values),
        removeOutliers(values, { method: 'iqr' }),
        removeOutliers(values, { method: 'ksigma' }),
      ]) {
        expect(transformed).toEqual(values);
      }
    },
  );
});
