import { simulateRunSeries } from '../../../bench/stats/series';
import { scenarioById } from '../../../bench/stats/scenarios';
import { DEFAULT_SERVICE, profileById } from '../../../bench/stats/world';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('simulated run series', () => {
  const profile = profileById('cw-5pct');

  it('gives every metric one value (or count) per period for both versions (4 steps × 10 one-minute periods)', () => {
    const s = simulateRunSeries(3, profile, DEFAULT_SERVICE, {});
    expect(s.periods).toHaveLength(40);
    for (const version of [s.baseline, s.canary]) {
      for (const values of [...Object.values(version.values), ...Object.values(version.events), version.requests]) {
        expect(values).toHaveLength(40);
      }
      version.events['error-rate'].forEach((e, i) => expect(e).toBeLessThanOrEqual(version.requests[i]));
    }
  });

  it('changes only the canary between scenarios of the same seed (common random numbers)', () => {
    const aa = simulateRunSeries(5, profile, DEFAULT_SERVICE, scenarioById('aa').canary);
    const slower = simulateRunSeries(5, profile, DEFAULT_SERVICE, scenarioById('latency-10pct').canary);
    expect(slower.baseline).toEqual(aa.baseline);
    expect(slower.canary.values.latency).not.toEqual(aa.canary.values.latency);
  });

  it('applies the scenario: +10 % latency and ×5 errors show in the canary means over many runs', () => {
    const ratio = (scenario: string, metric: 'latency' | 'error-rate' | 'latency-slow') => {
      let canary = 0;
      let baseline = 0;
      for (let seed = 1; seed <= 200; seed++) {
        const s = simulateRunSeries(seed, profile, DEFAULT_SERVICE, scenarioById(scenario).canary);
        const of = (v: typeof s.canary) =>
          metric === 'latency'
            ? mean(v.values.latency)
            : v.events[metric].reduce((a, b) => a + b, 0) / v.requests.reduce((a, b) => a + b, 0);
        canary += of(s.canary);
        baseline += of(s.baseline);
      }
      return canary / baseline;
    };
    // per-instance offsets (sd 1 % each) average out over 200 runs: ±0.1 % standard error
    expect(ratio('latency-10pct', 'latency')).toBeCloseTo(1.1, 2);
    expect(ratio('aa', 'latency')).toBeCloseTo(1, 2);
    // 5xx: Binomial(≈300, 0.2 %) per minute over 8000 minutes per side: ±2.6 % relative standard error
    expect(ratio('errors-x5', 'error-rate')).toBeGreaterThan(4.6);
    expect(ratio('errors-x5', 'error-rate')).toBeLessThan(5.4);
    // slow requests (> 0.5 s): 0.11 % of a log-normal(80 ms, 0.6); the tail scenario adds 1 % of requests at +0.5 s
    // (all slow): ×9.8. +10 % latency moves the share to 0.19 %: ×1.7 (the tail of a log-normal is sensitive)
    expect(ratio('p99-tail', 'latency-slow')).toBeGreaterThan(8.8);
    expect(ratio('p99-tail', 'latency-slow')).toBeLessThan(10.8);
    expect(ratio('latency-10pct', 'latency-slow')).toBeGreaterThan(1.5);
    expect(ratio('latency-10pct', 'latency-slow')).toBeLessThan(1.9);
  });

  it('a leak grows the canary latency over the run', () => {
    let early = 0;
    let late = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const s = simulateRunSeries(seed, profile, DEFAULT_SERVICE, scenarioById('leak').canary);
      early += mean(s.canary.values.latency.slice(0, 10)) / mean(s.baseline.values.latency.slice(0, 10));
      late += mean(s.canary.values.latency.slice(30)) / mean(s.baseline.values.latency.slice(30));
    }
    // +30 % at the end, linear: the first step averages about +3.75 %, the last about +26 %
    expect(early / 100).toBeCloseTo(1.0375, 1);
    expect(late / 100).toBeGreaterThan(1.23);
    expect(late / 100).toBeLessThan(1.29);
  });
});
