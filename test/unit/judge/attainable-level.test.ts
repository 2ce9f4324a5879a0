import { levelAttainability, metricLevelWarnings } from '../../../cli/attainable-level';
import { judge } from '../../../shared/judge/judge';
import { exactLevelAttainability, levelAttainable, mannWhitney } from '../../../shared/judge/mann-whitney';
import { sampleOf } from '../../../shared/judge/sample';

/**
 * The exact Mann-Whitney test's smallest p-value for the sample sizes (issue 10 item 13): a level beyond it cannot be
 * reached whatever the values, and the CLIs say so.
 */

/** Every way to place `n` canary ranks among n + m: the exact null distribution of U = #{canary above baseline}. */
function exactUDistribution(n: number, m: number): Map<number, number> {
  const counts = new Map<number, number>();
  const place = (start: number, left: number, chosen: number[]) => {
    if (left === 0) {
      // U = for each canary rank, the baseline points below it
      const u = chosen.reduce((sum, rank, i) => sum + (rank - i), 0);
      counts.set(u, (counts.get(u) ?? 0) + 1);
      return;
    }
    for (let r = start; r <= n + m - left; r++) place(r + 1, left - 1, [...chosen, r]);
  };
  place(0, n, []);
  return counts;
}

/** The smallest two-sided exact p-value over all U: 2 · min(P(U ≤ u), P(U ≥ u)), capped at 1. */
function bruteForceSmallestP(n: number, m: number): number {
  const dist = exactUDistribution(n, m);
  const total = [...dist.values()].reduce((a, b) => a + b, 0);
  let smallest = 1;
  for (const u of dist.keys()) {
    const below = [...dist].filter(([v]) => v <= u).reduce((a, [, c]) => a + c, 0);
    const above = [...dist].filter(([v]) => v >= u).reduce((a, [, c]) => a + c, 0);
    smallest = Math.min(smallest, Math.min(1, (2 * Math.min(below, above)) / total));
  }
  return smallest;
}

describe('exactLevelAttainability', () => {
  it('1 against 5 points: smallest two-sided p 2/6, 98 % not attainable', () => {
    const a = exactLevelAttainability(1, 5, 0.98);
    expect(a.smallestPValue).toBeCloseTo(1 / 3, 15);
    expect(a.highestConfidenceLevel).toBeCloseTo(2 / 3, 15);
    expect(a.attainable).toBe(false);
  });

  it('2 against 3 points: smallest p 2/10 = 0.2; 80 % exactly at the bound is attainable, 80.01 % is not', () => {
    expect(exactLevelAttainability(2, 3, 0.98)).toEqual({
      attainable: false,
      smallestPValue: 0.2,
      highestConfidenceLevel: 0.8,
    });
    expect(exactLevelAttainability(3, 2, 0.8).attainable).toBe(true);
    expect(exactLevelAttainability(2, 3, 0.8001).attainable).toBe(false);
  });

  it('is symmetric and agrees with the enumerated exact distribution up to 6 against 6', () => {
    for (let n = 1; n <= 6; n++) {
      for (let m = 1; m <= 6; m++) {
        const { smallestPValue } = exactLevelAttainability(m, n, 0.5);
        expect(smallestPValue).toBeCloseTo(bruteForceSmallestP(n, m), 12);
        expect(exactLevelAttainability(n, m, 0.5).smallestPValue).toBe(smallestPValue);
      }
    }
  });

  it('98 % needs 4 against 5 (2/126), not 3 against 5 (2/56); 1 against 99 (2/100), not 1 against 98 (2/99)', () => {
    expect(exactLevelAttainability(3, 5, 0.98).attainable).toBe(false); // 2/56 = 0.0357
    expect(exactLevelAttainability(4, 5, 0.98).attainable).toBe(true); // 2/126 = 0.0159
    expect(exactLevelAttainability(1, 99, 0.98).attainable).toBe(true);
    expect(exactLevelAttainability(1, 98, 0.98).attainable).toBe(false);
  });

  it('large samples: p underflows to 0, every level is attainable', () => {
    expect(exactLevelAttainability(1500, 1200, 0.999999)).toEqual({
      attainable: true,
      smallestPValue: 0,
      highestConfidenceLevel: 1,
    });
  });

  it("is never looser than the interval's own bound (levelAttainable): where it says no, so does that", () => {
    for (const level of [0.8, 0.9, 0.95, 0.98, 0.99]) {
      for (let n = 1; n <= 15; n++) {
        for (let m = 1; m <= 15; m++) {
          if (exactLevelAttainability(m, n, level).attainable) continue;
          const baseline = sampleOf(Array.from({ length: m }, (_, i) => i));
          const canary = sampleOf(Array.from({ length: n }, (_, i) => 100 + i));
          expect([n, m, level, levelAttainable(baseline, canary, level)]).toEqual([n, m, level, false]);
        }
      }
    }
  });

  it('refuses sizes below 1 and levels outside (0, 1), naming the field', () => {
    expect(() => exactLevelAttainability(0, 5, 0.98)).toThrow(/baselineCount: must be a whole number of at least 1/);
    expect(() => exactLevelAttainability(2, 2.5, 0.98)).toThrow(/canaryCount: .*got 2\.5/);
    expect(() => exactLevelAttainability(2, 3, 1)).toThrow(/confidenceLevel/);
  });
});

