import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cles } from '../../../shared/judge/effect-size';
import { compareBuckets, onCommonBounds } from '../../../shared/judge/histogram-test';
import { mannWhitney } from '../../../shared/judge/mann-whitney';
import { xorshift32 } from '../../../shared/random/xorshift32';

interface ReferenceCase {
  name: string;
  baseline: number[];
  canary: number[];
  u: number;
  pHigher: number;
  pLower: number;
}

// SciPy's mannwhitneyu on the expanded requests (R's wilcox.test, exact = FALSE): test/fixtures/judge/histogram-test-reference.py
const reference = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/judge/histogram-test-reference.json'), 'utf8'),
) as ReferenceCase[];

const relativelyClose = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));

/** One point per request: its bucket number. */
const expand = (counts: number[]) => counts.flatMap((c, j) => new Array<number>(c).fill(j));

describe('compareBuckets: Mann-Whitney on the requests of two histograms', () => {
  it('has the reference cases', () => expect(reference).toHaveLength(10));

  it.each(reference.map((c) => [c.name, c] as const))('%s: both one-sided p to 1e-9 relative of SciPy/R', (_, c) => {
    const r = compareBuckets(c.baseline, c.canary);
    relativelyClose(r.pHigher, c.pHigher);
    relativelyClose(r.pLower, c.pLower);
    relativelyClose(r.slowerShare * r.baselineRequests * r.canaryRequests, c.u);
  });

  it("equals the judge's Mann-Whitney on the expanded requests (two-sided p) and its CLES, on random histograms", () => {
    const next = xorshift32(7);
    for (let k = 0; k < 40; k++) {
      const buckets = 2 + Math.floor(next() * 8);
      const draw = () => Array.from({ length: buckets }, () => Math.floor(next() * (k % 3 === 0 ? 4 : 40)));
      const baseline = draw();
      const canary = draw();
      const b = expand(baseline);
      const c = expand(canary);
      if (b.length === 0 || c.length === 0 || new Set([...b, ...c]).size < 2) continue;
      const r = compareBuckets(baseline, canary);
      const twoSided = Math.min(1, 2 * Math.min(r.pHigher, r.pLower));
      expect(Math.abs(twoSided - mannWhitney(b, c).pValue)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(r.slowerShare - cles(b, c))).toBeLessThanOrEqual(1e-12);
    }
  });

  it('has no evidence without requests or without spread', () => {
    expect(compareBuckets([0, 0], [3, 1])).toMatchObject({ baselineRequests: 0, pHigher: 1, pLower: 1 });
    expect(compareBuckets([0, 5, 0], [0, 9, 0])).toMatchObject({ slowerShare: 0.5, pHigher: 1, pLower: 1 });
    expect(() => compareBuckets([1, 2], [1, 2, 3])).toThrow('same buckets');
  });
});

describe('onCommonBounds', () => {
  it('keeps equal bounds as they are', () => {
    const side = { bounds: [0.1, 0.5], counts: [3, 4, 5] };
    expect(onCommonBounds(side, side)).toEqual({ bounds: [0.1, 0.5], baseline: [3, 4, 5], canary: [3, 4, 5] });
  });

  it('merges the buckets a side splits finer into the common ones, the top bucket included', () => {
    const baseline = { bounds: [0.1, 0.25, 0.5, 1], counts: [1, 2, 3, 4, 5] };
    const canary = { bounds: [0.1, 0.5, 2], counts: [10, 20, 30, 40] };
    expect(onCommonBounds(baseline, canary)).toEqual({
      bounds: [0.1, 0.5],
      baseline: [1, 2 + 3, 4 + 5],
      canary: [10, 20, 30 + 40],
    });
  });

  it('without a common bound compares everything as one bucket', () => {
    expect(onCommonBounds({ bounds: [1], counts: [2, 3] }, { bounds: [2], counts: [4, 1] })).toEqual({
      bounds: [],
      baseline: [5],
      canary: [5],
    });
  });
});
