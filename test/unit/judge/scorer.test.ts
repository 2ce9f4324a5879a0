import { roundHalfUp2, scoreResults, verdictFor, type ScorableResult } from '../../../shared/judge/scorer';
import type { Classification } from '../../../shared/judge/types';
import { kayentaCases } from '../../support/kayenta-cases';

type KayentaResult = {
  name: string;
  classification: Classification;
  groups: string[];
  critical: boolean;
  muted: boolean;
};

const r = (
  name: string,
  classification: Classification,
  groups: string[],
  extra: Partial<ScorableResult> = {},
): ScorableResult => ({ name, classification, groups, critical: false, muted: false, reason: null, ...extra });

describe('scorer: Kayenta ScorerSuite (scorer.weightedSum)', () => {
  type Input = { groupWeights: Record<string, number>; metricResults: KayentaResult[] };
  type Expected = { summaryScore: number; groupScores?: Record<string, number>; groupScoresSorted?: number[] };
  type Observed = {
    kayentaScala: {
      groupScores: Record<string, { score: number; noData: boolean }>;
      classificationAtPass75Marginal50: string;
    };
  };
  for (const c of kayentaCases<Input, Expected>('scorer.weightedSum')) {
    test(c.name, () => {
      const out = scoreResults(
        c.input.metricResults.map((m) => ({ ...m, reason: null })),
        c.input.groupWeights,
      );
      expect(out.score).toBe(c.expected.summaryScore);
      if (c.expected.groupScores) {
        expect(Object.fromEntries(out.groups.map((g) => [g.name, g.score]))).toEqual(c.expected.groupScores);
      }
      if (c.expected.groupScoresSorted) {
        expect(out.groups.map((g) => g.score).sort((a, b) => a - b)).toEqual(c.expected.groupScoresSorted);
      }
      // Kayenta's group scores (unrounded) and noData flags, and its verdict at pass 75 / marginal 50
      const observed = (c.observed as Observed).kayentaScala;
      expect(Object.fromEntries(out.groups.map((g) => [g.name, { score: g.score, noData: g.noData }]))).toEqual(
        observed.groupScores,
      );
      const verdict = verdictFor(out.score, { marginal: 50, pass: 75 });
      expect(verdict).toBe(observed.classificationAtPass75Marginal50.toLowerCase());
    });
  }
});

