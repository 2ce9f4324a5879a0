import { smallSampleRates } from '../../../bench/stats/small-samples';

describe('small-sample false-High rates', () => {
  it('exceed the nominal one-sided rate with 2 points per side and stay below it with 10', () => {
    const rows = smallSampleRates([2, 10], [0.98], 4000, 1);
    expect(rows.map((r) => r.shape)).toEqual([
      'continuous (log-normal)',
      'counts, mean 0.3 (mostly zeros)',
      'counts, mean 1',
    ]);
    for (const row of rows) {
      const [[, atTwo], [, atTen]] = row.rates;
      // nominal: (1 - 0.98) / 2 = 1 %; at n = 2 the interval cannot be wider than the pairwise differences
      expect(atTwo).toBeGreaterThan(0.01);
      expect(atTen).toBeLessThan(0.01);
    }
  });
});
