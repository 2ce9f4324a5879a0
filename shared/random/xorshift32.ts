/**
 * Marsaglia's xorshift32 (shifts 13, 17, 5) as a uniform [0, 1) source: the same seed gives the same sequence
 * on every machine. Not for anything that must be unpredictable.
 *
 * Zero is the generator's fixed point, so a seed that is 0 modulo 2^32 starts from `zeroSeed` instead.
 */
export function xorshift32(seed: number, zeroSeed = 1): () => number {
  let state = seed >>> 0 || zeroSeed >>> 0;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
