import { cloudWatchDimensionValue, resourceTypeOf, targetGroupArn } from '../../../local/router/arn';
import { matchesConditions, requestFacts } from '../../../local/router/conditions';
import { datapoints, percentile, periodValue } from '../../../local/router/metric-data';
import { MetricsStore } from '../../../local/router/metrics-store';
import { healthCheckSettingsSchema } from '../../../shared/router-api/schemas';
import {
  applyCheck,
  matcherAccepts,
  registeredHealth,
  type CheckResult,
  type TargetHealth,
} from '../../../local/router/target-health';
import { SmoothWeightedPicker } from '../../../local/router/weighted-picker';
import { createRng } from '../../../local/common/random';

describe('SmoothWeightedPicker', () => {
  const counts = (weights: number[], n: number) => {
    const picker = new SmoothWeightedPicker(weights.map((weight, item) => ({ item, weight })));
    const out = weights.map(() => 0);
    let worst = 0;
    for (let k = 1; k <= n; k += 1) {
      out[picker.pick()] += 1;
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, i) => (worst = Math.max(worst, Math.abs(out[i] - (k * w) / total))));
    }
    return { out, worst };
  };

  it('is exact over every full cycle of sum(weights) picks', () => {
    expect(counts([80, 10, 10], 1000).out).toEqual([800, 100, 100]);
    expect(counts([5, 0, 995], 3000).out).toEqual([15, 0, 2985]);
    expect(counts([999, 1], 1000).out).toEqual([999, 1]);
  });

  it('never strays 1.1 picks or more from the exact share, for random weight sets of up to 5 groups', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 300; trial += 1) {
      const weights = Array.from({ length: 2 + Math.floor(rng.next() * 4) }, () => Math.floor(rng.next() * 1000));
      if (weights.every((w) => w === 0)) continue;
      expect(counts(weights, 1500).worst).toBeLessThan(1.1);
    }
  });

  it('refuses all-zero weights', () => {
    expect(() => new SmoothWeightedPicker([{ item: 'a', weight: 0 }])).toThrow(/at least one positive weight/);
  });
});

describe('rule conditions', () => {
  const facts = (method: string, url: string, headers: Record<string, string> = {}) =>
    requestFacts(method, url, { host: 'shop.example.com:8080', ...headers });

  it('matches ALB-style wildcards: path case-sensitive without the query, host and header values case-insensitive', () => {
    expect(matchesConditions([{ field: 'path-pattern', values: ['/api/*'] }], facts('GET', '/api/v1?x=/other'))).toBe(
      true,
    );
    expect(matchesConditions([{ field: 'path-pattern', values: ['/API/*'] }], facts('GET', '/api/v1'))).toBe(false);
    expect(matchesConditions([{ field: 'path-pattern', values: ['/item/?'] }], facts('GET', '/item/7'))).toBe(true);
    expect(matchesConditions([{ field: 'path-pattern', values: ['/item/?'] }], facts('GET', '/item/77'))).toBe(false);
    expect(matchesConditions([{ field: 'path-pattern', values: ['/a.b'] }], facts('GET', '/axb'))).toBe(false);
    expect(matchesConditions([{ field: 'host-header', values: ['*.EXAMPLE.com'] }], facts('GET', '/'))).toBe(true);
    expect(
      matchesConditions(
        [{ field: 'http-header', httpHeaderName: 'X-Beta', values: ['y*'] }],
        facts('GET', '/', { 'x-beta': 'YES' }),
      ),
    ).toBe(true);
    expect(
      matchesConditions([{ field: 'http-header', httpHeaderName: 'X-Beta', values: ['y*'] }], facts('GET', '/')),
    ).toBe(false);
    expect(matchesConditions([{ field: 'http-request-method', values: ['POST', 'PUT'] }], facts('PUT', '/'))).toBe(
      true,
    );
    expect(matchesConditions([{ field: 'http-request-method', values: ['POST'] }], facts('post', '/'))).toBe(false);
  });

  it('needs every condition to match and any value of each', () => {
    const both = [
      { field: 'path-pattern' as const, values: ['/x', '/api/*'] },
      { field: 'http-request-method' as const, values: ['GET'] },
    ];
    expect(matchesConditions(both, facts('GET', '/api/1'))).toBe(true);
    expect(matchesConditions(both, facts('POST', '/api/1'))).toBe(false);
  });
});

