import type { Rng } from '../rng';
import { beta, binomial } from '../distributions';

/**
 * Per-period latency statistics of one version, as an ALB's TargetResponseTime (Average, pNN) or a
 * Prometheus histogram quantile reports them.
 *
 * A request's latency is log-normal: exp(mu + sigma·Z), where mu = ln(median) + the instance's constant
 * offset (instances of one type are never identical) + a per-period shift (drift shared with the other
 * version, the canary's regression, a leak growing with time). An optional slow path adds a fixed delay to a
 * small fraction of requests (a dependency that times out and is retried): it moves p99 a lot and the mean
 * only a little. Requests are spread evenly over the version's instances, so one period's requests come from
 * a mixture of (shifted) log-normals.
 */
export interface LatencyModel {
  medianSeconds: number;
  /** Log-scale standard deviation of one request's latency. */
  sigma: number;
  /** Standard deviation of each instance's constant log offset. */
  instanceSd: number;
}

export interface SlowPath {
  /** Share of requests taking the slow path. */
  fraction: number;
  /** Delay added on the slow path. */
  extraSeconds: number;
}

export interface LatencyInput {
  requests: number[];
  /** Log-scale shift per period (drift, regression, leak). */
  logShift: number[];
  instances: number;
  slowPath?: SlowPath;
  /** Quantile reported next to the average, e.g. 0.99. */
  quantile: number;
  /** Count the requests slower than this many seconds (CloudWatch's PR(:bound) × SampleCount, a histogram bucket). */
  slowBoundSeconds?: number;
  /**
   * Also count each period's requests per histogram bucket (upper bounds in seconds, ascending; a last +Inf bucket is
   * added), drawn from their own random stream so that the other series stay as they are without buckets.
   */
  histogram?: { boundsSeconds: readonly number[]; rng: Rng };
}

export interface LatencySeries {
  /** Mean latency per period; NaN without requests (no datapoint). */
  average: number[];
  /** Nearest-rank quantile per period; NaN without requests. */
  quantile: number[];
  /** Requests slower than slowBoundSeconds per period: Binomial(n, P(latency > bound)); 0 without a bound. */
  slow: number[];
  /** Per period, requests per histogram bucket (the last one above the highest bound); absent unless asked for. */
  buckets?: number[][];
}

/** Up to this many requests a period's mean is drawn request by request; above, from its moment-matched law. */
const EXACT_MEAN_LIMIT = 256;

/** weight × law of (delay + exp(mu + sigma·Z)). */
interface Component {
  weight: number;
  mu: number;
  delay: number;
}

export function latencySeries(rng: Rng, model: LatencyModel, input: LatencyInput): LatencySeries {
  const offsets = Array.from({ length: input.instances }, () => model.instanceSd * rng.normal());
  const average: number[] = [];
  const quantile: number[] = [];
  const slow: number[] = [];
  const histogram = input.histogram;
  const buckets: number[][] = [];
  input.requests.forEach((n, i) => {
    const components = mixture(Math.log(model.medianSeconds) + input.logShift[i], offsets, input.slowPath);
    if (histogram) buckets.push(bucketCounts(histogram.rng, components, model.sigma, n, histogram.boundsSeconds));
    if (n === 0) {
      average.push(NaN);
      quantile.push(NaN);
      slow.push(0);
      return;
    }
    average.push(periodMean(rng, components, model.sigma, n));
    quantile.push(periodQuantile(rng, components, model.sigma, n, input.quantile));
    const bound = input.slowBoundSeconds;
    slow.push(bound === undefined ? 0 : binomial(rng, n, survival(components, model.sigma, bound)));
  });
  return histogram ? { average, quantile, slow, buckets } : { average, quantile, slow };
}

/** n requests spread over the buckets (multinomial, as conditional binomials from the lowest bucket up). */
function bucketCounts(
  rng: Rng,
  components: Component[],
  sigma: number,
  n: number,
  bounds: readonly number[],
): number[] {
  const counts: number[] = [];
  let left = n;
  let above = 1;
  for (const bound of bounds) {
    const next = survival(components, sigma, bound);
    const share = above > 0 ? Math.min(1, Math.max(0, (above - next) / above)) : 0;
    const count = binomial(rng, left, share);
    counts.push(count);
    left -= count;
    above = next;
  }
  counts.push(left);
  return counts;
}

/** P(latency > bound) for one request of the period's mixture. */
export function survival(components: Component[], sigma: number, bound: number): number {
  let p = 0;
  for (const c of components) {
    p += bound <= c.delay ? c.weight : c.weight * upperTail((Math.log(bound - c.delay) - c.mu) / sigma);
  }
  return Math.min(1, p);
}

