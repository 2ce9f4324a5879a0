import { classify, effectSizeThresholds, JUDGE_TOLERANCE } from '../../shared/judge/classifier';
import { poisson } from './distributions';
import { createRng, type Rng } from './rng';

/**
 * Why a minimum sample size: with n points per side the exact interval cannot be wider than the range of the
 * n² pairwise differences, so for small n no confidence level can be honoured — when every canary point lies
 * above every baseline point (probability 1/C(2n, n) for continuous data, more with ties) the interval
 * excludes 0 whatever was asked. This measures the A/A false-High rate of one metric (direction increase,
 * no effect-size floor) against its nominal one-sided rate (1 − c)/2.
 */

export interface SmallSampleRow {
  shape: string;
  confidenceLevel: number;
  /** [n, false-High rate] per sample size. */
  rates: [number, number][];
}

const SHAPES: Record<string, (rng: Rng) => number> = {
  // positive, like latency: the mean-ratio gate (canary mean / baseline mean >= 1) only makes sense there
  'continuous (log-normal)': (rng) => Math.exp(0.3 * rng.normal()),
  'counts, mean 0.3 (mostly zeros)': (rng) => poisson(rng, 0.3),
  'counts, mean 1': (rng) => poisson(rng, 1),
};

export function smallSampleRates(
  sizes: number[],
  confidenceLevels: number[],
  repetitions: number,
  seed: number,
): SmallSampleRow[] {
  const rows: SmallSampleRow[] = [];
  Object.entries(SHAPES).forEach(([shape, draw], shapeIndex) => {
    for (const confidenceLevel of confidenceLevels) {
      const settings = {
        direction: 'increase' as const,
        nanStrategy: 'remove' as const,
        critical: false,
        mustHaveData: false,
        minDataPoints: 1,
        tolerance: JUDGE_TOLERANCE,
        confidenceLevel,
        effectSize: effectSizeThresholds(undefined),
      };
      const rates = sizes.map((n): [number, number] => {
        const rng = createRng(seed, 1000 * shapeIndex + n);
        let high = 0;
        for (let r = 0; r < repetitions; r++) {
          const baseline = Array.from({ length: n }, () => draw(rng));
          const canary = Array.from({ length: n }, () => draw(rng));
          if (classify('m', baseline, canary, settings).classification === 'High') high++;
        }
        return [n, high / repetitions];
      });
      rows.push({ shape, confidenceLevel, rates });
    }
  });
  return rows;
}