describe("levelAttainability (the CLIs' warning)", () => {
  it('1 against 5 at 98 %: the numbers and a sentence that names them', () => {
    const r = levelAttainability(1, 5, 0.98);
    expect(r).toMatchObject({ levelAttainable: false, smallestAttainablePValue: 1 / 3 });
    expect(r.highestAttainableConfidenceLevel).toBeCloseTo(2 / 3, 15);
    expect(r.warning).toBe(
      '98% confidence is not attainable with 1 baseline and 5 canary points: the smallest two-sided p-value of the ' +
        'exact Mann-Whitney test is 0.3333, so at most 66.66% confidence: the interval is then the whole range of ' +
        'pairwise differences, and one above or below 0 is not a 98% result',
    );
  });

  it('2 against 3 at 95 %: at most 80 %; 10 against 10 at 98 %: no warning', () => {
    expect(levelAttainability(2, 3, 0.95).warning).toMatch(/^95% confidence .* p-value .* is 0\.2, so at most 80% /);
    expect(levelAttainability(10, 10, 0.98)).toMatchObject({ levelAttainable: true, warning: null });
  });

  it('the interval the warning is about is indeed every pairwise difference (1 against 5 at 98 %)', () => {
    const r = mannWhitney([1], [2, 3, 4, 5, 6]);
    expect([r.lower, r.upper]).toEqual([1, 5]);
  });
});

describe('metricLevelWarnings (canary-judge judge)', () => {
  const config = {
    metrics: [
      { name: 'few', groups: ['g'], analysisConfigurations: { canary: { direction: 'increase' as const } } },
      { name: 'many', groups: ['g'], analysisConfigurations: { canary: { direction: 'increase' as const } } },
    ],
    classifier: { groupWeights: { g: 100 } },
  };
  const many = Array.from({ length: 12 }, (_, i) => i);

  it('names the continuous metric compared at a level its sizes cannot reach, with its numbers', () => {
    const result = judge(config, {
      few: { baseline: [1, 2], canary: [10, 11, 12] },
      many: { baseline: many, canary: many.map((v) => v + 0.5) },
    });
    const warnings = metricLevelWarnings(result);
    expect(warnings).toEqual([
      {
        metric: 'few',
        baselineCount: 2,
        canaryCount: 3,
        confidenceLevel: 0.98,
        smallestAttainablePValue: 0.2,
        highestAttainableConfidenceLevel: 0.8,
        warning: expect.stringMatching(/^98% confidence is not attainable with 2 baseline and 3 canary points/),
      },
    ]);
    // Kayenta's classification is kept (the judge does not require attainable levels by default); the warning says why
    // "High" means less than it reads
    expect(result.metrics[0].classification).toBe('High');
  });

  it('nothing for a metric without data on one side', () => {
    const result = judge(config, {
      few: { baseline: [], canary: [10, 11, 12] },
      many: { baseline: many, canary: many },
    });
    expect(metricLevelWarnings(result)).toEqual([]);
  });
});