function mixture(baseMu: number, offsets: number[], slowPath: SlowPath | undefined): Component[] {
  const slowShare = slowPath?.fraction ?? 0;
  const components: Component[] = [];
  for (const offset of offsets) {
    components.push({ weight: (1 - slowShare) / offsets.length, mu: baseMu + offset, delay: 0 });
    if (slowPath && slowShare > 0) {
      components.push({ weight: slowShare / offsets.length, mu: baseMu + offset, delay: slowPath.extraSeconds });
    }
  }
  return components;
}

/** Mean of n requests' latencies. */
export function periodMean(rng: Rng, components: Component[], sigma: number, n: number): number {
  if (n <= EXACT_MEAN_LIMIT) {
    let sum = 0;
    for (let r = 0; r < n; r++) {
      const c = pick(rng, components);
      sum += c.delay + Math.exp(c.mu + sigma * rng.normal());
    }
    return sum / n;
  }
  // Fenton-Wilkinson: a log-normal with the exact mean and variance of the mean of n draws (keeps it positive
  // and right-skewed; the skew of a mean of > 256 requests is small).
  let m1 = 0;
  let m2 = 0;
  for (const c of components) {
    const mean = Math.exp(c.mu + (sigma * sigma) / 2);
    m1 += c.weight * (c.delay + mean);
    m2 += c.weight * (Math.exp(2 * c.mu + 2 * sigma * sigma) + 2 * c.delay * mean + c.delay * c.delay);
  }
  const variance = (m2 - m1 * m1) / n;
  const s2 = Math.log1p(variance / (m1 * m1));
  return Math.exp(Math.log(m1) - s2 / 2 + Math.sqrt(s2) * rng.normal());
}

function pick(rng: Rng, components: Component[]): Component {
  let u = rng.uniform();
  for (const c of components) {
    if (u < c.weight) return c;
    u -= c.weight;
  }
  return components[components.length - 1];
}

/**
 * The k-th smallest of n requests (k = ceil(q·n), nearest rank) without drawing them: for iid draws the k-th
 * order statistic is F⁻¹(U) with U ~ Beta(k, n-k+1). We draw the upper-tail probability 1-U ~ Beta(n-k+1, k)
 * directly (precise for p99 and beyond) and invert the mixture's survival function.
 */
export function periodQuantile(rng: Rng, components: Component[], sigma: number, n: number, q: number): number {
  const k = Math.max(1, Math.ceil(q * n));
  const tail = beta(rng, n - k + 1, k);
  return Math.exp(inverseSurvival(components, sigma, tail));
}

/**
 * y = ln(latency) with S(y) = Σ w·P(delay + exp(mu + sigma·Z) > e^y) = tail, by Newton on ln S(y)
 * safeguarded by bisection.
 */
function inverseSurvival(components: Component[], sigma: number, tail: number): number {
  let lo = Math.min(...components.map((c) => c.mu)) - 40 * sigma;
  let hi = Math.max(...components.map((c) => Math.log(Math.exp(c.mu) + c.delay))) + 40 * sigma;
  const target = Math.log(tail);
  let y = components.reduce((s, c) => s + c.weight * c.mu, 0);
  for (let iteration = 0; iteration < 200; iteration++) {
    let survival = 0;
    let density = 0;
    const x = Math.exp(y);
    for (const c of components) {
      if (x <= c.delay) {
        survival += c.weight;
        continue;
      }
      const z = (Math.log(x - c.delay) - c.mu) / sigma;
      survival += c.weight * upperTail(z);
      // d/dy of the component's CDF: φ(z)/sigma · dln(x - delay)/dy
      density += (c.weight * Math.exp(-0.5 * z * z) * x) / ((x - c.delay) * sigma * Math.sqrt(2 * Math.PI));
    }
    const g = Math.log(survival) - target;
    if (g > 0) lo = y;
    else hi = y;
    const next = y + (g * survival) / density;
    const stepped = Number.isFinite(next) && next > lo && next < hi ? next : (lo + hi) / 2;
    if (Math.abs(stepped - y) <= 1e-12 * Math.max(1, Math.abs(y))) return stepped;
    y = stepped;
  }
  return y;
}

/**
 * Q(z) = P(Z > z) through erfc's Chebyshev-fitted form (relative error < 1.2e-7 everywhere, including the far
 * tail, which is what inverting p99.9 needs; ample for a simulation).
 */
export function upperTail(z: number): number {
  const x = z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const poly =
    -ax * ax -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfcAbs = t * Math.exp(poly);
  return 0.5 * (x >= 0 ? erfcAbs : 2 - erfcAbs);
}
