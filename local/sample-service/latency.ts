import type { Rng } from '../common/random';

export interface LatencyKnobs {
  BASE_LATENCY_MS: number;
  LATENCY_SIGMA: number;
  LATENCY_FACTOR: number;
  EXTRA_LATENCY_MS: number;
}

/** One request's latency in ms: log-normal with median BASE_LATENCY_MS, then the regression knobs. */
export function drawLatencyMs(rng: Rng, knobs: LatencyKnobs): number {
  const base = knobs.BASE_LATENCY_MS * Math.exp(knobs.LATENCY_SIGMA * rng.normal());
  return base * knobs.LATENCY_FACTOR + knobs.EXTRA_LATENCY_MS;
}
