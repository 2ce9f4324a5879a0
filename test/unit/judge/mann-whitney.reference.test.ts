import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mannWhitney } from '../../../shared/judge/mann-whitney';

/**
 * judge-spec.md "Where canary-judge deliberately differs", points 1-3: test/fixtures/reference/mann-whitney.json holds
 * 120 cases whose expected values were found by brute force over all pairwise differences. Interval ends and the
 * Hodges-Lehmann estimate must match bit for bit, the p-value to 1e-9 relative.
 */

interface ReferenceCase {
  name: string;
  baseline: number[];
  canary: number[];
  confidenceLevel: number;
  expected: { estimate: number; lower: number; upper: number; pValue: number };
}

const REFERENCE_PATH = resolve(__dirname, '../../fixtures/reference/mann-whitney.json');
const cases = JSON.parse(readFileSync(REFERENCE_PATH, 'utf8')) as ReferenceCase[];

describe('mannWhitney against the brute-force reference (test/fixtures/reference/mann-whitney.json)', () => {
  it('has all 120 cases', () => {
    expect(cases).toHaveLength(120);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = mannWhitney(c.baseline, c.canary, { confidenceLevel: c.confidenceLevel });
    expect(result.estimate).toBe(c.expected.estimate);
    expect(result.lower).toBe(c.expected.lower);
    expect(result.upper).toBe(c.expected.upper);
    expect(Math.abs(result.pValue - c.expected.pValue)).toBeLessThanOrEqual(1e-9 * c.expected.pValue);
    expect(result.baselineCount).toBe(c.baseline.length);
    expect(result.canaryCount).toBe(c.canary.length);
    expect(result.confidenceLevel).toBe(c.confidenceLevel);
  });
});
