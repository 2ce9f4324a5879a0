import { withInfinityAsLargest } from '../../../shared/metrics/prometheus-source';

/** A quantile past what the histogram can tell apart (+Inf) is the largest value, not a missing point. */

describe('withInfinityAsLargest', () => {
  it('replaces +Inf on either side by the largest finite value of both, keeping timestamps and other points', () => {
    const out = withInfinityAsLargest({
      baseline: { timestamps: [1, 2, 3], values: [0.2, 0.35, 0.3] },
      canary: { timestamps: [1, 2, 3, 4], values: [Infinity, 0.25, Infinity, 0.3] },
    });
    expect(out).toEqual({
      baseline: { timestamps: [1, 2, 3], values: [0.2, 0.35, 0.3] },
      canary: { timestamps: [1, 2, 3, 4], values: [0.35, 0.25, 0.35, 0.3] },
    });
  });

  it('takes the largest from the canary when the baseline is lower, and leaves NaN and -Inf to the NaN strategy', () => {
    const out = withInfinityAsLargest({
      baseline: { timestamps: [1, 2, 3], values: [Infinity, NaN, -Infinity] },
      canary: { timestamps: [1, 2], values: [0.9, 1.5] },
    });
    expect(out.baseline.values).toEqual([1.5, NaN, -Infinity]);
    expect(out.canary.values).toEqual([0.9, 1.5]);
  });

  it('leaves series without any finite point as they are', () => {
    const series = {
      baseline: { timestamps: [1], values: [Infinity] },
      canary: { timestamps: [], values: [] },
    };
    expect(withInfinityAsLargest(series)).toEqual(series);
  });
});
