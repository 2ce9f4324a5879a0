import {
  MIN_JUDGMENT_ALPHA,
  alphaSpent,
  confidenceForJudgment,
  confidenceForRunStep,
  errorControlSchema,
  informationFractions,
  judgmentAlphas,
} from '../../../shared/judge/error-control';

// Reference values from scipy.stats.norm (sf/isf) and Python's math.log.
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const equalSteps = [600, 600, 600, 600];

describe('spending functions', () => {
  it("O'Brien-Fleming-like: 2 - 2 Phi(z_{1-a/2} / sqrt t)", () => {
    expect(alphaSpent('obrien-fleming', 0.01, 0.25) / 2.5819272972327493e-7).toBeCloseTo(1, 9);
    expect(alphaSpent('obrien-fleming', 0.01, 0.5) / 0.000269716956631483).toBeCloseTo(1, 9);
    expect(alphaSpent('obrien-fleming', 0.01, 0.75) / 0.002936468274443483).toBeCloseTo(1, 9);
    expect(alphaSpent('obrien-fleming', 0.01, 1)).toBe(0.01);
  });

  it('Pocock-like: a ln(1 + (e - 1) t)', () => {
    expect(alphaSpent('pocock', 0.01, 0.25)).toBeCloseTo(0.0035737401950878844, 15);
    expect(alphaSpent('pocock', 0.01, 0.5)).toBeCloseTo(0.006201145069582775, 15);
    expect(alphaSpent('pocock', 0.01, 0.75)).toBeCloseTo(0.008279889392428698, 15);
    expect(alphaSpent('pocock', 0.01, 1)).toBe(0.01);
  });

  it('spends nothing at t = 0 and rejects fractions outside [0, 1]', () => {
    expect(alphaSpent('pocock', 0.01, 0)).toBe(0);
    expect(alphaSpent('obrien-fleming', 0.01, 0)).toBe(0);
    expect(() => alphaSpent('pocock', 0.01, 1.5)).toThrow('information fraction must be in [0, 1] (got 1.5)');
  });
});

describe('judgment alphas', () => {
  it.each(['pocock', 'obrien-fleming'] as const)('%s schedule over 4 equal steps sums to the run alpha', (spending) => {
    const alphas = judgmentAlphas({
      method: 'alpha-spending',
      spending,
      runFalseRollbackRate: 0.01,
      stepDurations: equalSteps,
    });
    expect(alphas).toHaveLength(4);
    expect(sum(alphas)).toBeCloseTo(0.01, 15);
    alphas.forEach((a) => expect(a).toBeGreaterThan(0));
  });

  it('Pocock spends a little more early, OBF almost everything late', () => {
    const pocock = judgmentAlphas({
      method: 'alpha-spending',
      spending: 'pocock',
      runFalseRollbackRate: 0.01,
      stepDurations: equalSteps,
    });
    expect(pocock[0]).toBeCloseTo(0.0035737401950878844, 15);
    expect(pocock[1]).toBeCloseTo(0.006201145069582775 - 0.0035737401950878844, 15);
    expect(pocock[3]).toBeCloseTo(0.01 - 0.008279889392428698, 15);
    const obf = judgmentAlphas({
      method: 'alpha-spending',
      spending: 'obrien-fleming',
      runFalseRollbackRate: 0.01,
      stepDurations: equalSteps,
    });
    expect(obf[0] / 2.5819272972327493e-7).toBeCloseTo(1, 9);
    expect(obf[3]).toBeCloseTo(0.01 - 0.002936468274443483, 12);
  });

  it('Bonferroni splits the run alpha evenly', () => {
    expect(
      judgmentAlphas({
        method: 'bonferroni',
        spending: 'pocock',
        runFalseRollbackRate: 0.02,
        stepDurations: equalSteps,
      }),
    ).toEqual([0.005, 0.005, 0.005, 0.005]);
  });

  it('follows the information fraction of unequal steps', () => {
    expect(informationFractions([300, 300, 600])).toEqual([0.25, 0.5, 1]);
    const alphas = judgmentAlphas({
      method: 'alpha-spending',
      spending: 'pocock',
      runFalseRollbackRate: 0.01,
      stepDurations: [300, 300, 600],
    });
    expect(alphas[0]).toBeCloseTo(0.0035737401950878844, 15);
    expect(alphas[2]).toBeCloseTo(0.01 - 0.006201145069582775, 15);
    expect(() => informationFractions([600, 0])).toThrow('step durations must be positive numbers');
  });

  it('gives a vanishing early share at least MIN_JUDGMENT_ALPHA so the confidence stays below 1', () => {
    // OBF over 20 steps: 2 - 2 Phi(z_0.995 / sqrt 0.05) = 1.05e-30 would make 1 - alpha round to exactly 1.
    const alphas = judgmentAlphas({
      method: 'alpha-spending',
      spending: 'obrien-fleming',
      runFalseRollbackRate: 0.01,
      stepDurations: new Array(20).fill(60),
    });
    expect(alphas[0]).toBe(MIN_JUDGMENT_ALPHA);
    expect(1 - 2 * alphas[0]).toBeLessThan(1);
    expect(sum(alphas)).toBeCloseTo(0.01, 10);
  });

  it('rejects an alpha outside (0, 1)', () => {
    expect(() =>
      judgmentAlphas({ method: 'bonferroni', spending: 'pocock', runFalseRollbackRate: 0, stepDurations: equalSteps }),
    ).toThrow('runFalseRollbackRate must be in (0, 1) (got 0)');
  });
});

