import { xorshift32 } from '../random/xorshift32';

/**
 * The n·m pairwise differences x[i] - y[j] of two ascending samples, exactly as float64 computes them, without
 * ever building them: counting the differences below a value is a two-pointer sweep, O(n + m); selecting the
 * k-th smallest narrows a per-row window of candidates with pivots sampled from it (Floyd-Rivest on the implicit
 * matrix), expected O((n + m) log(n·m)) time and O(n + m) memory.
 *
 * Rounding is monotone, so with x and y ascending the computed row x[i] - y[0..m) is non-increasing and every
 * column is non-decreasing: the rounded matrix is still sorted, which is all the sweeps rely on.
 */

/** Candidates are gathered and selected directly once this few remain (a multiple of n + m keeps memory linear). */
const GATHER_FACTOR = 2;
const GATHER_MIN = 1 << 16;
/** Pivot samples: about sqrt(candidates) of them, at most this many. */
const MAX_SAMPLE_SIZE = 4096;

/** The value at `index` (0-based) of `values` in ascending order; reorders `values`. Three-way partitions keep ties cheap. */
function quickselect(values: Float64Array, index: number, random: () => number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[lo + Math.floor(random() * (hi - lo + 1))];
    let less = lo;
    let greater = hi;
    let i = lo;
    while (i <= greater) {
      const v = values[i];
      if (v < pivot) {
        values[i++] = values[less];
        values[less++] = v;
      } else if (v > pivot) {
        values[i] = values[greater];
        values[greater--] = v;
      } else {
        i++;
      }
    }
    if (index < less) hi = less - 1;
    else if (index > greater) lo = greater + 1;
    else return pivot;
  }
  return values[lo];
}

export class PairwiseDifferences {
  /** Number of differences, n·m (may exceed 2^31; exact up to 2^53). */
  readonly size: number;

  /** `x` and `y` must be sorted ascending and finite; they are not copied. */
  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
  ) {
    this.size = x.length * y.length;
  }

  get min(): number {
    return this.x[0] - this.y[this.y.length - 1];
  }

  get max(): number {
    return this.x[this.x.length - 1] - this.y[0];
  }

  /** Number of differences <= t. */
  countAtMost(t: number): number {
    return this.countUpTo(t, true);
  }

  /** Number of differences < t. */
  countBelow(t: number): number {
    return this.countUpTo(t, false);
  }

  /** Per row, skip the leading columns beyond t (rows are non-increasing) and count the rest. */
  private countUpTo(t: number, inclusive: boolean): number {
    const { x, y } = this;
    const m = y.length;
    let count = 0;
    let j = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      if (inclusive) while (j < m && xi - y[j] > t) j++;
      else while (j < m && xi - y[j] >= t) j++;
      count += m - j;
    }
    return count;
  }

  /** The smallest difference > t (Infinity if none): per row the last column still above t, minimised over rows. */
  smallestAbove(t: number): number {
    const { x, y } = this;
    const m = y.length;
    let best = Infinity;
    let j = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      while (j < m && xi - y[j] > t) j++;
      if (j > 0 && xi - y[j - 1] < best) best = xi - y[j - 1];
    }
    return best;
  }

  /** The k-th smallest difference (1-based, counting repeats), 1 <= k <= size. */
  kth(k: number): number {
    if (!Number.isInteger(k) || k < 1 || k > this.size) {
      throw new RangeError(`kth: k must be an integer in [1, ${this.size}] (got ${k})`);
    }
    const { x, y } = this;
    const n = x.length;
    const m = y.length;
    // The pivots' source: the selected value is unique, so the seed affects running time, never results.
    const random = xorshift32(k ^ (n * 31 + m), 0x9e3779b9);
    // Row i's candidates are columns [from[i], to[i]): the differences strictly between `low` and `high`.
    // Columns before from[i] hold values >= high, columns from to[i] on hold values <= low.
    const from = new Int32Array(n);
    const to = new Int32Array(n).fill(m);
    const lessStart = new Int32Array(n);
    const atMostStart = new Int32Array(n);
    const prefix = new Float64Array(n + 1);
    let low = -Infinity;
    let high = Infinity;
    let atMostLow = 0;
    let candidates = this.size;
    const gatherLimit = Math.max(GATHER_MIN, GATHER_FACTOR * (n + m));

    while (candidates > gatherLimit) {
      for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + (to[i] - from[i]);
      const sample = new Float64Array(Math.min(MAX_SAMPLE_SIZE, Math.ceil(Math.sqrt(candidates))));
      for (let s = 0; s < sample.length; s++) {
        const u = Math.floor(random() * candidates);
        const row = lastAtMost(prefix, u);
        sample[s] = x[row] - y[from[row] + (u - prefix[row])];
      }
      sample.sort();
      // Bracket the target's expected place in the sample by 4 standard deviations of a sample rank.
      const expected = ((k - atMostLow) / candidates) * sample.length;
      const margin = 2 * Math.sqrt(sample.length);
      const pivots = [sample[Math.floor(expected - margin)], sample[Math.ceil(expected + margin)]];
      for (const t of pivots) {
        if (t === undefined || !(t > low && t < high)) continue;
        // One sweep gives, per row, where the values < t and <= t start (both suffixes, both moving right).
        let less = 0;
        let atMost = 0;
        let jLess = 0;
        let jAtMost = 0;
        for (let i = 0; i < n; i++) {
          const xi = x[i];
          if (jAtMost < from[i]) jAtMost = from[i];
          while (jAtMost < m && xi - y[jAtMost] > t) jAtMost++;
          if (jLess < jAtMost) jLess = jAtMost;
          while (jLess < m && xi - y[jLess] >= t) jLess++;
          lessStart[i] = jLess;
          atMostStart[i] = jAtMost;
          less += m - jLess;
          atMost += m - jAtMost;
        }
        if (less < k && k <= atMost) return t;
        if (atMost < k) {
          low = t;
          atMostLow = atMost;
          to.set(atMostStart);
        } else {
          high = t;
          from.set(lessStart);
        }
      }
      candidates = 0;
      for (let i = 0; i < n; i++) candidates += to[i] - from[i];
    }

    const rest = new Float64Array(candidates);
    let filled = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      for (let j = from[i]; j < to[i]; j++) rest[filled++] = xi - y[j];
    }
    return quickselect(rest, k - atMostLow - 1, random);
  }
}

/** Largest row index r with prefix[r] <= u (prefix ascending, prefix[0] = 0). */
function lastAtMost(prefix: Float64Array, u: number): number {
  let lo = 0;
  let hi = prefix.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (prefix[mid] <= u) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
