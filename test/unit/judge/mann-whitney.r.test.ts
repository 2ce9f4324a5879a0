import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mannWhitney } from '../../../shared/judge/mann-whitney';
import { allDifferences, distinct } from '../../support/mann-whitney-brute-force';

/**
 * Cross-check against R 4.2.2's wilcox.test(canary, baseline, conf.int = TRUE, exact = FALSE, correct = TRUE),
 * recorded in test/fixtures/judge/r-wilcox.json by test/fixtures/judge/r-wilcox.R (R is not needed to run this).
 * - p-value: same statistic, same normal approximation → 1e-9 relative.
 * - interval ends: R stops uniroot at an absolute 1e-4, so its ends lie within 1e-4 of ours, between the
 *   pairwise differences next to ours.
 * - estimate: R solves the uncorrected statistic for 0, whose zero lies between the two middle differences —
 *   the pair whose mean is our Hodges-Lehmann estimate.
 */

interface RCase {
  name: string;
  baseline: number[];
  canary: number[];
  confidenceLevel: number;
  r: { lower: number; upper: number; estimate: number; pValue: number };
}

const fixture = JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/judge/r-wilcox.json'), 'utf8')) as {
  cases: RCase[];
};
const R_TOLERANCE = 1e-4;

function neighbours(values: number[], v: number): [number, number] {
  const i = values.indexOf(v);
  expect(i).toBeGreaterThanOrEqual(0);
  return [values[Math.max(0, i - 1)], values[Math.min(values.length - 1, i + 1)]];
}

describe("mannWhitney against R's wilcox.test (exact = FALSE, correct = TRUE)", () => {
  it('has the recorded cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ours = mannWhitney(c.baseline, c.canary, { confidenceLevel: c.confidenceLevel });
    expect(Math.abs(ours.pValue - c.r.pValue)).toBeLessThanOrEqual(1e-9 * c.r.pValue);

    const diffs = allDifferences(c.baseline, c.canary);
    const values = distinct(diffs);
    for (const [end, rEnd] of [
      [ours.lower, c.r.lower],
      [ours.upper, c.r.upper],
    ]) {
      expect(Math.abs(end - rEnd)).toBeLessThanOrEqual(R_TOLERANCE);
      const [before, after] = neighbours(values, end);
      expect(rEnd).toBeGreaterThanOrEqual(before);
      expect(rEnd).toBeLessThanOrEqual(after);
    }

    const k = diffs.length;
    const [a, b] = k % 2 === 1 ? [diffs[(k - 1) / 2], diffs[(k - 1) / 2]] : [diffs[k / 2 - 1], diffs[k / 2]];
    expect(ours.estimate).toBe((a + b) / 2);
    expect(c.r.estimate).toBeGreaterThanOrEqual(a - R_TOLERANCE);
    expect(c.r.estimate).toBeLessThanOrEqual(b + R_TOLERANCE);
  });
});
