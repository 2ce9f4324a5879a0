import { xorshift32 } from '../../../shared/random/xorshift32';

const TWO_POW_32 = 4294967296;

describe('xorshift32', () => {
  it("gives Marsaglia's published sequence, scaled to [0, 1)", () => {
    // Marsaglia, "Xorshift RNGs" (2003): from y = 2463534242 the first output is 723471715.
    const random = xorshift32(2463534242);
    expect([random(), random(), random()].map((u) => u * TWO_POW_32)).toEqual([723471715, 2497366906, 2064144800]);
  });

  it('repeats a sequence for the same seed, taken modulo 2^32', () => {
    const a = xorshift32(7);
    const b = xorshift32(7 + TWO_POW_32);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('starts a zero seed (the fixed point) from zeroSeed, 1 unless given', () => {
    const fromZero = xorshift32(0);
    const fromOne = xorshift32(1);
    expect([fromZero(), fromZero()]).toEqual([fromOne(), fromOne()]);
    const custom = xorshift32(TWO_POW_32, 0x9e3779b9);
    const same = xorshift32(0x9e3779b9);
    expect([custom(), custom()]).toEqual([same(), same()]);
  });
});
