import { binomialLowerTail, binomialRateTest, binomialUpperTail } from '../../../shared/judge/binomial-rate-test';

/**
 * The conditional binomial count test. References: exact rational arithmetic (BigInt) for the tails, closed forms for
 * the Clopper-Pearson ends at x = 0 and x = k, and R's binom.test(5, 10) for one interior interval.
 */

/** P(X ≥ x) or P(X ≤ x) for X ~ Binomial(k, a/b), exactly, rounded to a double at the end. */
function exactTail(x: number, k: number, a: bigint, b: bigint, side: 'upper' | 'lower'): number {
  let choose = 1n;
  let num = 0n;
  for (let i = 0; i <= k; i++) {
    if (i > 0) choose = (choose * BigInt(k - i + 1)) / BigInt(i);
    if (side === 'upper' ? i >= x : i <= x) num += choose * a ** BigInt(i) * (b - a) ** BigInt(k - i);
  }
  const den = b ** BigInt(k);
  // scale so the quotient keeps 30 significant digits whatever the tail's size
  const shift = BigInt(Math.max(0, den.toString().length - num.toString().length + 30));
  return Number((num * 10n ** shift) / den) / 10 ** Number(shift);
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('binomial tails', () => {
  const cases: [number, number, bigint, bigint][] = [
    [10, 20, 3n, 10n],
    [1, 5, 1n, 2n],
    [37, 60, 11n, 20n],
    [150, 200, 1n, 2n], // about 1e-13: the far tail
    [3, 250, 1n, 100n],
    [0, 7, 2n, 3n],
    [7, 7, 2n, 3n],
  ];
  it.each(cases)('x=%i of k=%i, p=%i/%i: both tails match exact rational arithmetic to 1e-12', (x, k, a, b) => {
    const p = Number(a) / Number(b);
    expect(relative(binomialUpperTail(x, k, p), exactTail(x, k, a, b, 'upper'))).toBeLessThan(1e-12);
    expect(relative(binomialLowerTail(x, k, p), exactTail(x, k, a, b, 'lower'))).toBeLessThan(1e-12);
  });

  it('P(X ≥ 10), k 20, p 0.3 is 0.0479619...', () => {
    expect(binomialUpperTail(10, 20, 0.3)).toBeCloseTo(0.047961897, 9);
  });

  it('a tail at k = 100,000 stays finite and normalised (no underflow of (1 − p)^k)', () => {
    const lower = binomialLowerTail(50_000, 100_000, 0.5);
    const upper = binomialUpperTail(50_001, 100_000, 0.5);
    expect(lower + upper).toBeCloseTo(1, 12);
    expect(lower).toBeCloseTo(0.5 + 0.5 * 0.0025231262, 6); // the mode's half: P(X = 50,000) ≈ 1/√(π·50,000)
  });

  it('outside the window 20·√k around the mode the tails are 0 and 1, as a double holds them', () => {
    expect(binomialUpperTail(9_000, 10_000, 0.5)).toBe(0);
    expect(binomialLowerTail(9_000, 10_000, 0.5)).toBe(1);
    expect(binomialLowerTail(1_000, 10_000, 0.5)).toBe(0);
    // just inside: P(X ≥ 5,600) is about 1.2e-33, not 0
    expect(binomialUpperTail(5_600, 10_000, 0.5)).toBeGreaterThan(1e-34);
    expect(binomialUpperTail(5_600, 10_000, 0.5)).toBeLessThan(1e-32);
  });
});

const equal = (canaryEvents: number, baselineEvents: number, total = 10_000) => ({
  baseline: { events: [baselineEvents], totals: [total] },
  canary: { events: [canaryEvents], totals: [total] },
});

describe('binomialRateTest', () => {
  it('Clopper-Pearson at x = 0 and x = k in closed form: π = 1 − α^(1/k) and α^(1/k), mapped to ρ = π/(1 − π)', () => {
    const alpha = 0.01;
    const none = binomialRateTest(equal(0, 12).baseline, equal(0, 12).canary, {
      alpha,
      allowedIncrease: 1,
      allowedDecrease: 1,
    });
    const piUpper = 1 - alpha ** (1 / 12);
    expect(none.lower).toBe(0);
    expect(relative(none.upper, piUpper / (1 - piUpper))).toBeLessThan(1e-12);

    const all = binomialRateTest(equal(9, 0).baseline, equal(9, 0).canary, {
      alpha,
      allowedIncrease: 1,
      allowedDecrease: 1,
    });
    const piLower = alpha ** (1 / 9);
    expect(relative(all.lower, piLower / (1 - piLower))).toBeLessThan(1e-12);
    expect(all.upper).toBe(Infinity);
    expect(all.rateRatio).toBeNull();
  });

  it("5 vs 5 events at equal exposures, 95 %: R's binom.test(5, 10) interval 0.1870860-0.8129140, as ρ", () => {
    const data = equal(5, 5);
    const r = binomialRateTest(data.baseline, data.canary, { alpha: 0.025, allowedIncrease: 1, allowedDecrease: 1 });
    expect(relative(r.lower, 0.187086 / (1 - 0.187086))).toBeLessThan(1e-6);
    expect(relative(r.upper, 0.812914 / (1 - 0.812914))).toBeLessThan(1e-6);
    expect(r.pIncrease).toBeCloseTo(0.623046875, 12); // P(X ≥ 5), X ~ Binomial(10, ½) = 638/1024
    expect(r.increase).toBe(false);
  });

  it('49 of 11,920 vs 24 of 12,010 against ×1.1: the p-value is the upper tail at π = 1.1·11,920 / (1.1·11,920 + 12,010)', () => {
    const baseline = { events: [6, 5, 7, 6], totals: [3000, 3005, 3000, 3005] };
    const canary = { events: [12, 13, 11, 13], totals: [2980, 2980, 2980, 2980] };
    const r = binomialRateTest(baseline, canary, { alpha: 0.01, allowedIncrease: 1.1, allowedDecrease: 1 / 1.1 });
    const pi = (1.1 * 11920) / (1.1 * 11920 + 12010);
    expect(r.test).toBe('conditional-binomial');
    expect(r.pIncrease).toBe(binomialUpperTail(49, 73, pi));
    expect(r.pIncrease).toBeGreaterThan(0.0045);
    expect(r.pIncrease).toBeLessThan(0.0075);
    expect(r.increase).toBe(r.pIncrease <= 0.01);
    expect(r.rateRatio).toBeCloseTo(49 / 11920 / (24 / 12010), 12);
    expect(r.lower).toBeGreaterThan(1.1);
    expect(r.informativePeriods).toBe(4);
    // the interval's lower end is where the test against it turns: just below it the test proves, just above it not
    const at = (rho: number) =>
      binomialRateTest(baseline, canary, { alpha: 0.01, allowedIncrease: rho, allowedDecrease: 1, interval: false });
    expect(at(r.lower * (1 - 1e-9)).increase).toBe(true);
    expect(at(r.lower * (1 + 1e-9)).increase).toBe(false);
  });

  it('no events or no exposures: p-values 1, nothing proven', () => {
    const data = equal(0, 0);
    const r = binomialRateTest(data.baseline, data.canary, { alpha: 0.01, allowedIncrease: 1, allowedDecrease: 1 });
    expect([r.pIncrease, r.pDecrease, r.increase, r.decrease]).toEqual([1, 1, false, false]);
    expect([r.lower, r.upper]).toEqual([0, Infinity]);
  });
});
