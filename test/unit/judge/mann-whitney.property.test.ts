import { ValidationError } from '../../../shared/config/validation';
import { mannWhitney, shiftStatistic } from '../../../shared/judge/mann-whitney';
import { normalQuantile } from '../../../shared/judge/normal';
import {
  allDifferences,
  bruteForceMannWhitney,
  distinct,
  rankStatistic,
  statisticJustAbove,
} from '../../support/mann-whitney-brute-force';
import { randomInt, seededRandom } from '../../support/seeded-random';

type Generator = (random: () => number) => number;

/** Value shapes: heavy ties, dyadic fractions (exact arithmetic), continuous values with negatives. */
const generators: Record<string, Generator> = {
  'integers -5..5': (r) => randomInt(r, -5, 5),
  'counts 0..3': (r) => randomInt(r, 0, 3),
  'eighths -3..3': (r) => randomInt(r, -24, 24) / 8,
  continuous: (r) => (r() - 0.4) * 100,
  'tiny spread': (r) => 0.0333 + (r() - 0.5) * 1e-5,
};
const levels = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999];

function sample(random: () => number, gen: Generator, maxSize: number): number[] {
  return Array.from({ length: randomInt(random, 1, maxSize) }, () => gen(random));
}

function randomCases(seed: number, count: number, maxSize: number, names = Object.keys(generators)) {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const name = names[i % names.length];
    return {
      name,
      baseline: sample(random, generators[name], maxSize),
      canary: sample(random, generators[name], maxSize),
      confidenceLevel: levels[randomInt(random, 0, levels.length - 1)],
    };
  });
}

describe('mannWhitney equals the brute-force definition (all pairwise differences)', () => {
  const cases = randomCases(7, 400, 12);

  it.each(cases.map((c, i) => [i, c.name, c.baseline.length, c.canary.length, c] as const))(
    'case %i (%s, %i x %i)',
    (_i, _name, _m, _n, c) => {
      const result = mannWhitney(c.baseline, c.canary, { confidenceLevel: c.confidenceLevel });
      const zq = -normalQuantile((1 - c.confidenceLevel) / 2);
      const expected = bruteForceMannWhitney(c.baseline, c.canary, zq);
      expect(result.estimate).toBe(expected.estimate);
      expect(result.lower).toBe(expected.lower);
      expect(result.upper).toBe(expected.upper);
      expect(result.pValue).toBe(expected.pValue);
      expect(result.lower).toBeLessThanOrEqual(result.upper);
      const diffs = allDifferences(c.baseline, c.canary);
      expect(diffs).toContain(result.lower);
      expect(diffs).toContain(result.upper);
    },
  );
});

describe('the open-interval statistic is the rank statistic between neighbouring differences', () => {
  it.each(randomCases(11, 60, 10, ['integers -5..5', 'counts 0..3', 'eighths -3..3']).map((c, i) => [i, c] as const))(
    'case %i',
    (_i, c) => {
      const values = distinct(allDifferences(c.baseline, c.canary));
      for (let k = 0; k < values.length; k++) {
        // Midpoints of dyadic values are exact, so canary - d ties no baseline value there.
        const d = k + 1 < values.length ? (values[k] + values[k + 1]) / 2 : values[k] + 1;
        for (const q of [0, 1.96, -1.96]) {
          expect(statisticJustAbove(c.baseline, c.canary, values[k], q)).toBe(
            rankStatistic(c.baseline, c.canary, d, q),
          );
        }
      }
    },
  );
});

describe('shiftStatistic (Kayenta wilcoxonDiff) equals the rank statistic at any shift, ties included', () => {
  it.each(randomCases(13, 60, 15).map((c, i) => [i, c.name, c] as const))('case %i (%s)', (_i, _name, c) => {
    const shifts = [0, ...allDifferences(c.baseline, c.canary).slice(0, 5), 0.25, -1];
    for (const d of shifts) {
      if (new Set([...c.canary.map((v) => v - d), ...c.baseline]).size === 1) continue;
      expect(shiftStatistic(c.baseline, c.canary, d, 1.5)).toBe(rankStatistic(c.baseline, c.canary, d, 1.5));
    }
  });
});

describe('invariances', () => {
  const cases = randomCases(17, 150, 25, ['integers -5..5', 'counts 0..3', 'eighths -3..3']);

  it.each(cases.map((c, i) => [i, c.name, c] as const))(
    'case %i (%s): shift, swap, power-of-two scale',
    (_i, _n, c) => {
      const options = { confidenceLevel: c.confidenceLevel };
      const base = mannWhitney(c.baseline, c.canary, options);

      // Adding 7 to every canary value (exact for these values) moves estimate and interval by exactly 7.
      const shifted = mannWhitney(
        c.baseline,
        c.canary.map((v) => v + 7),
        options,
      );
      expect([shifted.estimate, shifted.lower, shifted.upper]).toEqual([
        base.estimate + 7,
        base.lower + 7,
        base.upper + 7,
      ]);

      // Swapping the samples negates the shift: the interval flips, the p-value stays.
      const swapped = mannWhitney(c.canary, c.baseline, options);
      expect(swapped.estimate).toBe(-base.estimate === 0 ? 0 : -base.estimate);
      expect(swapped.lower).toBe(-base.upper === 0 ? 0 : -base.upper);
      expect(swapped.upper).toBe(-base.lower === 0 ? 0 : -base.lower);
      expect(swapped.pValue).toBe(base.pValue);

      // Scaling by a power of two is exact, down to subnormals and up to 1e300: everything scales, p stays.
      for (const power of [990, -1000, -1066]) {
        const f = 2 ** power;
        const scaled = mannWhitney(
          c.baseline.map((v) => v * f),
          c.canary.map((v) => v * f),
          options,
        );
        expect([scaled.estimate, scaled.lower, scaled.upper]).toEqual([
          base.estimate * f,
          base.lower * f,
          base.upper * f,
        ]);
        expect(scaled.pValue).toBe(base.pValue);
      }
    },
  );
});