describe('confidence for a judgment', () => {
  const plan = {
    spending: 'pocock' as const,
    runFalseRollbackRate: 0.01,
    stepDurations: equalSteps,
    fixedConfidence: 0.98,
  };

  it('is 1 - 2 alpha_k for the spending methods (alpha_k on the failing side of a two-sided interval)', () => {
    expect(confidenceForJudgment({ ...plan, method: 'alpha-spending', stepIndex: 0 })).toBeCloseTo(
      1 - 2 * 0.0035737401950878844,
      15,
    );
    expect(confidenceForJudgment({ ...plan, method: 'bonferroni', stepIndex: 3 })).toBe(1 - 0.005);
  });

  it("is the fixed level for 'none' (Kayenta: every interval at 98 %)", () => {
    [0, 1, 2, 3].forEach((stepIndex) =>
      expect(confidenceForJudgment({ ...plan, method: 'none', stepIndex })).toBe(0.98),
    );
  });

  it('names a step index outside the plan', () => {
    expect(() => confidenceForJudgment({ ...plan, method: 'alpha-spending', stepIndex: 4 })).toThrow(
      'stepIndex must be an integer in [0, 3] (got 4)',
    );
  });

  it('reads the run config: the schema default is Pocock-like spending of 2 % per run', () => {
    const errorControl = errorControlSchema.parse({});
    expect(errorControl).toEqual({ method: 'alpha-spending', spending: 'pocock', runFalseRollbackRate: 0.02 });
    const steps = equalSteps.map((durationSeconds) => ({ durationSeconds }));
    expect(confidenceForRunStep({ confidenceLevel: 0.98, errorControl }, steps, 1)).toBeCloseTo(
      1 - 4 * (0.006201145069582775 - 0.0035737401950878844), // alpha 0.02 = twice the 0.01 reference values
      15,
    );
    expect(
      confidenceForRunStep({ confidenceLevel: 0.95, errorControl: { ...errorControl, method: 'none' } }, steps, 1),
    ).toBe(0.95);
  });

  it('rejects unknown methods and rates outside (0, 0.5) naming the field', () => {
    const bad = errorControlSchema.safeParse({ method: 'holm', runFalseRollbackRate: 0.7 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['method', 'runFalseRollbackRate']);
  });
});