describe('target health transitions (ELBv2)', () => {
  const settings = healthCheckSettingsSchema.parse({
    intervalSeconds: 1,
    timeoutSeconds: 0.5,
    healthyThresholdCount: 3,
    unhealthyThresholdCount: 2,
  });
  const ok: CheckResult = { ok: true };
  const bad: CheckResult = { ok: false, reason: 'Target.Timeout', description: 'Request timed out' };
  const run = (results: CheckResult[], start: TargetHealth = registeredHealth()) => {
    const states: string[] = [];
    results.reduce((h, r) => {
      const next = applyCheck(h, r, settings);
      states.push(next.state);
      return next;
    }, start);
    return states;
  };

  it('turns a new target healthy after one passing check', () => {
    expect(run([ok])).toEqual(['healthy']);
  });

  it('falls after unhealthyThresholdCount failures and recovers after healthyThresholdCount passes', () => {
    expect(run([ok, bad, bad, ok, ok, ok])).toEqual([
      'healthy',
      'healthy',
      'unhealthy',
      'unhealthy',
      'unhealthy',
      'healthy',
    ]);
    expect(run([ok, bad, ok, bad, ok])).toEqual(Array(5).fill('healthy'));
  });

  it('keeps a new target initial until it fails the unhealthy threshold, with the reason of the last failure', () => {
    const first = applyCheck(registeredHealth(), bad, settings);
    expect(first).toMatchObject({ state: 'initial', reason: 'Elb.InitialHealthChecking' });
    expect(applyCheck(first, bad, settings)).toMatchObject({
      state: 'unhealthy',
      reason: 'Target.Timeout',
      description: 'Request timed out',
    });
  });

  it('reads ELBv2 matchers', () => {
    expect([200, 204, 299, 300].map((s) => matcherAccepts('200-299', s))).toEqual([true, true, true, false]);
    expect([200, 202, 201].map((s) => matcherAccepts('200,202', s))).toEqual([true, true, false]);
  });

  it('rejects a timeout not below the interval, as ELBv2 does', () => {
    const result = healthCheckSettingsSchema.safeParse({ intervalSeconds: 1, timeoutSeconds: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['timeoutSeconds'],
      message: 'must be smaller than intervalSeconds (as on ELBv2)',
    });
  });
});

