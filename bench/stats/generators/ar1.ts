import type { Rng } from '../rng';

/**
 * A stationary Gaussian AR(1) (discretised Ornstein-Uhlenbeck) series: mean 0, standard deviation `sd`,
 * correlation exp(-dt / timeConstant) between neighbouring periods. Used for everything that wanders slowly
 * and is shared by both versions (latency drift, traffic level) and for per-instance CPU noise.
 * Correlation depends on time, not on the number of points, so 10-second and 1-minute resolutions describe
 * the same underlying process.
 */
export interface Ar1Params {
  sd: number;
  timeConstantSeconds: number;
}

export function ar1Series(rng: Rng, count: number, periodSeconds: number, params: Ar1Params): number[] {
  const out = new Array<number>(count);
  if (count === 0) return out;
  const phi = lag1Correlation(periodSeconds, params.timeConstantSeconds);
  const innovationSd = params.sd * Math.sqrt(1 - phi * phi);
  let x = params.sd * rng.normal();
  out[0] = x;
  for (let i = 1; i < count; i++) {
    x = phi * x + innovationSd * rng.normal();
    out[i] = x;
  }
  return out;
}

export function lag1Correlation(periodSeconds: number, timeConstantSeconds: number): number {
  return timeConstantSeconds > 0 ? Math.exp(-periodSeconds / timeConstantSeconds) : 0;
}
