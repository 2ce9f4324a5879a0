/**
 * The standard normal distribution and the complementary error function, accurate to a few units in the last
 * place everywhere, including the far tails where p-values of large samples live (down to subnormal numbers).
 *
 * erfc: a power series for |x| < 0.5 (where erfc is near 1, so 1 - erf loses nothing) and the Laplace continued
 * fraction of exp(x^2)·erfc(x) above, evaluated bottom-up (stable for its all-positive terms), times exp(-x^2)
 * computed from a split of x so that the rounding of x^2 does not cost accuracy.
 *
 * normalQuantile: a coarse closed-form start (Abramowitz & Stegun 26.2.23, |error| < 4.5e-4) refined by Halley
 * steps on the accurate CDF, so the result is the correctly rounded quantile or one unit in the last place from it.
 */

const INV_SQRT_PI = 0.5641895835477563;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2PI = 0.3989422804014327;
/** 1/sqrt(2 pi) - INV_SQRT_2PI: the low half of the constant for the double-double residual below. */
const INV_SQRT_2PI_LO = -2.49232720227773e-17;
const LN_SQRT_2PI = 0.9189385332046728;
/** sqrt(pi/2): turns exp(x^2)·erfc(x) at x = |z|/sqrt 2 into the normal Mills ratio. */
const SQRT_HALF_PI = 1.2533141373155003;
/** 2^27 + 1: Veltkamp's constant for splitting a double into two 26-bit halves. */
const SPLITTER = 134217729;
/** Below this |x| erfc is computed as 1 - erf(x) from the power series. */
const SERIES_LIMIT = 0.5;
/** erfc(x) < 2^-1075 (rounds to 0) for x above this; likewise Phi(z) below -sqrt(2) times it. */
const ERFC_UNDERFLOW = 27.3;

/** Split x into hi + lo with hi holding at most 26 significant bits, so hi*hi is exact. */
function split(x: number): [number, number] {
  const c = SPLITTER * x;
  const hi = c - (c - x);
  return [hi, x - hi];
}

/** sum_{n>=1} (-w)^n / (n! (2n+1)), i.e. S(w) - 1 where erf(x) = 2/sqrt(pi) · x · S(x^2). Used for w < 0.5. */
function seriesTail(w: number): number {
  let term = 1;
  let sum = 0;
  for (let n = 1; n < 40; n++) {
    term *= -w / n;
    const next = sum + term / (2 * n + 1);
    if (next === sum) break;
    sum = next;
  }
  return sum;
}

/**
 * exp(x^2)·erfc(x) for x >= 0.5 from the continued fraction
 * sqrt(pi)·exp(x^2)·erfc(x) = 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...)))).
 * The depth needed for full double precision grows like 1/x^2 (measured against 50-digit references).
 */
function erfcScaled(x: number): number {
  const depth = Math.ceil(20 + 240 / (x * x));
  let t = x;
  for (let k = depth; k >= 1; k--) t = x + k / 2 / t;
  return INV_SQRT_PI / t;
}

/** Complementary error function erfc(x) = 1 - erf(x), accurate relative to its own size for every x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < SERIES_LIMIT) {
    const a = TWO_OVER_SQRT_PI * x;
    return 1 - (a + a * seriesTail(x * x));
  }
  if (x >= ERFC_UNDERFLOW) return 0;
  const [hi, lo] = split(x);
  // exp(-x^2) = exp(-hi^2)·exp(-(x-hi)(x+hi)); the possibly subnormal factor is applied last, once.
  return Math.exp(-hi * hi) * (Math.exp(-lo * (hi + x)) * erfcScaled(x));
}

/** exp(-z^2/2) without losing accuracy to the rounding of z^2 (matters in the far tail). */
function expHalfSquare(z: number): number {
  const [hi, lo] = split(z);
  return Math.exp((-hi * hi) / 2) * Math.exp((-lo * (hi + z)) / 2);
}

/** Lower-tail probability of the standard normal, for z <= -sqrt(2)·SERIES_LIMIT. */
function lowerTail(z: number): number {
  if (z <= -ERFC_UNDERFLOW * Math.SQRT2) return 0;
  return 0.5 * expHalfSquare(z) * erfcScaled(-z / Math.SQRT2);
}

/** Exact product a·b as hi + lo (Dekker), so a residual can be formed without losing the low bits. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** Phi(z) - 1/2 - q near z = 0 (q exact), carrying the low bits so Newton's fixed point is the rounded root. */
function centralResidual(z: number, q: number): number {
  const [hi, lo] = twoProduct(z, INV_SQRT_2PI);
  // Near the root hi and q agree to within 10 %, so hi - q is exact there (Sterbenz).
  return hi - q + (lo + z * INV_SQRT_2PI_LO + hi * seriesTail((z * z) / 2));
}

const CENTRAL_LIMIT = SERIES_LIMIT * Math.SQRT2;

/** Standard normal cumulative distribution function Phi(z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (Math.abs(z) < CENTRAL_LIMIT) return 0.5 + centralResidual(z, 0);
  if (z < 0) return z === -Infinity ? 0 : lowerTail(z);
  return z === Infinity ? 1 : 1 - lowerTail(-z);
}

/** Standard normal density. */
function density(z: number): number {
  return INV_SQRT_2PI * expHalfSquare(z);
}

/** Abramowitz & Stegun 26.2.23 for p in (0, 0.5]: a start within 4.5e-4 of the lower-tail quantile. */
function roughLowerQuantile(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  const num = 2.515517 + t * (0.802853 + t * 0.010328);
  const den = 1 + t * (1.432788 + t * (0.189269 + t * 0.001308));
  return num / den - t;
}

/** Below this p, Phi and the density are no longer normal numbers near the root; work with their ratio. */
const DEEP_TAIL = 1e-280;

/** (Phi(z) - p) / phi(z), the Newton correction, computed so that it stays accurate near the root. */
function newtonCorrection(z: number, p: number): number {
  if (p >= 0.25) return centralResidual(z, p - 0.5) / density(z); // p - 0.5 is exact here
  if (p >= DEEP_TAIL) return (normalCdf(z) - p) / density(z);
  // Far tail: Phi/phi is the Mills ratio; p/phi = exp(ln p + z^2/2 + ln sqrt(2 pi)) avoids underflow.
  const mills = SQRT_HALF_PI * erfcScaled(-z / Math.SQRT2);
  return mills - Math.exp(Math.log(p) + (z * z) / 2 + LN_SQRT_2PI);
}

/**
 * Standard normal quantile (inverse CDF) Phi^-1(p) for p in [0, 1]: -Infinity at 0, +Infinity at 1.
 * Correctly rounded or within one unit in the last place; e.g. Phi^-1(0.01) = -2.326347874040841.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p)) return NaN;
  if (p < 0 || p > 1) throw new RangeError(`normalQuantile: p must be in [0, 1] (got ${p})`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p); // 1 - p is exact for p in [0.5, 1]
  let z = roughLowerQuantile(p);
  // Halley's method converges cubically: 4.5e-4 -> ~1e-10 -> full precision; the third step polishes rounding.
  for (let step = 0; step < 3; step++) {
    const u = newtonCorrection(z, p);
    const next = z - u / (1 + (z * u) / 2);
    if (next === z) break;
    z = next;
  }
  return z;
}
