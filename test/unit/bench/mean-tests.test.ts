import { judgeRun } from '../../../bench/stats/judge-run';
import {
  compareMeanTests,
  firstTestFailure,
  meanLatencyPolicy,
  pairedLogP,
  renderMeanTests,
  welchLogP,
} from '../../../bench/stats/mean-tests';
import { buildPolicies } from '../../../bench/stats/policies';
import { simulateRunSeries, type RunSeries } from '../../../bench/stats/series';
import { DEFAULT_SERVICE, profileById } from '../../../bench/stats/world';

// Student's t with 2 degrees of freedom has a closed form: P(T ≥ t) = 1/2 − t / (2√(2 + t²)).
const upperTailDf2 = (t: number) => 0.5 - t / (2 * Math.sqrt(2 + t * t));

const defaults = buildPolicies().find((p) => p.id === 'default');
if (!defaults) throw new Error('no default policy');
const headline = profileById('cw-5pct');

describe('bench:stats mean-test comparison', () => {
  it('computes the paired t test on per-period log ratios (log ratios 1, 2, 3: t = 2√3, 2 df)', () => {
    const p = pairedLogP([1, 1, 1], [Math.E, Math.E ** 2, Math.E ** 3]);
    expect(p).toBeCloseTo(upperTailDf2(2 * Math.sqrt(3)), 12);
    expect(p).toBeCloseTo(0.03709, 5);
  });

  it("computes Welch's t test on log values (logs 0, 1 against 2, 3: t = 2√2, Welch-Satterthwaite gives 2 df)", () => {
    const p = welchLogP([1, Math.E], [Math.E ** 2, Math.E ** 3]);
    expect(p).toBeCloseTo(upperTailDf2(2 * Math.sqrt(2)), 12);
    // one-sided: swapping the versions gives the other tail
    expect(p + welchLogP([Math.E ** 2, Math.E ** 3], [1, Math.E])).toBeCloseTo(1, 12);
  });

  it('gives p = 1 where the statistic is undefined: no spread, or a single point', () => {
    expect(pairedLogP([1, 2], [1, 2])).toBe(1);
    expect(welchLogP([1], [2])).toBe(1);
    expect(() => pairedLogP([1, 2], [1])).toThrow(/one baseline point per canary point/);
  });

  describe('first failing look of a t test, at the judge’s levels', () => {
    const policy = meanLatencyPolicy(defaults, 0.02);
    const aa = simulateRunSeries(1, headline, DEFAULT_SERVICE, {});
    const withCanary = (latency: number[]): RunSeries => ({
      ...aa,
      canary: { ...aa.canary, values: { ...aa.canary.values, latency } },
    });

    it('fails a canary 30 % slower in every minute at the first look with the minimum sample (5 points, minute 6)', () => {
      // a 1 ‰ wobble so that the paired differences have a spread
      const slower = withCanary(aa.baseline.values.latency.map((b, i) => b * 1.3 * (1 + (i % 2) / 1000)));
      expect(firstTestFailure(slower, headline, policy, 'paired-log')).toBe(6);
      expect(firstTestFailure(slower, headline, policy, 'welch-log')).toBeGreaterThanOrEqual(6);
    });

    it('never fails a canary identical to the baseline, nor one under the floor (+4 % against ×1.05)', () => {
      expect(firstTestFailure(withCanary(aa.baseline.values.latency), headline, policy, 'welch-log')).toBeUndefined();
      const under = withCanary(aa.baseline.values.latency.map((b, i) => b * 1.04 * (1 + (i % 2) / 1000)));
      expect(firstTestFailure(under, headline, policy, 'paired-log')).toBeUndefined();
    });
  });

  it('draws latency histograms from their own streams: the other series stay as they are, each period sums to its requests', () => {
    const prom = profileById('prom-ramp');
    const bounds = DEFAULT_SERVICE.latencyHistogramBoundsSeconds;
    const plain = simulateRunSeries(7, prom, DEFAULT_SERVICE, { latencyFactor: 1.1 });
    const withHistogram = simulateRunSeries(
      7,
      prom,
      DEFAULT_SERVICE,
      { latencyFactor: 1.1 },
      { histogramBoundsSeconds: bounds },
    );
    for (const side of ['baseline', 'canary'] as const) {
      const { latencyBuckets, ...rest } = withHistogram[side];
      expect(rest).toEqual(plain[side]);
      expect(latencyBuckets?.map((counts) => counts.reduce((a, b) => a + b, 0))).toEqual(plain[side].requests);
      expect(latencyBuckets?.every((counts) => counts.length === bounds.length + 1)).toBe(true);
    }
    // median 80 ms: over the run, about half of the baseline's requests are at or below the 0.1 s bucket's bound of
    // exp(ln 0.08 + 0.6·z) ≤ 0.1, Φ(ln(1.25)/0.6) = 0.645
    const total = (side: 'baseline' | 'canary', upTo: number) =>
      (withHistogram[side].latencyBuckets ?? []).reduce((s, c) => s + c.slice(0, upTo).reduce((a, b) => a + b, 0), 0);
    const all = withHistogram.baseline.requests.reduce((a, b) => a + b, 0);
    expect(total('baseline', 5) / all).toBeCloseTo(0.645, 1);
    const canaryAll = withHistogram.canary.requests.reduce((a, b) => a + b, 0);
    expect(total('canary', 5) / canaryAll).toBeLessThan(total('baseline', 5) / all);
  });

  it('rolls a canary 50 % slower back by its histogram at the first look with 3 periods (10-s periods: minute 1)', () => {
    const prom = profileById('prom-ramp');
    const histogramBoundsSeconds = DEFAULT_SERVICE.latencyHistogramBoundsSeconds;
    const policy = meanLatencyPolicy(defaults, 0.02, 'latency-histogram');
    expect(policy.canaryConfig.metrics[0].analysisConfigurations.canary.minDataPoints).toBe(3);
    const slower = simulateRunSeries(3, prom, DEFAULT_SERVICE, { latencyFactor: 1.5 }, { histogramBoundsSeconds });
    expect(judgeRun(slower, prom, policy, DEFAULT_SERVICE)).toMatchObject({ action: 'rollback', minutes: 1 });
    const same = simulateRunSeries(3, prom, DEFAULT_SERVICE, {}, { histogramBoundsSeconds });
    expect(judgeRun(same, prom, policy, DEFAULT_SERVICE).action).toBe('promote');
    expect(() => judgeRun(simulateRunSeries(3, prom, DEFAULT_SERVICE, {}), prom, policy, DEFAULT_SERVICE)).toThrow(
      /no latency histogram/,
    );
  });

  describe('the table, on 40 seeded runs of the headline profile', () => {
    const rows = compareMeanTests([headline], DEFAULT_SERVICE, defaults, 40, 1);
    const row = (test: string, budget: number) => {
      const found = rows.find((r) => r.test === test && r.budget === budget);
      if (!found) throw new Error(`no row ${test} ${budget}`);
      return found;
    };

    it('has the Mann-Whitney row of the real judge on the metric alone', () => {
      const policy = meanLatencyPolicy(defaults, 0.02);
      const minutes = Array.from({ length: 40 }, (_, r) => {
        const verdict = judgeRun(
          simulateRunSeries(1 + r, headline, DEFAULT_SERVICE, { latencyFactor: 1.1 }),
          headline,
          policy,
          DEFAULT_SERVICE,
        );
        return verdict.action === 'rollback' ? verdict.minutes : Infinity;
      });
      const mw = row('mann-whitney', 0.02);
      expect(mw.runs).toBe(40);
      expect(mw.detected).toBe(minutes.filter(Number.isFinite).length / 40);
      expect(mw.detectedByStep2).toBe(minutes.filter((m) => m <= 20).length / 40);
      const sorted = [...minutes].sort((a, b) => a - b);
      expect(mw.medianMinutes).toBe((sorted[19] + sorted[20]) / 2);
    });

    it('fails no more often at a tenth of the budget: every look’s level is stricter on the same series', () => {
      for (const test of ['welch-log', 'paired-log', 'histogram-mann-whitney']) {
        const full = row(test, 0.02);
        const tenth = row(test, 0.002);
        expect(tenth.falseFailures).toBeLessThanOrEqual(full.falseFailures);
        expect(tenth.detected).toBeLessThanOrEqual(full.detected);
        expect(tenth.medianMinutes ?? Infinity).toBeGreaterThanOrEqual(full.medianMinutes ?? Infinity);
      }
    });

    it('renders one table line per profile and test', () => {
      const table = renderMeanTests(rows);
      expect(table.split('\n').filter((l) => l.startsWith('| cw-5pct'))).toHaveLength(7);
      expect(table).toContain("| cw-5pct | Welch's t, log per-period means | 0.20 % | 40 |");
    });
  });
});
