import { minimumProvingEvents } from '../../../shared/plan/power';
import { runInputSchema, type RunInputRaw } from '../../../shared/config/run-config';
import { planRun } from '../../../shared/plan/run-plan';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The anytime-valid test's e-value when all k events are on the canary at equal traffic, written out from its
 * definition (docs/judge.md): the mean over the grid ×2 … ×5 (12 log-spaced points) of (π(ρ₀g)/π(ρ₀))^k,
 * π(ρ) = ρ/(1 + ρ). Independent of shared/judge/count-test.ts.
 */
function eValueAllOnCanary(k: number, rho0: number): number {
  const grid = Array.from({ length: 12 }, (_, j) => Math.exp(Math.log(2) + (j * Math.log(2.5)) / 11));
  const pi = (rho: number) => rho / (1 + rho);
  return grid.reduce((sum, g) => sum + (pi(rho0 * g) / pi(rho0)) ** k, 0) / grid.length;
}

describe('minimumProvingEvents', () => {
  it.each([
    [1.1, 0.02],
    [1.1, 0.005],
    [1, 0.02],
    [1.5, 0.02],
    [2, 0.001],
  ])('anytime-valid, floor ×%s, α %s: the first k whose e-value reaches 1/α', (rho0, alpha) => {
    const k = minimumProvingEvents('anytime-valid', rho0, alpha);
    expect(k).not.toBeNull();
    expect(eValueAllOnCanary(k!, rho0)).toBeGreaterThanOrEqual(1 / alpha);
    expect(eValueAllOnCanary(k! - 1, rho0)).toBeLessThan(1 / alpha);
  });

  it("the error preset's floor ×1.1 at the whole 2 %: 10 events for the anytime-valid test, 7 for the binomial", () => {
    expect(minimumProvingEvents('anytime-valid', 1.1, 0.02)).toBe(10);
    expect(minimumProvingEvents('conditional-binomial', 1.1, 0.02)).toBe(7);
    // all 7 on the canary: P = π₀^7 under the null boundary, the first power of π₀ = 1.1/2.1 at or under 2 %
    expect((1.1 / 2.1) ** 7).toBeLessThanOrEqual(0.02);
    expect((1.1 / 2.1) ** 6).toBeGreaterThan(0.02);
    // no floor: a fair coin, 2^-6 = 1.6 % ≤ 2 % < 2^-5
    expect(minimumProvingEvents('conditional-binomial', 1, 0.02)).toBe(6);
  });

  it('a floor so high that no count of events reaches the level within 100,000 is null, not a number', () => {
    expect(minimumProvingEvents('anytime-valid', 1e6, 0.02)).toBeNull();
    expect(minimumProvingEvents('conditional-binomial', 1e6, 0.02)).toBeNull();
  });
});

describe('planRun: the fewest events that can prove a rise', () => {
  const example = JSON.parse(
    readFileSync(path.join(__dirname, '../../../examples/console-input.json'), 'utf8'),
  ) as RunInputRaw;
  const run = (judgment: RunInputRaw['judgment']) =>
    runInputSchema.parse({
      ...example,
      steps: [{ weight: 20, durationSeconds: 6 }],
      analysis: {},
      judgment,
      metricsSource: { type: 'cloudwatch', periodSeconds: 1, delaySeconds: 0 },
      canaryConfig: { metrics: [{ name: 'errors', preset: 'error-rate-5xx' }] },
    });
  const traffic = { requestsPerSecond: 20, eventRates: { default: 0.01, byMetric: {} }, ratio: 50 };

  it('a 6-s step at 20 req/s: 12 canary errors expected at ×50, as many as the anytime-valid test needs at 1 %', () => {
    const [errors] = planRun(run({}), traffic).countMetrics;
    expect(errors.minimumEvents).toBe(12);
    expect(errors.canaryEvents).toBeCloseTo(12, 12);
    // the last look's exact test at the other 1 %: (1.1/2.1)^8 = 0.0057 ≤ 0.01 < (1.1/2.1)^7 = 0.011
    expect(errors.minimumEventsLastLook).toBe(8);
    const alone = planRun(run({ countFinalShare: 0 }), traffic).countMetrics[0];
    expect([alone.minimumEvents, alone.minimumEventsLastLook]).toEqual([10, null]);
    const binomial = planRun(run({ countTest: 'conditional-binomial' }), traffic).countMetrics[0];
    expect([binomial.minimumEvents, binomial.minimumEventsLastLook]).toEqual([7, null]);
  });

  it('none in Kayenta mode, which judges counts as per-period ratios', () => {
    const kayenta = planRun(run({ mode: 'kayenta' }), traffic).countMetrics[0];
    expect([kayenta.minimumEvents, kayenta.minimumEventsLastLook]).toEqual([null, null]);
  });
});
