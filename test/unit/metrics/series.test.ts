import {
  alignWindow,
  bucketsFromCumulative,
  histogramMeans,
  meanPerTimestamp,
  ratioPerTimestamp,
  toSeries,
} from '../../../shared/metrics/series';

describe('alignWindow', () => {
  it('keeps only whole periods inside the window', () => {
    const w = alignWindow({ start: new Date(61_000), end: new Date(359_000) }, 60);
    expect([w.start.getTime(), w.end.getTime()]).toEqual([120_000, 300_000]);
  });

  it('leaves an aligned window as it is, and collapses one shorter than a period', () => {
    const same = alignWindow({ start: new Date(120_000), end: new Date(240_000) }, 60);
    expect([same.start.getTime(), same.end.getTime()]).toEqual([120_000, 240_000]);
    const short = alignWindow({ start: new Date(10_000), end: new Date(50_000) }, 60);
    expect(short.end.getTime()).toBe(short.start.getTime());
  });
});

describe('toSeries', () => {
  it('sorts by time and keeps the last value of a repeated timestamp', () => {
    expect(
      toSeries([
        [3, 30],
        [1, 10],
        [3, 31],
        [2, 20],
      ]),
    ).toEqual({ timestamps: [1, 2, 3], values: [10, 20, 31] });
  });
});

describe('meanPerTimestamp', () => {
  it('averages the series present at each timestamp', () => {
    expect(
      meanPerTimestamp([
        { timestamps: [1, 2, 3], values: [10, 20, 30] },
        { timestamps: [2, 3, 4], values: [40, 50, 60] },
      ]),
    ).toEqual({ timestamps: [1, 2, 3, 4], values: [10, 30, 40, 60] });
    expect(meanPerTimestamp([])).toEqual({ timestamps: [], values: [] });
  });
});

describe('ratioPerTimestamp', () => {
  const requests = { timestamps: [1, 2, 3, 4], values: [100, 0, 50, 20] };
  const errors = { timestamps: [1, 4, 5], values: [5, 2, 9] };

  it('divides where the denominator is positive; a missing count is zero', () => {
    expect(ratioPerTimestamp(errors, requests, true)).toEqual({ timestamps: [1, 3, 4], values: [0.05, 0, 0.1] });
  });

  it('skips periods without a numerator when absence does not mean zero', () => {
    expect(ratioPerTimestamp(errors, requests, false)).toEqual({ timestamps: [1, 4], values: [0.05, 0.1] });
  });
});

describe('bucketsFromCumulative', () => {
  it('makes per-bucket counts of rounded cumulative ones, the rest of the requests above the top bound', () => {
    expect(bucketsFromCumulative(10, [2.4, 5.6, 9])).toEqual([2, 4, 3, 1]);
    expect(bucketsFromCumulative(10, [])).toEqual([10]);
  });

  it('never gives a negative bucket or more than the requests: a count below the one before, or above n, is clamped', () => {
    expect(bucketsFromCumulative(3, [1.02, 0.99, 3.4, 2])).toEqual([1, 0, 2, 0, 0]);
    expect(bucketsFromCumulative(5, [0, 7])).toEqual([0, 5, 0]);
  });
});

describe('histogramMeans', () => {
  it('gives each period its mean, sum / requests', () => {
    const h = {
      timestamps: [0, 60_000],
      bounds: [0.1],
      counts: [
        [3, 1],
        [0, 2],
      ],
      sums: [0.4, 0.5],
    };
    expect(histogramMeans(h)).toEqual({ timestamps: [0, 60_000], values: [0.1, 0.25] });
  });
});
