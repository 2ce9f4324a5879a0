import { ValidationError } from '../../../shared/config/validation';
import { percentile, summaryStats } from '../../../shared/judge/descriptive';
import { cles, cohenD, meanRatio } from '../../../shared/judge/effect-size';
import { iqrOutliers, kSigmaOutliers } from '../../../shared/judge/outliers';
import { removeNaN, removeOutliers, replaceNaN } from '../../../shared/judge/transforms';
import { randomInt, seededRandom } from '../../support/seeded-random';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (R-7)', () => {
  it('interpolates linearly between order statistics and clamps at the ends', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
    expect(percentile([10, 20, 30, 40], 0)).toBe(10);
    expect(percentile([10, 20, 30, 40], 100)).toBe(40);
    expect(percentile([40, 10, 30, 20], 25)).toBe(17.5); // unsorted input
    expect(percentile(oneToHundred, 99)).toBe(99.01);
    expect(percentile([7], 33)).toBe(7);
  });

  it('returns NaN for an empty sample and rejects p outside [0, 100] and NaN values', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1, 2], 101)).toThrow(/p must be in \[0, 100\]/);
    expect(() => percentile([1, 2], -1)).toThrow(RangeError);
    expect(() => percentile([1, NaN], 50)).toThrow(/values\[1\] is NaN/);
  });
});

describe('summaryStats', () => {
  it('reports count, extremes, mean, median and the sample standard deviation', () => {
    expect(summaryStats([4, 1, 3, 2])).toEqual({
      count: 4,
      min: 1,
      max: 4,
      mean: 2.5,
      median: 2.5,
      std: Math.sqrt(5 / 3),
    });
  });

  it('uses a compensated sum for the mean', () => {
    expect(summaryStats([1e16, 1, -1e16, 1]).mean).toBe(0.5);
  });
});

describe('effect sizes', () => {
  it('meanRatio is mean(canary)/mean(baseline), NaN for a zero mean or an empty sample', () => {
    expect(meanRatio([2, 4], [6, 6])).toBe(2);
    expect(meanRatio([-5, -5], [-1, -1])).toBe(0.2); // negative metrics are not special-cased (Kayenta)
    expect(meanRatio([1, -1], [3])).toBeNaN();
    expect(meanRatio([3], [0, 0])).toBeNaN();
    expect(meanRatio([], [1])).toBeNaN();
  });

  it('cles equals P(canary > baseline) + P(tie)/2 by brute force, ties included', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const baseline = Array.from({ length: randomInt(random, 1, 30) }, () => randomInt(random, 0, 6));
      const canary = Array.from({ length: randomInt(random, 1, 30) }, () => randomInt(random, 0, 6));
      let u = 0;
      for (const c of canary) for (const b of baseline) u += c > b ? 1 : c === b ? 0.5 : 0;
      expect(cles(baseline, canary)).toBe(u / (baseline.length * canary.length));
    }
    expect(cles([], [1])).toBeNaN();
  });

  it('cohenD is |mean difference| / pooled sample sd; NaN when there is nothing to pool', () => {
    expect(cohenD([1, 3], [5, 7])).toBe(4 / Math.sqrt(2));
    expect(cohenD([1], [2])).toBeNaN();
  });
});

describe('outlier detectors', () => {
  it('IQR with reduced sensitivity widens the fences to the 1st/99th percentiles', () => {
    const plain = iqrOutliers(oneToHundred, { factor: 0.01 });
    expect(plain.filter(Boolean)).toHaveLength(50);
    const reduced = iqrOutliers(oneToHundred, { factor: 0.01, reduceSensitivity: true });
    expect(oneToHundred.filter((_, i) => reduced[i])).toEqual([1, 100]);
    // With a wide factor the IQR fences are the wider ones and reduced sensitivity changes nothing.
    expect(iqrOutliers([...oneToHundred, 1000], { factor: 1.5, reduceSensitivity: true }).filter(Boolean)).toHaveLength(
      1,
    );
  });

  it('never flags NaN, and NaN does not move the fences', () => {
    expect(iqrOutliers([1, 2, NaN, 3, 4, 50])).toEqual(iqrOutliers([1, 2, 3, 4, 50]).toSpliced(2, 0, false));
    expect(kSigmaOutliers([NaN, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 20])).toEqual([
      false,
      ...kSigmaOutliers([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 20]),
    ]);
    expect(kSigmaOutliers([NaN, NaN])).toEqual([false, false]);
  });

  it.each([0, -1, NaN, Infinity])('rejects factor %p with a ValidationError naming it', (factor) => {
    expect(() => iqrOutliers([1, 2], { factor })).toThrow(ValidationError);
    expect(() => iqrOutliers([1, 2], { factor })).toThrow(/factor: must be a finite number > 0/);
    expect(() => kSigmaOutliers([1, 2], factor)).toThrow(/k: must be a finite number > 0/);
  });
});

describe('transforms', () => {
  it('removeNaN and replaceNaN keep order and leave the input alone', () => {
    const values = [3, NaN, 1, NaN];
    expect(removeNaN(values)).toEqual([3, 1]);
    expect(replaceNaN(values)).toEqual([3, 0, 1, 0]);
    expect(replaceNaN(values, -1)).toEqual([3, -1, 1, -1]);
    expect(values).toEqual([3, NaN, 1, NaN]);
  });

  it("removeOutliers defaults to the judge's IQR mode (factor 3, reduced sensitivity) and keeps order", () => {
    const values = [...oneToHundred].reverse();
    expect(removeOutliers(values, { method: 'iqr', factor: 0.01 })).toEqual(values.filter((v) => v !== 1 && v !== 100));
    expect(removeOutliers([5, 1, 3, 2, 1000, 4], { method: 'iqr' })).toEqual([5, 1, 3, 2, 4]);
    expect(removeOutliers([5, 1, 3, 2, 1000, 4], { method: 'iqr', factor: 400 })).toEqual([5, 1, 3, 2, 1000, 4]);
  });
});
