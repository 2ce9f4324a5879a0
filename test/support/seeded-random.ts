/** The property tests' seeded source is the shared xorshift32: same seed, same sequence, on every machine. */
export { xorshift32 as seededRandom } from '../../shared/random/xorshift32';

/** An integer in [lo, hi]. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}
