import { judgmentSchema, type RunInputRaw } from '../../shared/config/run-config';

/**
 * `--speed N`: the same run, N times faster. Scales what makes a run long (step durations, health poll
 * interval and timeout, warm-up and look-back, the interval between looks) of an input that passed validation
 * (the scaled one is validated again); metric periods stay as they are, so a faster run simply has fewer samples
 * per judgment. `metricsSource.delaySeconds` stays too: it is how late the source has a period's data (CloudWatch
 * about a minute), which a faster run does not change; judging earlier would judge incomplete periods.
 */

const scaled = (seconds: number, speed: number, min: number) => Math.max(min, Math.round(seconds / speed));

/** The interval the run would use unscaled: the one given, else the schema's default. */
const DEFAULT_CHECK_INTERVAL_SECONDS = judgmentSchema.parse({}).checkIntervalSeconds;

export function applySpeed(input: RunInputRaw, speed: number): RunInputRaw {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`--speed must be a positive number (got ${speed})`);
  if (speed === 1) return input;
  const health = input.healthCheck;
  const analysis = input.analysis;
  const judgment = input.judgment;
  // The number of looks per step is part of the run's design (error control spends over them), so unlike the
  // health poll interval the default check interval is scaled too: 10-minute steps looked at every minute stay
  // ten looks a step at any speed. Kayenta mode looks once a step whatever the interval: no default filled in there.
  const interval =
    judgment?.checkIntervalSeconds ?? (judgment?.mode === 'kayenta' ? undefined : DEFAULT_CHECK_INTERVAL_SECONDS);
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
    ...(interval === undefined ? {} : { judgment: { ...judgment, checkIntervalSeconds: scaled(interval, speed, 1) } }),
  };
}
