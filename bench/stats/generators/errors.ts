import type { Rng } from '../rng';
import { binomial } from '../distributions';

export interface ErrorSeries {
  /** 5xx responses per period (0 when the period had requests but no errors). */
  count: number[];
  /** 5xx / requests per period; NaN for a period without requests (as a ratio query returns it). */
  rate: number[];
}

/**
 * Error responses per period: each of the period's requests fails independently with probability
 * `rates[i]` (Binomial), so small rates give the many zero periods real 5xx series have.
 */
export function errorSeries(rng: Rng, requests: number[], rates: number[]): ErrorSeries {
  const count = requests.map((n, i) => binomial(rng, n, Math.min(1, rates[i])));
  const rate = count.map((c, i) => (requests[i] > 0 ? c / requests[i] : NaN));
  return { count, rate };
}
