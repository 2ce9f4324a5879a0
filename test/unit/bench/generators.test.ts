import { createRng } from '../../../bench/stats/rng';
import { beta, binomial, gamma, logGamma, poisson } from '../../../bench/stats/distributions';
import { ar1Series } from '../../../bench/stats/generators/ar1';
import { buildTimeline } from '../../../shared/plan/timeline';
import { requestCounts } from '../../../bench/stats/generators/traffic';
import { errorSeries } from '../../../bench/stats/generators/errors';
import { cpuSeries } from '../../../bench/stats/generators/cpu';
import { latencySeries, upperTail } from '../../../bench/stats/generators/latency';

// Sample moments are compared with the parameters within ~4 standard errors of the estimate, at fixed seeds.

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

function draw(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

describe('seeded rng', () => {
  it('repeats a stream for the same seed and differs across seeds and streams', () => {
    const a = draw(5, createRng(7).uniform);
    expect(draw(5, createRng(7).uniform)).toEqual(a);
    expect(draw(5, createRng(8).uniform)).not.toEqual(a);
    expect(draw(5, createRng(7, 1).uniform)).not.toEqual(a);
  });

  it('gives standard normals and uniforms on (0, 1)', () => {
    const rng = createRng(1);
    const u = draw(100_000, rng.uniform);
    expect(Math.min(...u)).toBeGreaterThan(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(moments(u).mean).toBeCloseTo(0.5, 2);
    const z = moments(draw(100_000, rng.normal));
    expect(Math.abs(z.mean)).toBeLessThan(0.013);
    expect(Math.abs(z.variance - 1)).toBeLessThan(0.018);
  });
});

describe('distributions', () => {
  it.each([0.3, 4, 25, 3000])('poisson(%p) has mean and variance equal to its mean', (mean) => {
    const rng = createRng(11);
    const m = moments(draw(100_000, () => poisson(rng, mean)));
    const se = Math.sqrt(mean / 100_000);
    expect(Math.abs(m.mean - mean)).toBeLessThan(4 * se);
    expect(Math.abs(m.variance / mean - 1)).toBeLessThan(0.02);
  });

  it('binomial(600, 0.002) has mean np and variance np(1-p), mostly zeros and ones', () => {
    const rng = createRng(12);
    const xs = draw(100_000, () => binomial(rng, 600, 0.002));
    const m = moments(xs);
    expect(Math.abs(m.mean - 1.2)).toBeLessThan(4 * Math.sqrt(1.1976 / 100_000));
    expect(Math.abs(m.variance / 1.1976 - 1)).toBeLessThan(0.02);
    // P(0) = 0.998^600 = 0.3009
    expect(xs.filter((x) => x === 0).length / xs.length).toBeCloseTo(0.3009, 2);
  });

  it('binomial with p > 0.5 mirrors and stays within [0, n]', () => {
    const rng = createRng(13);
    const m = moments(draw(50_000, () => binomial(rng, 20, 0.9)));
    expect(m.mean).toBeCloseTo(18, 1);
    expect(m.variance).toBeCloseTo(1.8, 1);
  });

  it('gamma and beta match their mean and variance', () => {
    const rng = createRng(14);
    const g = moments(draw(100_000, () => gamma(rng, 0.5)));
    expect(g.mean).toBeCloseTo(0.5, 2);
    expect(g.variance).toBeCloseTo(0.5, 1);
    const b = moments(draw(100_000, () => beta(rng, 2, 5)));
    expect(b.mean).toBeCloseTo(2 / 7, 2);
    expect(b.variance).toBeCloseTo(10 / (49 * 8), 3);
  });

  it('logGamma matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 8); // ln(170!), Python math.lgamma
    expect(logGamma(3.7)).toBeCloseTo(1.4280723266653883, 12);
  });
});

describe('AR(1) series', () => {
  it('is stationary with the given sd and lag-1 correlation exp(-dt/tau)', () => {
    const xs = ar1Series(createRng(21), 200_000, 60, { sd: 0.1, timeConstantSeconds: 300 });
    const m = moments(xs);
    expect(Math.abs(m.mean)).toBeLessThan(0.005);
    expect(Math.sqrt(m.variance)).toBeCloseTo(0.1, 2);
    let lagged = 0;
    for (let i = 1; i < xs.length; i++) lagged += (xs[i] - m.mean) * (xs[i - 1] - m.mean);
    expect(lagged / (xs.length - 1) / m.variance).toBeCloseTo(Math.exp(-60 / 300), 2);
  });
});

describe('timeline and traffic', () => {
  it('cuts steps into periods with their share and start time', () => {
    const periods = buildTimeline(
      [
        { weight: 5, durationSeconds: 120 },
        { weight: 10, durationSeconds: 90 },
      ],
      60,
    );
    expect(periods).toEqual([
      { stepIndex: 0, share: 0.05, startSeconds: 0 },
      { stepIndex: 0, share: 0.05, startSeconds: 60 },
      { stepIndex: 1, share: 0.1, startSeconds: 120 },
    ]);
    expect(() => buildTimeline([{ weight: 5, durationSeconds: 30 }], 60)).toThrow(
      'step 0 is shorter than one 60s period',
    );
  });

  it('gives each version Poisson(rate × share × period) requests', () => {
    const periods = buildTimeline([{ weight: 5, durationSeconds: 60 * 50_000 }], 60);
    const counts = requestCounts(
      createRng(31),
      periods,
      60,
      { requestsPerSecond: 100 },
      new Array(periods.length).fill(0),
    );
    const m = moments(counts);
    expect(Math.abs(m.mean - 300)).toBeLessThan(4 * Math.sqrt(300 / 50_000));
    expect(m.variance / 300).toBeCloseTo(1, 1);
  });
});

describe('errors', () => {
  it('counts Binomial errors per period and gives NaN rates for periods without requests', () => {
    const requests = [...new Array(50_000).fill(300), 0];
    const s = errorSeries(createRng(41), requests, new Array(requests.length).fill(0.002));
    const m = moments(s.count.slice(0, -1));
    expect(Math.abs(m.mean - 0.6)).toBeLessThan(4 * Math.sqrt(0.5988 / 50_000));
    expect(s.rate[0]).toBe(s.count[0] / 300);
    expect(s.count[requests.length - 1]).toBe(0);
    expect(s.rate[requests.length - 1]).toBeNaN();
    expect(moments(s.rate.slice(0, -1)).mean).toBeCloseTo(0.002, 4);
  });
});

describe('cpu', () => {
  it('stays in (0, 100), centres on the load-driven utilisation, and is autocorrelated', () => {
    const load = new Array(20_000).fill(10);
    const model = {
      idle: 0.05,
      perRequestPerSecond: 0.02,
      instanceSd: 0,
      noise: { sd: 0.1, timeConstantSeconds: 300 },
    };
    const xs = cpuSeries(createRng(51), model, 60, load, 1);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.max(...xs)).toBeLessThan(100);
    const m = moments(xs);
    // median of logistic(logit(0.25) + N(0, 0.1²)) is 25 %; the mean is pulled slightly toward 50 %.
    expect(m.mean).toBeGreaterThan(24.5);
    expect(m.mean).toBeLessThan(25.5);
    let lagged = 0;
    for (let i = 1; i < xs.length; i++) lagged += (xs[i] - m.mean) * (xs[i - 1] - m.mean);
    expect(lagged / (xs.length - 1) / m.variance).toBeGreaterThan(0.75);
  });
});

