import { normalCdf, normalQuantile } from '../judge/normal';

/**
 * What a latency histogram tells of a latency regression, for a log-normal latency: the share of the Fisher
 * information about a shift of log latency that its bucket counts keep. Every request seen: 1; one bound at the
 * median: 2/π. Coarse buckets around the median make any test of the histogram slower (`canary-judge plan` and the
 * Limits of docs/statistical-quality.md).
 */

/** A log-normal latency: its median and the standard deviation of log latency. */
export interface LogNormalLatency {
  medianSeconds: number;
  sigma: number;
}

/** The Prometheus client libraries' default histogram buckets (upper bounds, seconds), which most services keep. */
export const PROMETHEUS_DEFAULT_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The log-normal with this p50 and p99 (0 < p50 < p99): σ = ln(p99 / p50) / Φ⁻¹(0.99). */
export function logNormalFromQuantiles(p50Seconds: number, p99Seconds: number): LogNormalLatency {
  if (!(p50Seconds > 0 && p99Seconds > p50Seconds && Number.isFinite(p99Seconds))) {
    throw new RangeError(`a log-normal needs 0 < p50 < p99 (got p50 ${p50Seconds}, p99 ${p99Seconds})`);
  }
  return { medianSeconds: p50Seconds, sigma: Math.log(p99Seconds / p50Seconds) / normalQuantile(0.99) };
}

const density = (z: number) => Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);

/** Φ(b) − Φ(a), a < b, from the tail nearer to both, so buckets far above the median keep their digits. */
const normalMass = (a: number, b: number) => (a >= 0 ? normalCdf(-a) - normalCdf(-b) : normalCdf(b) - normalCdf(a));

/**
 * Σ (φ(zⱼ) − φ(zⱼ₋₁))² / (Φ(zⱼ) − Φ(zⱼ₋₁)) over the buckets (the last one open above), zⱼ the upper bounds
 * standardized on the log scale: the information per request about a shift of log latency, in units of 1/σ².
 */
export function bucketInformationShare(boundsSeconds: readonly number[], latency: LogNormalLatency): number {
  const z = boundsSeconds.map((b) => Math.log(b / latency.medianSeconds) / latency.sigma);
  const edges = [-Infinity, ...z, Infinity];
  let share = 0;
  for (let j = 1; j < edges.length; j++) {
    const mass = normalMass(edges[j - 1], edges[j]);
    if (mass > 0) share += (density(edges[j]) - density(edges[j - 1])) ** 2 / mass;
  }
  return share;
}
