import { lookInput } from '../../../bench/stats/judge-run';
import {
  bestCountPower,
  bestTimeToRollback,
  countLevelForPower,
  sequentialCountPower,
  earliestMannWhitneyLook,
  renderLimits,
  requestsPerVersion,
  type Evidence,
} from '../../../bench/stats/limits';
import { buildPolicies } from '../../../bench/stats/policies';
import { DEFAULT_SERVICE, profileById } from '../../../bench/stats/world';
import { alphaSpent } from '../../../shared/judge/error-control';
import { normalCdf, normalQuantile } from '../../../shared/judge/normal';

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

  it('finds the false rollback rate a one-look count test must accept to catch ×2 in 60 %: 0.47 % on the headline run', () => {
    const level = countLevelForPower(headline, DEFAULT_SERVICE, 2, 0.6);
    expect(level).toBeCloseTo(0.0047, 4);
    // the smallest such level: the best test at it has the power, and 1 % less level has not
    const at = (alpha: number) =>
      bestCountPower({ profile: headline, ratio: 2, allowedIncrease: 1, alpha }, DEFAULT_SERVICE);
    expect(at(level)).toBeGreaterThanOrEqual(0.6);
    expect(at(level * 0.99)).toBeLessThan(0.6);
    expect(countLevelForPower(headline, DEFAULT_SERVICE, 2, 0.999)).toBeNaN();
  });

  it('finds the earliest look a continuous metric can reject at: 6 points at minute 7 on 1-minute data', () => {
    // 5 points (minute 6): smallest one-sided p 0.0061 (normal approximation, continuity-corrected) > α(0.15) = 0.0046;
    // 6 points (minute 7): 0.0025 < α(0.175) = 0.0053
    const look = earliestMannWhitneyLook(headline, 0.02, 5);
    expect(look.points).toBe(6);
    expect(look.minutes).toBe(7);
    expect(look.alpha).toBeCloseTo(0.02 * Math.log(1 + (Math.E - 1) * 0.175), 12);
  });

  describe('best-case minutes to roll back latency +10 % at the default levels', () => {
    const defaults = buildPolicies().find((p) => p.id === 'default');
    if (!defaults) throw new Error('no default policy');
    const best = (profileId: string, evidence: Evidence) => {
      const profile = profileById(profileId);
      return bestTimeToRollback(lookInput(defaults, profile), 'latency', profile, DEFAULT_SERVICE, 1.1, evidence);
    };

    it('at the first look with data (minute 2 on CloudWatch: one minute of 300 requests per side) is Φ(δ√(n/2)/σ − z)', () => {
      const first = best('cw-5pct', 'requests').byMinute[0];
      expect(first.minutes).toBe(2);
      const z = normalQuantile(1 - alphaSpent('pocock', 0.02, 2 / 40));
      expect(first.probability).toBeCloseTo(normalCdf((Math.log(1.1) * Math.sqrt(300 / 2)) / 0.6 - z), 12);
      expect(first.probability).toBeCloseTo(0.16, 2);
    });

    it('is minute 4 on CloudWatch and minute 3 on Prometheus with every request, later with per-period means', () => {
      const cw = best('cw-5pct', 'requests');
      expect(cw.medianMinutes).toBe(4);
      expect(cw.byMinute.find((b) => b.minutes === 5)?.probability).toBeCloseTo(0.837, 3);
      expect(best('cw-5pct', 'period-means').byMinute.find((b) => b.minutes === 5)?.probability).toBeCloseTo(0.741, 3);
      expect(best('prom-ramp', 'requests').medianMinutes).toBe(3);
      expect(best('prom-ramp', 'period-means').medianMinutes).toBe(3.5);
      expect(best('prom-ramp', 'requests').byMinute.find((b) => b.minutes === 3)?.probability).toBeCloseTo(0.584, 3);
    });

    it('is minute 3 on Prometheus from its histogram only just (50.6 % by then), and 4 on CloudWatch', () => {
      const prom = best('prom-ramp', 'histogram');
      expect(prom.medianMinutes).toBe(3);
      expect(prom.byMinute.find((b) => b.minutes === 3)?.probability).toBeCloseTo(0.506, 3);
      // 1.2 % less information and the median is 3.5: a rank test, which does not know the shape, keeps 3/π of it
      const lossy = (efficiency: number) =>
        bestTimeToRollback(
          lookInput(defaults, profileById('prom-ramp')),
          'latency',
          profileById('prom-ramp'),
          DEFAULT_SERVICE,
          1.1,
          'histogram',
          efficiency,
        );
      expect(lossy(0.99).medianMinutes).toBe(3.5);
      expect(lossy(3 / Math.PI).medianMinutes).toBe(3.5);
      expect(lossy(3 / Math.PI).byMinute.find((b) => b.minutes === 3)?.probability).toBeCloseTo(0.479, 3);
      expect(best('cw-5pct', 'histogram').medianMinutes).toBe(4);
      expect(best('cw-5pct', 'histogram').byMinute.find((b) => b.minutes === 5)?.probability).toBeCloseTo(0.82, 3);
    });
  });

  describe('the count test looked at every minute at the Pocock-like levels (normal approximation)', () => {
    const defaults = buildPolicies().find((p) => p.id === 'default');
    if (!defaults) throw new Error('no default policy');
    const power = (ratio: number) =>
      sequentialCountPower(lookInput(defaults, headline), 'error-rate', headline, DEFAULT_SERVICE, ratio, 1.1);

    it('spends about the run budget at the null boundary (its looks see one minute less than the calendar)', () => {
      expect(Math.abs(power(1.1) - 0.02)).toBeLessThan(0.002);
    });

    it('catches 5xx ×2 on the headline run in 50.9 %: below the single look at the end (65.6 %)', () => {
      expect(power(2)).toBeCloseTo(0.509, 3);
      expect(power(2)).toBeLessThan(
        bestCountPower({ profile: headline, ratio: 2, allowedIncrease: 1.1, alpha: 0.02 }, DEFAULT_SERVICE),
      );
    });
  });

  it('prints one line per profile with the numbers above', () => {
    const defaults = buildPolicies().find((p) => p.id === 'default');
    if (!defaults) throw new Error('no default policy');
    const text = renderLimits([headline, profileById('prom-ramp')], DEFAULT_SERVICE, defaults);
    const [, cw, prom] = text.split('\n');
    expect(cw).toMatch(/^ {2}cw-5pct: 12,000 requests per version, 24 baseline 5xx expected; α 0\.02, ×1\.1: 65\.6%;/);
    expect(cw).toContain(
      '×2 in 60 %: 0.47 % false rollbacks; a count test at the Pocock-like levels of every look: 50.9%',
    );
    expect(cw).toContain(
      'latency +10 % at best: minute 4 (every request), 4 (the histogram: 96.5 % of the information',
    );
    expect(prom).toContain(
      'minute 3 (every request), 3 (the histogram: 88.0 % of the information, 50.6 % by then), 3.5',
    );
  });
});