describe('scorer: rules', () => {
  test('rounding is half-up on the decimal string', () => {
    expect(roundHalfUp2(9.375)).toBe(9.38);
    expect(roundHalfUp2(100 / 3)).toBe(33.33);
    expect(roundHalfUp2(200 / 3)).toBe(66.67);
    // binary value of 1.005 is 1.00499999999999989..., Math.round(x * 100) / 100 gives 1
    expect(roundHalfUp2(1.005)).toBe(1.01);
    expect(roundHalfUp2(2.675)).toBe(2.68);
    expect(roundHalfUp2(0.125)).toBe(0.13);
    expect(roundHalfUp2(99.994999)).toBe(99.99);
    expect(roundHalfUp2(99.995)).toBe(100);
    expect(roundHalfUp2(-9.375)).toBe(-9.38);
    expect(roundHalfUp2(4e-7)).toBe(0);
    expect(roundHalfUp2(42)).toBe(42);
    expect(roundHalfUp2(4.5)).toBe(4.5);
  });

  test('unconfigured groups share the weight the configured ones leave', () => {
    const out = scoreResults(
      [r('a', 'Pass', ['latency']), r('b', 'High', ['errors']), r('c', 'Pass', ['cpu']), r('d', 'High', ['cpu'])],
      { latency: 40 },
    );
    expect(out.groups).toEqual([
      { name: 'latency', score: 100, weight: 40, noData: false, passed: 1, scored: 1 },
      { name: 'errors', score: 0, weight: 30, noData: false, passed: 0, scored: 1 },
      { name: 'cpu', score: 50, weight: 30, noData: false, passed: 1, scored: 2 },
    ]);
    expect(out.score).toBe(55); // 40 + 0 + 15
  });

  test('weight of a configured group without results is lost', () => {
    const out = scoreResults([r('a', 'Pass', ['latency'])], { latency: 60, errors: 40 });
    expect(out.score).toBe(60);
  });

  test('configured weights above 100 give unconfigured groups a negative weight (Kayenta does not normalise)', () => {
    const out = scoreResults([r('a', 'Pass', ['x']), r('b', 'Pass', ['y'])], { x: 110 });
    expect(out.groups.map((g) => g.weight)).toEqual([110, -10]);
    expect(out.score).toBe(100);
  });

  test('a metric in two groups counts in both; a metric without groups in none', () => {
    const out = scoreResults([r('a', 'High', ['x', 'y']), r('b', 'Pass', ['y']), r('c', 'High', [])], {});
    expect(out.groups.map((g) => [g.name, g.score, g.weight])).toEqual([
      ['x', 0, 50],
      ['y', 50, 50],
    ]);
    expect(out.score).toBe(25);
  });

  test('NodataFailMetric counts as a failure; Nodata and Error are left out of the denominator', () => {
    const out = scoreResults(
      [
        r('a', 'Pass', ['g']),
        r('b', 'NodataFailMetric', ['g']),
        r('c', 'Error', ['g']),
        r('d', 'Nodata', ['g']),
        r('e', 'Pass', ['g']),
        r('f', 'Pass', ['g']),
      ],
      {},
    );
    expect(out.groups[0]).toMatchObject({ passed: 3, scored: 4, score: 75, noData: false });
    expect(out.score).toBe(75);
  });

  test('a group with only Nodata/Error metrics reports 0 but counts as 100 in the summary', () => {
    const out = scoreResults(
      [r('a', 'Pass', ['x']), r('b', 'High', ['x']), r('c', 'Error', ['y']), r('d', 'Pass', ['z'])],
      { x: 50, y: 25, z: 25 },
    );
    expect(out.groups.find((g) => g.name === 'y')).toMatchObject({ score: 0, noData: true });
    expect(out.score).toBe(75); // 25 + 25 + 25
  });

  test('muted metrics are ignored everywhere, including critical failures and the Nodata share', () => {
    const out = scoreResults(
      [
        r('a', 'Pass', ['g']),
        r('b', 'High', ['g'], { muted: true, critical: true }),
        r('c', 'Nodata', ['g'], { muted: true }),
        r('d', 'Nodata', ['g'], { muted: true }),
      ],
      {},
    );
    expect(out).toEqual({
      score: 100,
      reason: '',
      groups: [{ name: 'g', score: 100, weight: 100, noData: false, passed: 1, scored: 1 }],
    });
  });

  test('a critical failure forces 0 with the first such reason', () => {
    const out = scoreResults(
      [
        r('a', 'Pass', ['g']),
        r('b', 'Low', ['g'], { critical: true, reason: 'canary b -40%' }),
        r('c', 'High', ['g'], { critical: true, reason: 'canary c +40%' }),
      ],
      {},
    );
    expect(out.score).toBe(0);
    expect(out.reason).toBe('Canary Failed: canary b -40%');
    expect(out.groups[0].score).toBeCloseTo(100 / 3, 12);
  });

  test('exactly half of the metrics Nodata forces 0; just under half does not', () => {
    const half = scoreResults([r('a', 'Pass', ['g']), r('b', 'Nodata', ['g'])], {});
    expect(half).toMatchObject({ score: 0, reason: 'Canary Failed: 50% or more metrics returned NODATA (1 of 2)' });
    const under = scoreResults([r('a', 'Pass', ['g']), r('b', 'Nodata', ['g']), r('c', 'High', ['g'])], {});
    expect(under).toMatchObject({ score: 50, reason: '' });
  });

  test('NodataFailMetric and Error do not count as Nodata for the 50% rule', () => {
    const out = scoreResults([r('a', 'Pass', ['g']), r('b', 'NodataFailMetric', ['g']), r('c', 'Error', ['g'])], {});
    expect(out).toMatchObject({ score: 50, reason: '' });
  });

  test('too few points (insufficientData) does not trigger the 50% rule; real Nodata still does', () => {
    const few = { insufficientData: true, reason: 'canary has 3 points, baseline 4; at least 5 per side ...' };
    // 3 of 4 not judged yet for too few points: scored on the one judged metric, which fails its group
    const insufficient = scoreResults(
      [
        r('a', 'Nodata', ['latency'], few),
        r('b', 'Nodata', ['latency'], few),
        r('c', 'Nodata', ['errors'], few),
        r('d', 'High', ['errors']),
      ],
      { latency: 60, errors: 40 },
    );
    expect(insufficient).toEqual({
      score: 60, // latency has no judged metric (counts as 100) × 0.6, errors 0/1 × 0.4
      reason: '',
      groups: [
        { name: 'latency', score: 0, weight: 60, noData: true, passed: 0, scored: 0 },
        { name: 'errors', score: 0, weight: 40, noData: false, passed: 0, scored: 1 },
      ],
    });
    // the same with real Nodata: Kayenta's rule forces 0
    const real = scoreResults(
      [
        r('a', 'Nodata', ['latency']),
        r('b', 'Nodata', ['latency']),
        r('c', 'Nodata', ['errors']),
        r('d', 'High', ['errors']),
      ],
      { latency: 60, errors: 40 },
    );
    expect(real).toMatchObject({ score: 0, reason: 'Canary Failed: 50% or more metrics returned NODATA (3 of 4)' });
    // insufficient metrics stay in the rule's denominator: 1 real Nodata of 3 is under half
    const mixed = scoreResults([r('a', 'Nodata', ['g']), r('b', 'Nodata', ['g'], few), r('c', 'Pass', ['g'])], {});
    expect(mixed).toMatchObject({ score: 100, reason: '', groups: [{ passed: 1, scored: 1 }] });
    // 2 real Nodata of 4 is half, whatever the insufficient ones
    const halfReal = scoreResults(
      [r('a', 'Nodata', ['g']), r('b', 'Nodata', ['g']), r('c', 'Nodata', ['g'], few), r('d', 'Pass', ['g'])],
      {},
    );
    expect(halfReal).toMatchObject({ score: 0, reason: 'Canary Failed: 50% or more metrics returned NODATA (2 of 4)' });
  });

  test('verdict: >= pass is pass, >= marginal is marginal, else fail', () => {
    const t = { marginal: 50, pass: 75 };
    expect([75, 74.99, 50, 49.99, 0].map((s) => verdictFor(s, t))).toEqual([
      'pass',
      'marginal',
      'marginal',
      'fail',
      'fail',
    ]);
  });
});
