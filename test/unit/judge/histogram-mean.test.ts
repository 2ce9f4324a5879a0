import { CLOUDWATCH_LATENCY_BOUNDS_SECONDS } from '../../../shared/config/metric-presets';
import { meanRatioBound, requestRelativeVariance, type HistogramTotals } from '../../../shared/judge/histogram-mean';
import { normalQuantile } from '../../../shared/judge/normal';
import { xorshift32 } from '../../../shared/random/xorshift32';

/** The spread of a histogram's requests and the confidence bound of two means the floors apply to. */

const relativeVarianceOf = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return variance / mean ** 2;
};

/** Seeded lognormal latencies (Box-Muller on xorshift32), binned on `bounds` with their exact sum. */
function lognormalHistogram(seed: number, n: number, median: number, sigma: number, bounds: readonly number[]) {
  const next = xorshift32(seed);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    values.push(median * Math.exp(sigma * z));
  }
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    const j = bounds.findIndex((b) => v <= b);
    counts[j === -1 ? bounds.length : j]++;
  }
  const totals: HistogramTotals = { bounds, counts, sum: values.reduce((a, b) => a + b, 0) };
  return { values, totals };
}

describe('requestRelativeVariance', () => {
  it('is exact when every request sits at its bucket middle (the first bucket at half its bound, the top at the sum left)', () => {
    const bounds = [0.1, 0.2, 0.4, 0.8];
    const middles = [0.05, Math.sqrt(0.02), Math.sqrt(0.08), Math.sqrt(0.32), 1.7];
    const counts = [3, 40, 25, 9, 2];
    const values = counts.flatMap((c, j) => new Array<number>(c).fill(middles[j]));
    const sum = values.reduce((a, b) => a + b, 0);
    expect(requestRelativeVariance({ bounds, counts, sum })).toBeCloseTo(relativeVarianceOf(values), 12);
  });

  it('reads lognormal latency (median 80 ms, σ 0.6) in the CloudWatch preset buckets 10 % wider than it is (the safe side)', () => {
    const { values, totals } = lognormalHistogram(7, 200_000, 0.08, 0.6, CLOUDWATCH_LATENCY_BOUNDS_SECONDS);
    const exact = relativeVarianceOf(values);
    expect(exact).toBeCloseTo(Math.exp(0.36) - 1, 1); // the sample is the distribution's: 0.433
    expect(requestRelativeVariance(totals) / exact).toBeGreaterThan(1.05);
    expect(requestRelativeVariance(totals) / exact).toBeLessThan(1.15);
  });

  it('is 0 for one bucket holding every request and NaN without requests or with a sum of 0', () => {
    expect(requestRelativeVariance({ bounds: [], counts: [10], sum: 3 })).toBe(0);
    expect(requestRelativeVariance({ bounds: [0.1], counts: [0, 0], sum: 0 })).toBeNaN();
    expect(requestRelativeVariance({ bounds: [0.1], counts: [4, 0], sum: 0 })).toBeNaN();
  });
});

describe('meanRatioBound', () => {
  const bounds = [0.1, 0.2, 0.4, 0.8];
  const baseline: HistogramTotals = { bounds, counts: [100, 300, 400, 150, 50], sum: 300 };
  const canary: HistogramTotals = { bounds, counts: [80, 280, 420, 160, 60], sum: 330 };

  it('is the ratio pulled towards 1 by z standard errors of the log ratio (delta method)', () => {
    const se = Math.sqrt(requestRelativeVariance(baseline) / 1000 + requestRelativeVariance(canary) / 1000);
    expect(meanRatioBound(baseline, canary, 0.8)).toBeCloseTo(1.1 / Math.exp(normalQuantile(0.8) * se), 12);
    expect(meanRatioBound(baseline, canary, 0.5)).toBeCloseTo(1.1, 12);
    expect(meanRatioBound(baseline, canary, 0.95)).toBeLessThan(meanRatioBound(baseline, canary, 0.8));
    // a faster canary: pulled up towards 1
    const faster = meanRatioBound(canary, baseline, 0.8);
    expect(faster).toBeCloseTo((1 / 1.1) * Math.exp(normalQuantile(0.8) * se), 12);
  });

  it('never passes 1, and is NaN when a mean is 0', () => {
    const few: HistogramTotals = { bounds, counts: [1, 1, 1, 0, 0], sum: 0.35 };
    const slightlySlower: HistogramTotals = { bounds, counts: [1, 1, 1, 0, 0], sum: 0.36 };
    expect(meanRatioBound(few, slightlySlower, 0.99)).toBe(1);
    expect(meanRatioBound(slightlySlower, few, 0.99)).toBe(1);
    expect(meanRatioBound(baseline, { bounds, counts: [5, 0, 0, 0, 0], sum: 0 }, 0.8)).toBeNaN();
  });

  it('covers a true ratio of 1.1 in 80 % of 2,000 seeded pairs of 900 lognormal requests (within 4 sampling sd)', () => {
    const reps = 2000;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const b = lognormalHistogram(2 * r + 1, 900, 0.08, 0.6, CLOUDWATCH_LATENCY_BOUNDS_SECONDS).totals;
      const c = lognormalHistogram(2 * r + 2, 900, 0.088, 0.6, CLOUDWATCH_LATENCY_BOUNDS_SECONDS).totals;
      if (meanRatioBound(b, c, 0.8) <= 1.1) covered++;
    }
    const sd = Math.sqrt((0.8 * 0.2) / reps);
    expect(Math.abs(covered / reps - 0.8)).toBeLessThan(4 * sd);
  });
});
