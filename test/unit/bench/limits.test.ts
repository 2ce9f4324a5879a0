import { bestCountPower, earliestMannWhitneyLook, requestsPerVersion } from '../../../bench/stats/limits';
import { DEFAULT_SERVICE, profileById } from '../../../bench/stats/world';

const headline = profileById('cw-5pct');

describe('bench:stats limits', () => {
  it('counts the requests a version gets over the run: 100/s × 5 % × 40 min', () => {
    expect(requestsPerVersion(headline, DEFAULT_SERVICE)).toBe(12_000);
    expect(requestsPerVersion(profileById('cw-ramp'), DEFAULT_SERVICE)).toBe(54_000);
  });

  it('has power exactly α when the true ratio is the null boundary (the randomized test is exact)', () => {
    for (const alpha of [0.02, 0.005]) {
      const power = bestCountPower({ profile: headline, ratio: 1.1, allowedIncrease: 1.1, alpha }, DEFAULT_SERVICE);
      expect(power).toBeCloseTo(alpha, 12);
    }
  });

  it('gives the best power against ×2 on the headline profile, falling with the level and rising with the data', () => {
    const at = (alpha: number, allowedIncrease: number, profile = headline) =>
      bestCountPower({ profile, ratio: 2, allowedIncrease, alpha }, DEFAULT_SERVICE);
    // 24 baseline and 48 canary errors expected; normal approximation of the same test: Φ((48 − 46.4) / 4) ≈ 0.66
    expect(at(0.02, 1.1)).toBeCloseTo(0.656, 3);
    expect(at(0.005, 1.1)).toBeCloseTo(0.449, 3);
    expect(at(0.005, 1)).toBeCloseTo(0.608, 3);
    expect(at(0.005, 1.1, profileById('cw-ramp'))).toBeGreaterThan(0.99);
  });

  it('finds the earliest look a continuous metric can reject at: 6 points at minute 7 on 1-minute data', () => {
    // 5 points (minute 6): smallest one-sided p 0.0061 (normal approximation, continuity-corrected) > α(0.15) = 0.0046;
    // 6 points (minute 7): 0.0025 < α(0.175) = 0.0053
    const look = earliestMannWhitneyLook(headline, 0.02, 5);
    expect(look.points).toBe(6);
    expect(look.minutes).toBe(7);
    expect(look.alpha).toBeCloseTo(0.02 * Math.log(1 + (Math.E - 1) * 0.175), 12);
  });
});
