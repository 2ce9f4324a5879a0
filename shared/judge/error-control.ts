import { z } from 'zod';
import { normalCdf, normalQuantile } from './normal';

/**
 * Error control across the judgments of one run. Kayenta judges every interval at 98 % on its own, so a
 * run with four looks has up to four chances per metric to roll back a good release by chance. Here one
 * budget — the run's false-rollback rate α — is spent over the planned judgments: judgment k gets its own
 * αₖ with Σ αₖ = α. Because the bound is the union bound, it holds whatever the dependence between judgments
 * (cumulative windows overlap; sliding ones barely do).
 *
 * The budget is per metric and direction: a metric that fails on one side only (direction increase or
 * decrease — all built-in presets) is falsely failed with probability (1 − c)/2 by a two-sided interval at
 * confidence c, so judgment k uses c = 1 − 2·αₖ and that metric fails a good run by chance with probability
 * at most α over all judgments (a direction-`either` metric: 2α). A run has as many such chances as metrics
 * that can roll it back on their own; bench/stats measures the run-level rate of the defaults.
 *
 * Spending functions (Lan & DeMets, on the information fraction t = share of the planned data seen):
 * - Pocock-like: α(t) = α·ln(1 + (e − 1)·t): close to even, a little more early;
 * - O'Brien-Fleming-like: α(t) = 2 − 2·Φ(z₁₋α/₂ / √t): almost nothing early, most at the end.
 * Bonferroni gives every judgment α / K.
 */

export const errorControlMethodSchema = z.enum(['alpha-spending', 'bonferroni', 'none']);
export const spendingFunctionSchema = z.enum(['pocock', 'obrien-fleming']);

export const errorControlSchema = z
  .object({
    /** `none` = Kayenta's behaviour: every judgment at `analysis.confidenceLevel`. */
    method: errorControlMethodSchema.default('alpha-spending'),
    spending: spendingFunctionSchema.default('pocock'),
    /**
     * Chance, per metric and direction, that a good release is failed by chance at any judgment of the run.
     * 2 %: bench/stats measures < 1 % of A/A runs rolled back with the presets' floors while a +10 % mean latency
     * is still caught by the second step at 5 % traffic in > 95 % of runs (1 % misses that).
     */
    runFalseRollbackRate: z.number().gt(0).lt(0.5).default(0.02),
  })
  .strict();

export type ErrorControlMethod = z.infer<typeof errorControlMethodSchema>;
export type SpendingFunction = z.infer<typeof spendingFunctionSchema>;
export type ErrorControlConfig = z.infer<typeof errorControlSchema>;

/**
 * The smallest α a judgment gets: keeps 1 − 2α below 1 in float64 (a confidence of exactly 1 has no interval)
 * when a spending function gives an early judgment next to nothing. It can add at most K·1e-12 to the total.
 */
export const MIN_JUDGMENT_ALPHA = 1e-12;

/** α spent up to information fraction t ∈ [0, 1]. */
export function alphaSpent(spending: SpendingFunction, alpha: number, t: number): number {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`information fraction must be in [0, 1] (got ${t})`);
  if (t === 0) return 0;
  if (t === 1) return alpha;
  if (spending === 'pocock') return alpha * Math.log(1 + (Math.E - 1) * t);
  return 2 * normalCdf(-normalQuantile(1 - alpha / 2) / Math.sqrt(t));
}

/** Cumulative information fractions from step durations: the share of the run's data seen at each judgment. */
export function informationFractions(stepDurations: number[]): number[] {
  if (stepDurations.length === 0 || stepDurations.some((d) => !(d > 0))) {
    throw new RangeError('step durations must be positive numbers, at least one');
  }
  const total = stepDurations.reduce((a, b) => a + b, 0);
  let seen = 0;
  return stepDurations.map((d, i) => {
    seen += d;
    return i === stepDurations.length - 1 ? 1 : seen / total;
  });
}

export interface JudgmentPlan {
  method: ErrorControlMethod;
  spending: SpendingFunction;
  /** The run's α. */
  runFalseRollbackRate: number;
  /** Durations of the planned steps (one judgment per step); only their proportions matter. */
  stepDurations: number[];
}

/** αₖ of every planned judgment for the spending methods (Σ = the run's α, up to MIN_JUDGMENT_ALPHA). */
export function judgmentAlphas(
  plan: Omit<JudgmentPlan, 'method'> & { method: 'alpha-spending' | 'bonferroni' },
): number[] {
  const alpha = plan.runFalseRollbackRate;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`runFalseRollbackRate must be in (0, 1) (got ${alpha})`);
  const fractions = informationFractions(plan.stepDurations);
  if (plan.method === 'bonferroni') return fractions.map(() => Math.max(alpha / fractions.length, MIN_JUDGMENT_ALPHA));
  let before = 0;
  return fractions.map((t) => {
    const spent = alphaSpent(plan.spending, alpha, t);
    const share = spent - before;
    before = spent;
    return Math.max(share, MIN_JUDGMENT_ALPHA);
  });
}

export interface JudgmentConfidenceInput extends JudgmentPlan {
  /** 0-based index of the judged step. */
  stepIndex: number;
  /** Confidence of every judgment with method `none` (Kayenta: 0.98). */
  fixedConfidence: number;
}

/** The confidence level the judgment of step `stepIndex` uses. */
export function confidenceForJudgment(input: JudgmentConfidenceInput): number {
  const count = input.stepDurations.length;
  if (!Number.isInteger(input.stepIndex) || input.stepIndex < 0 || input.stepIndex >= count) {
    throw new RangeError(`stepIndex must be an integer in [0, ${count - 1}] (got ${input.stepIndex})`);
  }
  if (input.method === 'none') return input.fixedConfidence;
  // one-sided αₖ on each side of a two-sided interval
  return 1 - 2 * judgmentAlphas({ ...input, method: input.method })[input.stepIndex];
}

/** The same, read from a run's `analysis` and `steps` (what the workflow's judge step has at hand). */
export function confidenceForRunStep(
  analysis: { confidenceLevel: number; errorControl: ErrorControlConfig },
  steps: { durationSeconds: number }[],
  stepIndex: number,
): number {
  return confidenceForJudgment({
    ...analysis.errorControl,
    stepDurations: steps.map((s) => s.durationSeconds),
    stepIndex,
    fixedConfidence: analysis.confidenceLevel,
  });
}
