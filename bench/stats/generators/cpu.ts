import type { Rng } from '../rng';
import { ar1Series, type Ar1Params } from './ar1';

export interface CpuModel {
  /** Utilisation of an idle instance, fraction in (0, 1). */
  idle: number;
  /** Utilisation added per request per second on one instance. */
  perRequestPerSecond: number;
  /** Per-instance constant offset, standard deviation on the logit scale. */
  instanceSd: number;
  /** Per-instance autocorrelated noise on the logit scale. */
  noise: Ar1Params;
}

/**
 * CPUUtilization (percent) of a version per period, averaged over its instances as an InstanceId-scoped
 * query does. Each instance: logistic(logit(idle + cost × load) + offset + AR(1) noise), so the value stays
 * inside (0, 100) and neighbouring periods are correlated.
 */
export function cpuSeries(
  rng: Rng,
  model: CpuModel,
  periodSeconds: number,
  requestsPerInstancePerSecond: number[],
  instances: number,
): number[] {
  const sums = new Array<number>(requestsPerInstancePerSecond.length).fill(0);
  for (let k = 0; k < instances; k++) {
    const offset = model.instanceSd * rng.normal();
    const noise = ar1Series(rng, sums.length, periodSeconds, model.noise);
    requestsPerInstancePerSecond.forEach((load, i) => {
      const expected = Math.min(0.99, model.idle + model.perRequestPerSecond * load);
      sums[i] += 100 / (1 + Math.exp(-(logit(expected) + offset + noise[i])));
    });
  }
  return sums.map((s) => s / instances);
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
