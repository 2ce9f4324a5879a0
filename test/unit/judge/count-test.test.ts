import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALTERNATIVE_GRID, alternativeGrid, countTest, type CountSide } from '../../../shared/judge/count-test';
import { xorshift32 } from '../../../shared/random/xorshift32';

interface ReferenceCase {
  name: string;
  baseline: CountSide;
  canary: CountSide;
  allowedIncrease: number;
  allowedDecrease: number;
  logEIncrease: number;
  logEDecrease: number;
}

// 50-digit mpmath values of the same formula, written independently: test/fixtures/judge/count-test-reference.py,
// for the default grid and for the two before it (given as the `alternatives` option)
const referenceOf = (file: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/judge', file), 'utf8')) as ReferenceCase[];
/** Each reference file with the grid it was computed for (undefined: the default, no `alternatives` option). */
const GRIDS = [
  { label: 'the default grid', file: 'count-test-reference.json', alternatives: undefined },
  { label: 'alternatives ×1.5-×3', file: 'count-test-reference-1.5-3.json', alternatives: alternativeGrid(1.5, 3) },
  { label: 'alternatives ×1.25-×4', file: 'count-test-reference-1.25-4.json', alternatives: alternativeGrid(1.25, 4) },
].map((g) => ({ ...g, cases: referenceOf(g.file) }));
const reference = GRIDS[0].cases;

const side = (events: number[], totals: number[]): CountSide => ({ events, totals });
const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

describe('countTest e-values against an independent reference', () => {
  it('has the reference cases', () => {
    expect(reference).toHaveLength(24);
    for (const g of GRIDS) expect(g.cases.map((c) => c.name)).toEqual(reference.map((c) => c.name));
  });

  it.each(GRIDS.flatMap((g) => g.cases.map((c) => [c.name, g.label, c, g.alternatives] as const)))(
    '%s with %s: log E of both sides to 1e-9',
    (_, __, c, alternatives) => {
      const result = countTest(c.baseline, c.canary, {
        alpha: 0.01,
        allowedIncrease: c.allowedIncrease,
        allowedDecrease: c.allowedDecrease,
        alternatives,
      });
      close(result.logEIncrease, c.logEIncrease);
      close(result.logEDecrease, c.logEDecrease);
    },
  );

  it('the grid is 12 log-spaced alternatives from ×2 to ×5', () => {
    expect(ALTERNATIVE_GRID).toHaveLength(12);
    expect(ALTERNATIVE_GRID[0]).toBeCloseTo(2, 14);
    expect(ALTERNATIVE_GRID[11]).toBeCloseTo(5, 14);
    expect(ALTERNATIVE_GRID[6] / ALTERNATIVE_GRID[5]).toBeCloseTo(ALTERNATIVE_GRID[1] / ALTERNATIVE_GRID[0], 12);
  });

  it('a grid needs 1 < from < to and at least 2 points', () => {
    expect(alternativeGrid(2, 8, 3)).toEqual([2, expect.closeTo(4, 12), expect.closeTo(8, 12)]);
    expect(() => alternativeGrid(1, 4)).toThrow(/1 < from < to/);
    expect(() => alternativeGrid(2, 2)).toThrow(/1 < from < to/);
    expect(() => alternativeGrid(1.5, 3, 1)).toThrow(/at least 2 points/);
  });
});

describe('countTest decisions and interval', () => {
  const options = { alpha: 0.01, allowedIncrease: 1, allowedDecrease: 1 };

  it('49 of 11,920 against 24 of 12,010 in one period: ×2.06, not yet proven at alpha 1 %', () => {
    const r = countTest(side([24], [12010]), side([49], [11920]), options);
    expect(r.rateRatio).toBeCloseTo(49 / 11920 / (24 / 12010), 12);
    expect(r.canary).toEqual({ events: 49, total: 11920, rate: 49 / 11920 });
    expect(r.informativePeriods).toBe(1);
    expect(r.lower).toBeLessThan(1);
    expect(r.upper).toBeGreaterThan(2.06);
    expect(r.increase).toBe(false);
  });

  it('the same rates with four times the counts prove the increase, and the interval excludes 1', () => {
    const r = countTest(side([96], [48040]), side([196], [47680]), options);
    expect(r.increase).toBe(true);
    expect(r.decrease).toBe(false);
    expect(r.lower).toBeGreaterThan(1);
    expect(r.lower).toBeLessThan(r.rateRatio as number);
    expect(r.upper).toBeGreaterThan(r.rateRatio as number);
  });

  it('rejects exactly when the boundary lies below the interval (the interval inverts the test)', () => {
    const b = side([30, 12, 40], [5000, 4000, 6000]);
    const c = side([55, 20, 70], [5100, 3900, 6100]);
    const r0 = countTest(b, c, { ...options, allowedIncrease: 1 });
    for (const boundary of [r0.lower * 0.99, r0.lower * 1.01]) {
      const r = countTest(b, c, { ...options, allowedIncrease: boundary });
      expect(r.increase).toBe(boundary < r0.lower);
    }
  });

  it('swapping the versions mirrors the test: decrease at 1/rho0 equals increase at rho0', () => {
    const b = side([3, 0, 7, 2], [900, 800, 1000, 950]);
    const c = side([9, 4, 11, 1], [880, 810, 990, 940]);
    const forward = countTest(b, c, { alpha: 0.05, allowedIncrease: 1.2, allowedDecrease: 1 / 1.3 });
    const swapped = countTest(c, b, { alpha: 0.05, allowedIncrease: 1.3, allowedDecrease: 1 / 1.2 });
    expect(swapped.logEDecrease).toBeCloseTo(forward.logEIncrease, 10);
    expect(swapped.logEIncrease).toBeCloseTo(forward.logEDecrease, 10);
    expect(swapped.lower).toBeCloseTo(1 / forward.upper, 6);
    expect(swapped.upper).toBeCloseTo(1 / forward.lower, 6);
  });

  it('periods without events or without exposures carry no evidence', () => {
    const r = countTest(side([0, 5, 0], [0, 1000, 500]), side([4, 9, 0], [300, 1000, 0]), options);
    expect(r.informativePeriods).toBe(1);
    const only = countTest(side([5], [1000]), side([9], [1000]), options);
    expect(r.logEIncrease).toBeCloseTo(only.logEIncrease, 12);
  });

  it('no events at all: no ratio, nothing proven, an unbounded interval', () => {
    const r = countTest(side([0, 0], [1000, 1000]), side([0, 0], [1000, 1000]), options);
    expect(r).toMatchObject({ rateRatio: null, increase: false, decrease: false, lower: 0, upper: Infinity });
    expect(r.logEIncrease).toBe(0);
  });

  it('a crashed canary (every request fails) is proven worse in its first minute', () => {
    const r = countTest(side([1], [300]), side([300], [300]), { ...options, allowedIncrease: 2 });
    expect(r.increase).toBe(true);
    expect(r.logEIncrease).toBeGreaterThan(50);
    expect(r.rateRatio).toBe(300);
  });

  it('a canary without errors against a baseline with some: decrease proven, increase not', () => {
    const r = countTest(side([40, 35], [2000, 2000]), side([0, 0], [2000, 2000]), options);
    expect(r.rateRatio).toBe(0);
    expect(r.decrease).toBe(true);
    expect(r.increase).toBe(false);
    expect(r.lower).toBe(0);
  });
});

/** Binomial(n, p) by n Bernoulli draws: slow but obviously right. */
function binomial(random: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

describe('anytime validity (seeded simulation)', () => {
  // 40 periods of 300 requests per version, 1 % base rate shared by both versions but bursty (×0.3 to ×3 per period):
  // the null holds (same rate) and the test is looked at after every period.
  function falseAlarmRate(alpha: number, allowedIncrease: number, trueRatio: number, runs: number, seed: number) {
    const random = xorshift32(seed);
    let alarms = 0;
    for (let run = 0; run < runs; run++) {
      const b: CountSide = { events: [], totals: [] };
      const c: CountSide = { events: [], totals: [] };
      for (let t = 0; t < 40; t++) {
        const burst = Math.exp(Math.log(0.3) + random() * Math.log(10));
        const rate = 0.01 * burst;
        for (const [s, ratio] of [
          [b, 1],
          [c, trueRatio],
        ] as const) {
          (s.totals as number[]).push(300);
          (s.events as number[]).push(binomial(random, 300, Math.min(1, rate * ratio)));
        }
        if (countTest(b, c, { alpha, allowedIncrease, allowedDecrease: 1e-9, interval: false }).increase) {
          alarms++;
          break;
        }
      }
    }
    return alarms / runs;
  }

  it('at the null boundary, continuous monitoring raises a false alarm in at most alpha of runs', () => {
    // the measured rate at the boundary itself (rho = rho0 = 1), the worst case of the null
    const rate = falseAlarmRate(0.05, 1, 1, 400, 11);
    expect(rate).toBeLessThanOrEqual(0.05);
    expect(rate).toBeGreaterThan(0); // the bound is not vacuous: alarms do happen at the boundary
  });

  it('inside the null (true ratio 1, boundary ×1.5) alarms are far rarer than alpha', () => {
    expect(falseAlarmRate(0.05, 1.5, 1, 400, 12)).toBeLessThanOrEqual(0.005);
  });

  it('a doubled rate at this traffic is proven in most runs', () => {
    expect(falseAlarmRate(0.01, 1, 2, 100, 13)).toBeGreaterThan(0.9);
  });
});
