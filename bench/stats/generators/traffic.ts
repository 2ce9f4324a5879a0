import type { Rng } from '../rng';
import { poisson } from '../distributions';
import type { Period } from '../../../shared/plan/timeline';

export interface TrafficModel {
  /** Requests per second reaching the listener (all versions together). */
  requestsPerSecond: number;
}

/**
 * Requests one version receives in each period: Poisson around rate × share × period length, scaled by the
 * shared traffic level `levelLog` (log-scale wobble common to both versions, e.g. from an AR(1) series).
 */
export function requestCounts(
  rng: Rng,
  periods: Period[],
  periodSeconds: number,
  model: TrafficModel,
  levelLog: number[],
): number[] {
  return periods.map((p, i) => poisson(rng, model.requestsPerSecond * p.share * periodSeconds * Math.exp(levelLog[i])));
}
