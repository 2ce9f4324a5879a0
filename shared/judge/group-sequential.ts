import { normalCdf, normalQuantile } from './normal';

/**
 * Group-sequential boundaries (Lan & DeMets 1983; Armitage, McPherson & Rowe's recursive integration, as Jennison &
 * Turnbull ch. 19 describe it): the one-sided critical values z_1..z_K of a statistic looked at after information
 * fractions t_1 < ... < t_K, such that under the null the chance that the first crossing happens at look k is the
 * spent error α_k. Unlike the union bound (each look at level α_k), it accounts for how strongly cumulative looks are
 * correlated (corr(Z_j, Z_k) = √(t_j / t_k)), so frequent looks cost far less: 34 looks at one-sided α = 2 % with
 * Pocock-like spending need z ≈ 2.8 each, the union bound 3.2-3.3.
 *
 * Model: Z_k = S(t_k) / √t_k for a Brownian motion S in information time, which a rank statistic of cumulative
 * windows follows asymptotically when periods are independent. The density of S(t_k) on the continuation region
 * (no earlier crossing) is carried from look to look on a grid and integrated by Simpson's rule.
 */

/** Grid points over the continuation region of each look (odd, for Simpson's rule). */
const GRID = 161;
/** The continuation region starts this many standard deviations below 0: the mass below is < 1e-15. */
const LOWER = 8.5;
/** A boundary above this has no chance to be crossed (the smallest spending is 1e-12). */
const TOP = 40;

const INV_SQRT_2PI = 0.3989422804014327;
const phi = (z: number) => INV_SQRT_2PI * Math.exp(-0.5 * z * z);

/** The density of S(t) on the continuation region after a look: grid points, Simpson weights, values. */
interface Continuation {
  t: number;
  s: Float64Array;
  weights: Float64Array;
  density: Float64Array;
}

function grid(from: number, to: number): { s: Float64Array; weights: Float64Array } {
  const s = new Float64Array(GRID);
  const weights = new Float64Array(GRID);
  const h = (to - from) / (GRID - 1);
  for (let i = 0; i < GRID; i++) {
    s[i] = from + i * h;
    weights[i] = ((i === 0 || i === GRID - 1 ? 1 : i % 2 === 1 ? 4 : 2) * h) / 3;
  }
  return { s, weights };
}

/** P(no crossing before, Z_k ≥ z) from the previous look's continuation; S drifts by `drift` per unit of t. */
function crossing(previous: Continuation, t: number, z: number, drift = 0): number {
  const sd = Math.sqrt(t - previous.t);
  const bound = z * Math.sqrt(t) - drift * (t - previous.t);
  let p = 0;
  for (let i = 0; i < GRID; i++) {
    p += previous.weights[i] * previous.density[i] * normalCdf(-(bound - previous.s[i]) / sd);
  }
  return p;
}

/** The boundary spending exactly `alpha` at this look (bisection: the crossing probability falls as z rises). */
function solve(previous: Continuation, t: number, alpha: number): number {
  let lo = -LOWER;
  let hi = TOP;
  if (crossing(previous, t, hi) >= alpha) return hi;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (crossing(previous, t, mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

function continueAfter(previous: Continuation | undefined, t: number, z: number, drift = 0): Continuation {
  // below the lower end of the grid lies < 1e-15 of the mass (the drift's mean, or the boundary when it is lower)
  const { s, weights } = grid(Math.min(drift * t, z * Math.sqrt(t)) - LOWER * Math.sqrt(t), z * Math.sqrt(t));
  const density = new Float64Array(GRID);
  if (!previous) {
    for (let i = 0; i < GRID; i++) density[i] = phi((s[i] - drift * t) / Math.sqrt(t)) / Math.sqrt(t);
    return { t, s, weights, density };
  }
  const sd = Math.sqrt(t - previous.t);
  const step = drift * (t - previous.t);
  for (let j = 0; j < GRID; j++) {
    let sum = 0;
    for (let i = 0; i < GRID; i++) {
      sum += previous.weights[i] * previous.density[i] * phi((s[j] - previous.s[i] - step) / sd);
    }
    density[j] = sum / sd;
  }
  return { t, s, weights, density };
}

interface Look {
  boundary: number;
  continuation: Continuation;
}

/** Computed prefixes, keyed by their looks: a run asks for one more look each time, a benchmark for the same ones. */
const cache = new Map<string, Look>();
const CACHE_LIMIT = 20_000;

/** The looks' boundaries, each from its prefix (cached: prefixes are shared by every later look of a run). */
function looksOf(fractions: readonly number[], alphas: readonly number[]): Look[] {
  const looks: Look[] = [];
  let key = '';
  for (let k = 0; k < fractions.length; k++) {
    key += `${fractions[k]}:${alphas[k]};`;
    let look = cache.get(key);
    if (!look) {
      const previous = k === 0 ? undefined : looks[k - 1].continuation;
      const t = fractions[k];
      const boundary = previous ? solve(previous, t, alphas[k]) : normalQuantile(1 - alphas[k]);
      look = { boundary, continuation: continueAfter(previous, t, boundary) };
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, look);
    }
    looks.push(look);
  }
  return looks;
}

function checkFractions(fractions: readonly number[]): void {
  fractions.forEach((t, k) => {
    if (!(t > 0 && t <= 1) || (k > 0 && !(t > fractions[k - 1]))) {
      throw new RangeError(`information fractions must increase within (0, 1] (look ${k + 1}: ${t})`);
    }
  });
}

/**
 * One-sided boundaries (z) of looks at increasing information fractions in (0, 1], where look k may spend alphas[k]
 * (each in (0, 0.5)). Throws a RangeError for fractions that do not increase.
 */
export function sequentialBoundaries(fractions: readonly number[], alphas: readonly number[]): number[] {
  if (fractions.length !== alphas.length || fractions.length === 0) {
    throw new RangeError('give one spent alpha per look, at least one look');
  }
  checkFractions(fractions);
  alphas.forEach((a, k) => {
    if (!(a > 0 && a < 0.5)) throw new RangeError(`spent alpha must be in (0, 0.5) (look ${k + 1}: ${a})`);
  });
  return looksOf(fractions, alphas).map((look) => look.boundary);
}

/**
 * The chance that the first crossing of given boundaries happens at each look when S has drift θ per unit of
 * information (under the alternative, E[Z_k] = θ√t_k): the power of a group-sequential design by look, with the
 * same recursion as the boundaries (Jennison & Turnbull ch. 19). With θ = 0 and the boundaries of
 * `sequentialBoundaries` it gives back the spent alphas.
 */
export function firstCrossingProbabilities(
  fractions: readonly number[],
  boundaries: readonly number[],
  drift: number,
): number[] {
  if (fractions.length !== boundaries.length || fractions.length === 0) {
    throw new RangeError('give one boundary per look, at least one look');
  }
  checkFractions(fractions);
  const probabilities: number[] = [];
  let previous: Continuation | undefined;
  fractions.forEach((t, k) => {
    const z = Math.min(boundaries[k], TOP);
    probabilities.push(
      previous ? crossing(previous, t, z, drift) : normalCdf(-(z * Math.sqrt(t) - drift * t) / Math.sqrt(t)),
    );
    previous = continueAfter(previous, t, z, drift);
  });
  return probabilities;
}
