import { runInputSchema } from '../../../shared/config/run-config';
import { judgeLook, lookOptions, type LookPosition } from '../../../shared/run/looks';
import { localRunInput } from '../../support/run-inputs';

/**
 * judgment.countTest: the anytime-valid count test gets the run's whole budget at every look; the conditional binomial
 * test gets its metric's group-sequential level, spent from the first look that compared it, like a continuous metric.
 */

const run = (countTest?: 'anytime-valid' | 'conditional-binomial', countFinalShare?: number) =>
  runInputSchema.parse(
    localRunInput({
      steps: [
        { weight: 5, durationSeconds: 600 },
        { weight: 10, durationSeconds: 600 },
      ],
      judgment: {
        checkIntervalSeconds: 60,
        ...(countTest ? { countTest } : {}),
        ...(countFinalShare === undefined ? {} : { countFinalShare }),
      },
      canaryConfig: {
        metrics: [
          { name: 'latency', preset: 'latency-average' },
          { name: 'errors', preset: 'error-rate-5xx' },
        ],
        classifier: { groupWeights: { latency: 50, errors: 50 } },
      },
    }),
  );

const at = (stepIndex: number, look: number): LookPosition => ({ stepIndex, stepCount: 2, look, looksInStep: 10 });

describe('judgment.countTest', () => {
  it('defaults to anytime-valid at half the run budget (98 %) at every look, the other half kept for the last look', () => {
    const input = run();
    expect(input.judgment.countTest).toBe('anytime-valid');
    const options = lookOptions(input, at(0, 1), {});
    expect(options.countTest).toBe('anytime-valid');
    expect(options.countConfidenceLevel).toBeCloseTo(0.98, 12);
    expect(options.countFinalConfidenceLevel).toBeUndefined();
    // the step's last look is not the run's
    expect(lookOptions(input, at(0, 10), {}).countFinalConfidenceLevel).toBeUndefined();
    const last = lookOptions(input, at(1, 10), {});
    expect(last.countConfidenceLevel).toBeCloseTo(0.98, 12);
    expect(last.countFinalConfidenceLevel).toBeCloseTo(0.98, 12);
  });

  it('conditional-binomial: no run-wide count level, the metric level of the boundary instead, tighter than 96 %', () => {
    const input = run('conditional-binomial');
    const first = lookOptions(input, at(0, 1), {});
    expect(first.countTest).toBe('conditional-binomial');
    expect(first.countConfidenceLevel).toBeUndefined();
    const level = first.metricConfidence?.errors as number;
    // the first of 20 Pocock-like looks spends far less than the run's 2 % per side
    expect(1 - level).toBeLessThan(0.01);
    expect(1 - level).toBeGreaterThan(0.0001);
    // the same level a continuous metric first compared at this look gets
    expect(level).toBe(first.metricConfidence?.latency);
  });

  it('a count metric compared at a look starts spending there (only with the conditional binomial test)', () => {
    const data = {
      latency: { baseline: [0.1, 0.11], canary: [0.1, 0.12] },
      errors: {
        baseline: { events: [1, 0], totals: [3000, 3000] },
        canary: { events: [0, 2], totals: [3000, 3000] },
      },
    };
    const binomial = run('conditional-binomial');
    const look = judgeLook(binomial, data, at(0, 2), {}, { countIntervals: false });
    expect(Object.keys(look.spent)).toEqual(['errors']); // latency: 2 points, not judged yet
    expect(look.spent.errors).toBe(look.informationFraction);
    expect(look.result.metrics[1].counts?.test).toBe('conditional-binomial');
    const anytime = judgeLook(run(), data, at(0, 2), {}, { countIntervals: false });
    expect(anytime.spent).toEqual({});
    expect(anytime.result.metrics[1].counts?.test).toBe('anytime-valid');
  });

  it('refuses the conditional binomial test in Kayenta mode, which judges counts as ratios, naming the path', () => {
    const bad = localRunInput({ judgment: { mode: 'kayenta', countTest: 'conditional-binomial' } });
    const parsed = runInputSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['judgment', 'countTest']);
    expect(parsed.error?.issues[0].message).toMatch(/^a count test applies to judgment\.mode "sequential"/);
    expect(runInputSchema.safeParse(localRunInput({ judgment: { mode: 'kayenta' } })).success).toBe(true);
  });

  it('countFinalShare 0.9: the anytime-valid test at 99.6 % everywhere, the exact one at 96.4 % at the last look', () => {
    const input = run(undefined, 0.9);
    expect(lookOptions(input, at(0, 1), {}).countConfidenceLevel).toBeCloseTo(0.996, 12);
    expect(lookOptions(input, at(1, 10), {}).countFinalConfidenceLevel).toBeCloseTo(0.964, 12);
    const alone = run(undefined, 0);
    expect(lookOptions(alone, at(1, 10), {}).countConfidenceLevel).toBeCloseTo(0.96, 12);
    expect(lookOptions(alone, at(1, 10), {}).countFinalConfidenceLevel).toBeUndefined();
  });

  describe('thin traffic: 9 of 24 canary requests fail, none of 24 on the baseline', () => {
    const data = {
      latency: { baseline: [0.1, 0.11, 0.1], canary: [0.1, 0.11, 0.1] },
      errors: { baseline: { events: [0], totals: [24] }, canary: { events: [9], totals: [24] } },
    };
    const errorsAt = (input: ReturnType<typeof run>, position: LookPosition) =>
      judgeLook(input, data, position, {}).result.metrics[1];
    // given 9 errors in all, the canary's share is Binomial(9, 1.1/2.1) at the ×1.1 floor: all 9 on the canary
    const p = (1.1 / 2.1) ** 9;

    it('the anytime-valid test cannot prove it with 9 events (it needs 12 at 1 %): Pass at a look before the last', () => {
      const errors = errorsAt(run(), at(1, 9));
      expect(errors.classification).toBe('Pass');
      expect(errors.counts?.finalTest).toBeUndefined();
    });

    it("the run's last look fails it by the exact test (p = (1.1/2.1)^9 ≤ 1 %), and says so", () => {
      const errors = errorsAt(run(), at(1, 10));
      expect(errors.classification).toBe('High');
      expect(errors.counts?.finalTest?.alpha).toBeCloseTo(0.01, 15);
      expect(errors.counts?.finalTest?.pIncrease).toBeCloseTo(p, 15);
      expect(Math.abs((errors.counts?.finalTest?.pIncrease as number) / p - 1)).toBeLessThan(1e-12);
      expect(errors.counts?.finalTest?.pDecrease).toBe(1);
      // the anytime-valid test's own verdict is kept beside it: not proven
      expect(errors.counts?.pIncrease).toBeGreaterThan(0.01);
      expect(errors.reason).toBe(
        'critical: canary errors 38% (9 of 24) vs baseline 0% (0 of 24); rate ×∞ (the baseline had none) ' +
          "[CI ×0.763, ×∞], proven above allowed ×1.1 by the exact test at the run's last look (p 0.002969 ≤ 0.01; " +
          // Clopper-Pearson's one-sided 99 % bound for 9 of 9: π ≥ 0.01^(1/9) = 0.5995, ρ = π / (1 − π) = 1.497
          '×1.5 or more at 99 %); at or beyond the critical ×2',
      );
    });

    it('with countFinalShare 0 (the anytime-valid test alone at 2 %, which needs 10 events) the last look promotes it', () => {
      expect(errorsAt(run(undefined, 0), at(1, 10)).classification).toBe('Pass');
    });
  });

  it('refuses countFinalShare where no anytime-valid test runs, and a share above 0.9, naming the path', () => {
    for (const judgment of [
      { countTest: 'conditional-binomial' as const, countFinalShare: 0.5 },
      { mode: 'kayenta' as const, countFinalShare: 0.5 },
    ]) {
      const parsed = runInputSchema.safeParse(localRunInput({ judgment }));
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].path).toEqual(['judgment', 'countFinalShare']);
      expect(parsed.error?.issues[0].message).toMatch(/^countFinalShare applies to the anytime-valid count test/);
    }
    const high = runInputSchema.safeParse(localRunInput({ judgment: { countFinalShare: 0.95 } }));
    expect(high.error?.issues[0].path).toEqual(['judgment', 'countFinalShare']);
    expect(runInputSchema.safeParse(localRunInput({ judgment: { countTest: 'conditional-binomial' } })).success).toBe(
      true,
    );
  });

  it('refuses an unknown test, naming the path', () => {
    const bad = localRunInput({ judgment: { countTest: 'fisher' as never } });
    const parsed = runInputSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['judgment', 'countTest']);
  });
});
