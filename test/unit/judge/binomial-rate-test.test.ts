import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  binomialLowerTail,
  binomialRateTest,
  binomialUpperTail,
  conditionalEventsDistribution,
  conditionalTail,
  tiltedTail,
} from '../../../shared/judge/binomial-rate-test';
import type { CountSide } from '../../../shared/judge/count-test';

/**
 * The exact conditional count test. References: exact rational arithmetic (BigInt) for the binomial tails, closed forms
 * for the Clopper-Pearson ends at x = 0 and x = k, R's binom.test(5, 10) for one interior interval, and 60-digit mpmath
 * values of the test over periods with changing shares (test/fixtures/judge/binomial-rate-test-reference.py: the
 * generating polynomial multiplied out, where the code convolves binomial probabilities).
 */
interface ReferenceCase {
  label: string;
  baseline: CountSide;
  canary: CountSide;
  alpha: number;
  allowedIncrease: number;
  allowedDecrease: number;
  pIncrease: number;
  pDecrease: number;
  lower: number;
  upper: number | null;
}

const reference = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/judge/binomial-rate-test-reference.json'), 'utf8'),
) as { cases: ReferenceCase[] };

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

  it.each(reference.cases.map((c) => [c.label, c] as const))(
    '%s: p-values and interval ends match mpmath to 1e-9',
    (_, c) => {
      const r = binomialRateTest(c.baseline, c.canary, c);
      expect(r.test).toBe('conditional-binomial');
      expect(relative(r.pIncrease, c.pIncrease)).toBeLessThan(1e-9);
      expect(relative(r.pDecrease, c.pDecrease)).toBeLessThan(1e-9);
      if (c.lower === 0) expect(r.lower).toBe(0);
      else expect(relative(r.lower, c.lower)).toBeLessThan(1e-9);
      if (c.upper === null) expect(r.upper).toBe(Infinity);
      else expect(relative(r.upper, c.upper)).toBeLessThan(1e-9);
      expect(r.increase).toBe(c.pIncrease <= c.alpha);
      expect(r.decrease).toBe(c.pDecrease <= c.alpha);
    },
  );

  it('49 of 11,920 vs 24 of 12,010 against ×1.1: proven, and the interval ends are where the test turns', () => {
    const { baseline, canary } = reference.cases[0];
    const r = binomialRateTest(baseline, canary, { alpha: 0.01, allowedIncrease: 1.1, allowedDecrease: 1 / 1.1 });
    expect(r.pIncrease).toBeGreaterThan(0.0069);
    expect(r.pIncrease).toBeLessThan(0.007);
    expect(r.increase).toBe(true);
    expect(r.rateRatio).toBeCloseTo(49 / 11920 / (24 / 12010), 12);
    expect(r.informativePeriods).toBe(4);
    // the shares differ a little by period (2,980 of 5,980 and of 5,985): the pooled test's p-value is 1.3e-4 off
    const pooled = binomialUpperTail(49, 73, (1.1 * 11920) / (1.1 * 11920 + 12010));
    expect(relative(r.pIncrease, pooled)).toBeGreaterThan(1e-4);
    // the interval's ends are where the test against them turns: just inside it the test proves, just outside not
    const at = (rho: number) =>
      binomialRateTest(baseline, canary, { alpha: 0.01, allowedIncrease: rho, allowedDecrease: rho, interval: false });
    expect(at(r.lower * (1 - 1e-9)).increase).toBe(true);
    expect(at(r.lower * (1 + 1e-9)).increase).toBe(false);
    expect(at(r.upper * (1 + 1e-9)).decrease).toBe(true);
    expect(at(r.upper * (1 - 1e-9)).decrease).toBe(false);
  });

  it('a burst of errors while the canary has most of the traffic: pooled, it would prove a rise; by period, nothing', () => {
    const c = reference.cases.find((x) => x.label.startsWith('shares that change')) as ReferenceCase;
    // 33 of 1,200 canary requests failed against 10 of 1,200: pooled, that is ×3.3, but 30 of the canary's and 3 of
    // the baseline's came in the minute the canary had 900 of 1,000 requests, both failing about 3 %
    const pooled = binomialUpperTail(33, 43, 1 / 2);
    expect(pooled).toBeLessThan(0.001);
    const r = binomialRateTest(c.baseline, c.canary, { alpha: 0.01, allowedIncrease: 1, allowedDecrease: 1 });
    expect(r.rateRatio).toBeCloseTo(3.3, 12);
    expect(r.pIncrease).toBeGreaterThan(0.5);
    expect(r.increase).toBe(false);
    expect(r.lower).toBeLessThan(1);
  });

  it('one share in every period: the pooled conditional binomial test, to 1e-13', () => {
    const baseline = { events: [3, 0, 5, 2, 4], totals: [1000, 500, 1000, 2000, 1500] };
    const canary = { events: [6, 1, 7, 5, 9], totals: [2000, 1000, 2000, 4000, 3000] };
    const r = binomialRateTest(baseline, canary, { alpha: 0.01, allowedIncrease: 1.1, allowedDecrease: 1 / 1.1 });
    const pi = (rho: number) => (2 * rho) / (2 * rho + 1);
    expect(relative(r.pIncrease, binomialUpperTail(28, 42, pi(1.1)))).toBeLessThan(1e-13);
    expect(relative(r.pDecrease, binomialLowerTail(28, 42, pi(1 / 1.1)))).toBeLessThan(1e-13);
  });

  it("a period without the baseline's traffic says nothing: its canary events are not evidence", () => {
    const baseline = { events: [4, 0], totals: [2000, 0] };
    const canary = { events: [4, 30], totals: [2000, 2000] };
    const r = binomialRateTest(baseline, canary, { alpha: 0.01, allowedIncrease: 1.1, allowedDecrease: 1 / 1.1 });
    expect(r.informativePeriods).toBe(1);
    expect(r.pIncrease).toBe(binomialUpperTail(4, 8, 1.1 / 2.1));
    expect(r.increase).toBe(false);
  });

  it('100,000 events over 40 periods of nearly one share: the trimmed convolution agrees with the binomial to 1e-9', () => {
    // shares apart by 1e-15 are different binomials to convolve, and their sum is (to 1e-11) the pooled share's
    const periods = Array.from({ length: 40 }, (_, t) => ({ k: 2500, r: 1 + t * 1e-15 }));
    const pmf = conditionalEventsDistribution(periods, 1.1);
    expect(pmf.logs.length).toBeLessThan(100_001); // trimmed where the terms are below a double's reach
    const pi = 1.1 / 2.1;
    for (const s of [52_000, 52_500, 53_000, 53_600]) {
      expect(relative(conditionalTail(pmf, s, 'upper'), binomialUpperTail(s, 100_000, pi))).toBeLessThan(1e-9);
      expect(relative(conditionalTail(pmf, s, 'lower'), binomialLowerTail(s, 100_000, pi))).toBeLessThan(1e-9);
    }
    // tilted from ×1.1 to ×1.11: the tails of the binomial at ×1.11
    const tilted = tiltedTail(pmf, 53_000, 'upper', Math.log(1.11 / 1.1)) as number;
    expect(relative(tilted, binomialUpperTail(53_000, 100_000, 1.11 / 2.11))).toBeLessThan(1e-9);
    // to ×1.2, 31 spreads away, the kept terms cannot show it: no value rather than a wrong one
    expect(tiltedTail(pmf, 55_000, 'upper', Math.log(1.2 / 1.1))).toBeUndefined();
  });

  it('no events or no exposures: p-values 1, nothing proven', () => {
    const data = equal(0, 0);
    const r = binomialRateTest(data.baseline, data.canary, { alpha: 0.01, allowedIncrease: 1, allowedDecrease: 1 });
    expect([r.pIncrease, r.pDecrease, r.increase, r.decrease]).toEqual([1, 1, false, false]);
    expect([r.lower, r.upper]).toEqual([0, Infinity]);
  });
});