describe('edge cases', () => {
  it('1 x 1: every statistic is the one difference, p = 1', () => {
    expect(mannWhitney([3], [10])).toEqual({
      estimate: 7,
      lower: 7,
      upper: 7,
      pValue: 1,
      baselineCount: 1,
      canaryCount: 1,
      confidenceLevel: 0.98,
    });
  });

  it('all observations tied: zero shift and p = 1 (no exception; the reference does the same)', () => {
    const result = mannWhitney([4, 4, 4], [4, 4]);
    expect([result.estimate, result.lower, result.upper, result.pValue]).toEqual([0, 0, 0, 1]);
  });

  it('constant samples with different values: the interval is that difference', () => {
    const result = mannWhitney([5, 5], [3, 3, 3]);
    expect([result.estimate, result.lower, result.upper]).toEqual([-2, -2, -2]);
    expect(result.pValue).toBeLessThan(0.1);
  });

  it('huge magnitudes (1e300) keep exact differences and the midpoint does not overflow', () => {
    const result = mannWhitney([-1e308, -1e308], [1e308 / 2, 1e308 / 2], { confidenceLevel: 0.5 });
    expect(result.estimate).toBe(1.5e308);
    const big = mannWhitney([1e300, 2e300, 3e300], [4e300, 5e300, 6e300]);
    expect([big.lower, big.upper]).toEqual([4e300 - 3e300, 6e300 - 1e300]);
    expect(big.estimate).toBe(5e300 - 2e300);
  });

  it('tiny magnitudes (1e-300 and subnormal) keep exact differences', () => {
    const result = mannWhitney([1e-300, 2e-300], [5e-300, 7e-300, 9e-300]);
    const diffs = allDifferences([1e-300, 2e-300], [5e-300, 7e-300, 9e-300]);
    expect(result.estimate).toBe((diffs[2] + diffs[3]) / 2);
    expect([result.lower, result.upper]).toEqual([diffs[0], diffs[5]]);
    const sub = mannWhitney([Number.MIN_VALUE], [3 * Number.MIN_VALUE]);
    expect(sub.estimate).toBe(2 * Number.MIN_VALUE);
  });

  it('a large p-value far in the tail stays accurate (no underflow to 0 before it must)', () => {
    const baseline = Array.from({ length: 400 }, (_, i) => i);
    const canary = baseline.map((v) => v + 400);
    const result = mannWhitney(baseline, canary);
    const z = Math.abs(rankStatistic(baseline, canary, 0, 0));
    expect(z).toBeGreaterThan(24);
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThan(1e-120);
  });

  it('differences that overflow float64 are rejected, naming the problem', () => {
    expect(() => mannWhitney([-1.7e308], [1.7e308])).toThrow(/overflow float64/);
  });

  it.each([
    ['empty baseline', [], [1], /baseline: must not be empty/],
    ['empty canary', [1], [], /canary: must not be empty/],
    ['NaN in canary', [1, 2], [1, NaN], /canary\[1\]: must be a finite number \(got NaN\)/],
    ['Infinity in baseline', [Infinity, 2], [1], /baseline\[0\]: must be a finite number \(got Infinity\)/],
    ['-Infinity in canary', [1], [-Infinity], /canary\[0\]: must be a finite number/],
  ])('%s → ValidationError naming the element', (_what, baseline, canary, message) => {
    expect(() => mannWhitney(baseline as number[], canary as number[])).toThrow(ValidationError);
    expect(() => mannWhitney(baseline as number[], canary as number[])).toThrow(message);
  });

  it.each([0, 1, -0.5, 1.5, NaN, Infinity])('confidenceLevel %p → ValidationError', (level) => {
    expect(() => mannWhitney([1, 2], [3, 4], { confidenceLevel: level })).toThrow(
      /confidenceLevel: must be a number strictly between 0 and 1/,
    );
  });

  it('does not modify its inputs', () => {
    const baseline = [3, 1, 2];
    const canary = [9, 7, 8];
    mannWhitney(baseline, canary);
    expect([baseline, canary]).toEqual([
      [3, 1, 2],
      [9, 7, 8],
    ]);
  });

  it('rejects a sample that is not an array', () => {
    expect(() => mannWhitney('1,2' as unknown as number[], [1])).toThrow(/baseline: must be an array of numbers/);
  });

  it('shiftStatistic rejects a non-finite shift or quantile, naming it', () => {
    expect(() => shiftStatistic([1, 2], [3, 4], NaN)).toThrow(/shift: must be a finite number/);
    expect(() => shiftStatistic([1, 2], [3, 4], 0, Infinity)).toThrow(/quantile: must be a finite number/);
  });

  it('shiftStatistic throws AllTiedError when every observation ties at that shift', () => {
    expect(() => shiftStatistic([5], [8], 3)).toThrow(expect.objectContaining({ name: 'AllTiedError' }));
  });
});
