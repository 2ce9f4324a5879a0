import { runInputSchema } from '../../../shared/config/run-config';
import { judgeLook, lookOptions, type LookPosition } from '../../../shared/run/looks';
import { localRunInput } from '../../support/run-inputs';

/**
 * judgment.countTest: the anytime-valid count test gets the run's whole budget at every look; the conditional binomial
 * test gets its metric's group-sequential level, spent from the first look that compared it, like a continuous metric.
 */

const run = (countTest?: 'anytime-valid' | 'conditional-binomial') =>
  runInputSchema.parse(
    localRunInput({
      steps: [
        { weight: 5, durationSeconds: 600 },
        { weight: 10, durationSeconds: 600 },
      ],
      judgment: { checkIntervalSeconds: 60, ...(countTest ? { countTest } : {}) },
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
  it('defaults to anytime-valid: the count test runs at 1 − 2 × the run budget (96 %) at every look', () => {
    const input = run();
    expect(input.judgment.countTest).toBe('anytime-valid');
    const options = lookOptions(input, at(0, 1), {});
    expect(options.countTest).toBe('anytime-valid');
    expect(options.countConfidenceLevel).toBeCloseTo(0.96, 12);
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

  it('refuses an unknown test, naming the path', () => {
    const bad = localRunInput({ judgment: { countTest: 'fisher' as never } });
    const parsed = runInputSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['judgment', 'countTest']);
  });
});