describe('metrics store and CloudWatch statistics', () => {
  const T0 = 1_800_000_000_000; // a whole second

  it('computes per-period statistics exactly from recorded data', () => {
    const store = new MetricsStore();
    const latencies = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1];
    latencies.forEach((l, i) => store.addLatency('tg', T0 + i * 100, l));
    store.addCount('tg', 'RequestCount', T0, 10);
    store.addCount('tg', 'RequestCount', T0 + 2000, 4);
    store.addCount('tg', 'HTTPCode_Target_5XX_Count', T0 + 2000, 1);
    const read = (a: number, b: number) => store.read('tg', a, b);
    const at = (metric: string, stat: string, period: number) => datapoints(read, metric, stat, period, T0, T0 + 3000);

    expect(at('TargetResponseTime', 'p50', 1)).toEqual({ timestamps: [T0], values: [0.05], notes: [] });
    expect(at('TargetResponseTime', 'p90', 1).values).toEqual([0.09]);
    expect(at('TargetResponseTime', 'p99', 1).values).toEqual([0.1]);
    expect(at('TargetResponseTime', 'SampleCount', 1).values).toEqual([10]);
    expect(at('TargetResponseTime', 'Average', 1).values[0]).toBeCloseTo(0.055, 12);
    expect(at('TargetResponseTime', 'Minimum', 1).values).toEqual([0.01]);
    expect(at('RequestCount', 'Sum', 1)).toEqual({ timestamps: [T0, T0 + 2000], values: [10, 4], notes: [] });
    expect(at('RequestCount', 'Sum', 3600).values).toEqual([14]);
    expect(at('RequestCount', 'Average', 1).values).toEqual([1, 1]);
    // Count metrics have no datapoint in a period where they were zero.
    expect(at('HTTPCode_Target_5XX_Count', 'Sum', 1)).toEqual({ timestamps: [T0 + 2000], values: [1], notes: [] });
  });

  it('clips periods to the window and aligns them to multiples of the period', () => {
    const store = new MetricsStore();
    for (let s = 0; s < 10; s += 1) store.addCount('tg', 'RequestCount', T0 + s * 1000, s + 1);
    const read = (a: number, b: number) => store.read('tg', a, b);
    // Window [T0+3s, T0+8s) with 5-second periods: T0 is a multiple of 5 s, so periods start at T0 and T0+5s.
    expect(datapoints(read, 'RequestCount', 'Sum', 5, T0 + 3000, T0 + 8000)).toEqual({
      timestamps: [T0, T0 + 5000],
      values: [4 + 5, 6 + 7 + 8],
      notes: [],
    });
  });

  it('forgets seconds older than its retention and keeps raw latencies only for rawRetentionSeconds', () => {
    const store = new MetricsStore({ retentionSeconds: 10, rawRetentionSeconds: 3 });
    for (let s = 0; s < 15; s += 1) store.addLatency('tg', T0 + s * 1000, 0.001 * (s + 1));
    const read = (a: number, b: number) => store.read('tg', a, b);
    const seconds = store.read('tg', T0 / 1000, T0 / 1000 + 15);
    expect(seconds.map((s) => s.second - T0 / 1000)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(seconds.filter((s) => s.samples).map((s) => s.second - T0 / 1000)).toEqual([12, 13, 14]);
    // A write for a second that already aged out is dropped instead of corrupting a newer bucket.
    store.addLatency('tg', T0, 9);
    expect(datapoints(read, 'TargetResponseTime', 'Maximum', 1, T0 + 5000, T0 + 6000).values).toEqual([0.006]);
    expect(datapoints(read, 'TargetResponseTime', 'p50', 1, T0 + 5000, T0 + 6000)).toEqual({
      timestamps: [],
      values: [],
      notes: ['raw latencies (for pNN, PR and TC) are kept only for the last rawRetentionSeconds'],
    });
  });

  it('keeps a uniform sample of at most maxSamplesPerSecond raw latencies per second, exact aggregates regardless', () => {
    const store = new MetricsStore({ maxSamplesPerSecond: 100, random: createRng(3).next });
    for (let i = 0; i < 10_000; i += 1) store.addLatency('tg', T0, (i + 1) / 10_000);
    const [second] = store.read('tg', T0 / 1000, T0 / 1000 + 1);
    expect(second.samples).toHaveLength(100);
    expect(second.latency.count).toBe(10_000);
    expect(periodValue('TargetResponseTime', 'Average', [second]).value).toBeCloseTo(0.50005, 10);
    // The sampled median of uniform 0..1 lies near 0.5 (sd of a 100-sample median ≈ 0.05).
    expect(Math.abs((periodValue('TargetResponseTime', 'p50', [second]).value ?? 0) - 0.5)).toBeLessThan(0.2);
  });

  it('serves PR(lo:hi) as the percent and TC(lo:hi) as the count of latencies in (lo, hi], as CloudWatch defines them', () => {
    const store = new MetricsStore();
    // 0.1 .. 1.0 s in one second, 0.5 exactly among them; two more in the next second.
    [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].forEach((l, i) => store.addLatency('tg', T0 + i * 50, l));
    store.addLatency('tg', T0 + 1000, 0.5);
    store.addLatency('tg', T0 + 1000, 2);
    const read = (a: number, b: number) => store.read('tg', a, b);
    const at = (stat: string, period = 1) => datapoints(read, 'TargetResponseTime', stat, period, T0, T0 + 2000);
    // The upper bound is inclusive: 0.5 counts as "at or below 0.5".
    expect(at('PR(:0.5)')).toEqual({ timestamps: [T0, T0 + 1000], values: [50, 50], notes: [] });
    expect(at('TC(0.5:)').values).toEqual([5, 1]);
    // The lower bound is exclusive: 0.3 is not in (0.3, 0.6].
    expect(at('TC(0.3:0.6)').values).toEqual([3, 1]);
    expect(at('PR(0.3:0.6)').values).toEqual([30, 50]);
    expect(at('PR(:)').values).toEqual([100, 100]);
    expect(at('TC(5:)').values).toEqual([0, 0]);
    // Over a longer period: 12 latencies, 6 at or below 0.5, 6 above.
    expect(at('PR(:0.5)', 60).values).toEqual([50]);
    expect(at('TC(0.5:)', 60).values).toEqual([6]);
    // PR x SampleCount gives back the count above the bound.
    expect((at('SampleCount', 60).values[0] * (100 - at('PR(:0.5)', 60).values[0])) / 100).toBe(6);
  });

  it('ranks count metrics as samples of value 1 and gauges by their per-second values', () => {
    const store = new MetricsStore();
    store.addCount('tg', 'RequestCount', T0, 7);
    [1, 2, 2].forEach((v, i) => store.setGauge('tg', 'HealthyHostCount', T0 + i * 1000, v));
    const read = (a: number, b: number) => store.read('tg', a, b);
    const at = (metric: string, stat: string) => datapoints(read, metric, stat, 60, T0, T0 + 3000).values;
    expect(at('RequestCount', 'TC(0:)')).toEqual([7]);
    expect(at('RequestCount', 'TC(1:)')).toEqual([0]);
    expect(at('RequestCount', 'PR(:1)')).toEqual([100]);
    expect(at('HealthyHostCount', 'PR(:1)')).toEqual([100 / 3]);
    expect(at('HealthyHostCount', 'TC(1:2)')).toEqual([2]);
  });

  it('estimates PR and TC from the reservoir when a second had more latencies than it keeps', () => {
    const store = new MetricsStore({ maxSamplesPerSecond: 200, random: createRng(5).next });
    // 4000 latencies, 1 in 10 above 0.5 s.
    for (let i = 0; i < 4000; i += 1) store.addLatency('tg', T0, i % 10 === 0 ? 0.9 : 0.1);
    const [second] = store.read('tg', T0 / 1000, T0 / 1000 + 1);
    expect(second.samples).toHaveLength(200);
    const tc = periodValue('TargetResponseTime', 'TC(0.5:)', [second]).value ?? NaN;
    const pr = periodValue('TargetResponseTime', 'PR(:0.5)', [second]).value ?? NaN;
    // A sample of 200 at 10 %: sd of the count about 4000 x 0.021 = 85; the estimate is scaled to all 4000.
    expect(Math.abs(tc - 400)).toBeLessThan(4 * 85);
    expect(Number.isInteger(tc)).toBe(true);
    expect(Math.abs(pr - 90)).toBeLessThan(4 * 2.1);
    expect(tc).toBeCloseTo((4000 * (100 - pr)) / 100, 6);
  });

  it('has no PR or TC for seconds whose raw latencies aged out, and says why', () => {
    const store = new MetricsStore({ retentionSeconds: 10, rawRetentionSeconds: 3 });
    for (let s = 0; s < 6; s += 1) store.addLatency('tg', T0 + s * 1000, 1);
    const read = (a: number, b: number) => store.read('tg', a, b);
    const note = 'raw latencies (for pNN, PR and TC) are kept only for the last rawRetentionSeconds';
    expect(datapoints(read, 'TargetResponseTime', 'TC(0.5:)', 1, T0, T0 + 6000)).toEqual({
      timestamps: [T0 + 3000, T0 + 4000, T0 + 5000],
      values: [1, 1, 1],
      notes: [note],
    });
    expect(datapoints(read, 'TargetResponseTime', 'SampleCount', 1, T0, T0 + 6000).values).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('uses the nearest-rank percentile', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 75)).toBe(3);
    expect(percentile([1, 2, 3, 4], 76)).toBe(4);
    expect(percentile([7], 99.9)).toBe(7);
  });
});

describe('ARNs', () => {
  it('gives CloudWatch dimension values and resource types of ELBv2 ARNs', () => {
    const tg = targetGroupArn('canary', '0123456789abcdef');
    expect(tg).toBe('arn:aws:elasticloadbalancing:local:000000000000:targetgroup/canary/0123456789abcdef');
    expect(cloudWatchDimensionValue(tg)).toBe('targetgroup/canary/0123456789abcdef');
    expect(cloudWatchDimensionValue('arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/lr/abc')).toBe(
      'app/lr/abc',
    );
    expect(resourceTypeOf('arn:aws:elasticloadbalancing:local:000000000000:listener-rule/app/lr/a/b/c')).toBe(
      'listener-rule',
    );
  });
});
