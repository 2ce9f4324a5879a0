/**
 * The time grid of a run: its steps (the run config's `steps`) cut into metric periods (60 s for CloudWatch's 1-minute
 * resolution, 10 s for a typical Prometheus step). The statistics benchmark simulates on it; plans compute on it.
 */

export interface StepPlan {
  /** Percent of all traffic sent to each of baseline and canary during the step. */
  weight: number;
  durationSeconds: number;
}

export interface Period {
  stepIndex: number;
  /** Traffic share of each version during the period, as a fraction. */
  share: number;
  /** Seconds since both versions first received traffic. */
  startSeconds: number;
}

export function buildTimeline(steps: StepPlan[], periodSeconds: number): Period[] {
  const periods: Period[] = [];
  let stepStart = 0;
  steps.forEach((step, stepIndex) => {
    const count = Math.floor(step.durationSeconds / periodSeconds);
    if (count < 1) throw new RangeError(`step ${stepIndex} is shorter than one ${periodSeconds}s period`);
    for (let i = 0; i < count; i++) {
      periods.push({ stepIndex, share: step.weight / 100, startSeconds: stepStart + i * periodSeconds });
    }
    stepStart += step.durationSeconds;
  });
  return periods;
}
