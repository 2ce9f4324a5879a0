import type { RunInputRaw } from '../../shared/config/run-config';

/**
 * `--speed N`: the same run, N times faster. Scales what makes a run long (step durations, health poll
 * interval and timeout, warm-up and look-back) of an input that passed validation (the scaled one is
 * validated again); metric periods stay as they are, so a faster run simply has fewer samples per judgment.
 */

const scaled = (seconds: number, speed: number, min: number) => Math.max(min, Math.round(seconds / speed));

export function applySpeed(input: RunInputRaw, speed: number): RunInputRaw {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`--speed must be a positive number (got ${speed})`);
  if (speed === 1) return input;
  const health = input.healthCheck;
  const analysis = input.analysis;
  return {
    ...input,
    steps: input.steps?.map((s) => ({
      ...s,
      durationSeconds: typeof s.durationSeconds === 'number' ? scaled(s.durationSeconds, speed, 1) : s.durationSeconds,
    })),
    healthCheck: health && {
      ...health,
      intervalSeconds: health.intervalSeconds === undefined ? undefined : scaled(health.intervalSeconds, speed, 1),
      timeoutSeconds: health.timeoutSeconds === undefined ? undefined : scaled(health.timeoutSeconds, speed, 5),
    },
    analysis: analysis && {
      ...analysis,
      warmupSeconds: analysis.warmupSeconds === undefined ? undefined : scaled(analysis.warmupSeconds, speed, 0),
      lookbackSeconds: analysis.lookbackSeconds === undefined ? undefined : scaled(analysis.lookbackSeconds, speed, 1),
    },
  };
}
