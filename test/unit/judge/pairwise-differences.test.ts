import { PairwiseDifferences } from '../../../shared/judge/pairwise-differences';
import { allDifferences } from '../../support/mann-whitney-brute-force';
import { randomInt, seededRandom } from '../../support/seeded-random';

/** Selection and counting on the implicit difference matrix against the materialised, sorted differences. */

const shapes: Record<string, (r: () => number) => number> = {
  continuous: (r) => (r() - 0.5) * 1e3,
  'heavy ties': (r) => randomInt(r, 0, 4),
  'one value': () => 2,
  'tiny spread': (r) => 0.0333 + r() * 1e-5,
  'mixed magnitudes': (r) => (r() < 0.5 ? -1 : 1) * 10 ** randomInt(r, -300, 300),
};

function matrixCases() {
  const random = seededRandom(99);
  return Object.entries(shapes).flatMap(([name, gen]) =>
    [
      [1, 1],
      [1, 700],
      [600, 1],
      [randomInt(random, 100, 400), randomInt(random, 100, 400)],
      [randomInt(random, 500, 700), randomInt(random, 500, 700)], // beyond the direct-selection limit: sampled pivots
    ].map(([m, n]) => {
      const baseline = Array.from({ length: m }, () => gen(random));
      const canary = Array.from({ length: n }, () => gen(random));
      return [name, m, n, baseline, canary] as const;
    }),
  );
}

/** First index of an ascending array where `pred` holds (pred monotone false → true); length if none. */
function firstIndex(sorted: number[], pred: (v: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(sorted[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

describe('PairwiseDifferences', () => {
  it.each(matrixCases())('%s, %i x %i', (_name, _m, _n, baseline, canary) => {
    const expected = allDifferences(baseline, canary);
    const matrix = new PairwiseDifferences(Float64Array.from(canary).sort(), Float64Array.from(baseline).sort());
    expect(matrix.size).toBe(expected.length);
    expect(matrix.min).toBe(expected[0]);
    expect(matrix.max).toBe(expected[expected.length - 1]);

    const random = seededRandom(expected.length);
    const ranks = [1, 2, expected.length - 1, expected.length, Math.ceil(expected.length / 2)];
    for (let i = 0; i < 40; i++) ranks.push(randomInt(random, 1, expected.length));
    for (const k of ranks.filter((r) => r >= 1 && r <= expected.length)) expect(matrix.kth(k)).toBe(expected[k - 1]);

    const probes = [expected[0], expected[expected.length - 1], -Infinity, Infinity, 0];
    for (let i = 0; i < 20; i++) probes.push(expected[randomInt(random, 0, expected.length - 1)]);
    for (const t of probes) {
      const atMost = firstIndex(expected, (v) => v > t);
      expect(matrix.countAtMost(t)).toBe(atMost);
      expect(matrix.countBelow(t)).toBe(firstIndex(expected, (v) => v >= t));
      expect(matrix.smallestAbove(t)).toBe(atMost < expected.length ? expected[atMost] : Infinity);
    }
  });

  it('rejects ranks outside [1, n·m]', () => {
    const matrix = new PairwiseDifferences(Float64Array.of(1, 2), Float64Array.of(0));
    for (const k of [0, 3, 1.5, NaN]) expect(() => matrix.kth(k)).toThrow(RangeError);
  });
});