describe('latency', () => {
  const model = { medianSeconds: 0.08, sigma: 0.6, instanceSd: 0 };
  const periods = 10_000;
  const lognormalMean = 0.08 * Math.exp(0.18);
  const lognormalVariance = 0.08 ** 2 * Math.exp(0.36) * (Math.exp(0.36) - 1);

  it.each([50, 600])('period averages of %p requests have the log-normal mean and variance / n', (n) => {
    const s = latencySeries(createRng(61), model, {
      requests: new Array(periods).fill(n),
      logShift: new Array(periods).fill(0),
      instances: 1,
      quantile: 0.99,
    });
    const m = moments(s.average);
    expect(Math.abs(m.mean / lognormalMean - 1)).toBeLessThan(
      (4 * Math.sqrt(lognormalVariance / n / periods)) / lognormalMean,
    );
    expect(m.variance / (lognormalVariance / n)).toBeGreaterThan(0.95);
    expect(m.variance / (lognormalVariance / n)).toBeLessThan(1.05);
  });

  it('the period p99 of n requests is the nearest-rank order statistic', () => {
    const s = latencySeries(createRng(62), model, {
      requests: new Array(periods).fill(600),
      logShift: new Array(periods).fill(0),
      instances: 1,
      quantile: 0.99,
    });
    // k = 594 of 600: the median of Beta(594, 7) is 0.98889014 (scipy), Q⁻¹(0.01110986) = 2.28617, so the
    // median period p99 is 0.08·e^(0.6·2.28617) = 0.315444.
    const sorted = [...s.quantile].sort((a, b) => a - b);
    expect(sorted[periods / 2]).toBeCloseTo(0.315444, 3);
  });

  it('a +0.5 s slow path for 1 % of requests moves p99 far more than the mean', () => {
    const base = {
      requests: new Array(periods).fill(600),
      logShift: new Array(periods).fill(0),
      instances: 1,
      quantile: 0.99,
    };
    const plain = latencySeries(createRng(63), model, base);
    const slow = latencySeries(createRng(63), model, { ...base, slowPath: { fraction: 0.01, extraSeconds: 0.5 } });
    const meanRatio = moments(slow.average).mean / moments(plain.average).mean;
    const p99Ratio = moments(slow.quantile).mean / moments(plain.quantile).mean;
    // mean + 1 % × 0.5 s on a mean of 0.0958 s
    expect(meanRatio).toBeCloseTo(1 + 0.005 / lognormalMean, 2);
    expect(p99Ratio).toBeGreaterThan(1.4);
  });

  it('periods without requests have no datapoint', () => {
    const s = latencySeries(createRng(64), model, { requests: [0, 3], logShift: [0, 0], instances: 2, quantile: 0.99 });
    expect(s.average[0]).toBeNaN();
    expect(s.quantile[0]).toBeNaN();
    expect(s.average[1]).toBeGreaterThan(0);
  });

  it('upper normal tail is accurate to 1.2e-7 relative, also far out', () => {
    expect(upperTail(0)).toBeCloseTo(0.5, 7);
    expect(upperTail(1.959963984540054) / 0.025).toBeCloseTo(1, 6);
    expect(upperTail(5) / 2.866515718791939e-7).toBeCloseTo(1, 6);
    expect(upperTail(-2.326347874040841)).toBeCloseTo(0.99, 7);
  });
});
