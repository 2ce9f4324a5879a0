import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInputSchema, type RunInputRaw } from '../../../shared/config/run-config';
import { normalCdf, normalQuantile } from '../../../shared/judge/normal';
import { bucketInformationShare, PROMETHEUS_DEFAULT_BUCKETS_SECONDS } from '../../../shared/plan/latency-shift';
import { bestCountPower } from '../../../shared/plan/power';
import { planRun } from '../../../shared/plan/run-plan';

/**
 * The bench's headline run as a run input: 4 × 10 min at 5 %, CloudWatch 1-minute data a minute late, a look a
 * minute, 5xx judged from counts (floor ×1.1) and mean latency (minimum 5 points), 100 req/s, 0.2 % 5xx. Its ceilings
 * are the ones docs/statistical-quality.md states (Limits) and test/unit/bench/limits.test.ts checks.
 */
const example = JSON.parse(
  readFileSync(path.join(__dirname, '../../../examples/console-input.json'), 'utf8'),
) as RunInputRaw;

function headline(over: Partial<RunInputRaw> = {}, delaySeconds = 60) {
  return runInputSchema.parse({
    ...example,
    steps: [5, 5, 5, 5].map((weight) => ({ weight, durationSeconds: 600 })),
    analysis: {},
    metricsSource: { type: 'cloudwatch', periodSeconds: 60, delaySeconds },
    canaryConfig: {
      metrics: [
        { name: 'errors', preset: 'error-rate-5xx' },
        { name: 'latency', preset: 'latency-average' },
      ],
    },
    ...over,
  });
}

const traffic = { requestsPerSecond: 100, eventRates: { default: 0.002, byMetric: {} }, ratio: 2 };

describe('planRun', () => {
  it('judges the requests the last look sees: 39 of 40 minutes with a minute of delay, at 5 req/s per version', () => {
    const plan = planRun(headline(), traffic);
    expect(plan.runSeconds).toBe(2400);
    expect(plan.looks).toBe(40);
    expect(plan.alpha).toBe(0.02);
    expect(plan.requestsPerVersion).toBe(11_700);
    expect(plan.countMetrics.map((m) => m.name)).toEqual(['errors']);
    expect(plan.continuousMetrics.map((m) => m.name)).toEqual(['latency']);
    expect(plan.countMetrics[0]).toMatchObject({ eventRate: 0.002, allowedIncrease: 1.1 });
    expect(plan.countMetrics[0].baselineEvents).toBeCloseTo(23.4, 12);
  });

  it('gives the limits of the docs: 65.6 % for one look at the end (all 40 minutes), 50.9 % looking every minute', () => {
    expect(planRun(headline({}, 0), traffic).countMetrics[0].bestPower).toBeCloseTo(0.656, 3);
    const plan = planRun(headline(), traffic);
    expect(plan.countMetrics[0].everyLookPower).toBeCloseTo(0.509, 3);
    // with the minute the last look cannot see, the single look has 23.4 baseline errors instead of 24
    expect(plan.countMetrics[0].bestPower).toBeCloseTo(
      bestCountPower({ baselineEvents: 23.4, ratio: 2, allowedIncrease: 1.1, alpha: 0.02 }),
      12,
    );
    expect(plan.countMetrics[0].bestPower).toBeLessThan(0.656);
  });

  it('finds the first look that can fail mean latency: minute 7, with 6 points per side', () => {
    const { earliest } = planRun(headline(), traffic).continuousMetrics[0];
    expect(earliest).toMatchObject({ minutes: 7, points: 6 });
    // at minute 6 (5 points) the level is out of reach, so the judge does not judge the metric and spends nothing: minute
    // 7 is its first judged look and gets α(0.175) of the Pocock-like 2 %, which 6 points reach (smallest p 0.0025)
    const pocock = (t: number) => 0.02 * Math.log(1 + (Math.E - 1) * t);
    expect((1 - (earliest?.confidenceLevel ?? NaN)) / 2).toBeCloseTo(pocock(0.175), 12);
  });

  it('a histogram metric (latency-histogram) can fail at the first look with its 3 periods: minute 4, at α(0.1) of 2 %', () => {
    const canaryConfig = { metrics: [{ name: 'latency', preset: 'latency-histogram' }] };
    const [latency] = planRun(headline({ canaryConfig }), traffic).continuousMetrics;
    expect(latency).toMatchObject({ kind: 'histogram', minDataPoints: 3, earliest: { minutes: 4, points: 3 } });
    const pocock = (t: number) => 0.02 * Math.log(1 + (Math.E - 1) * t);
    expect((1 - (latency.earliest?.confidenceLevel ?? NaN)) / 2).toBeCloseTo(pocock(4 / 40), 12);
    expect(planRun(headline(), traffic).continuousMetrics[0].kind).toBe('series');
  });

  describe('a latency regression against a histogram metric, the latency assumed (p50 80 ms, log-sd 0.6)', () => {
    const canaryConfig = { metrics: [{ name: 'latency', preset: 'latency-histogram' }] };
    const latency = { p50Seconds: 0.08, p99Seconds: 0.08 * Math.exp(0.6 * normalQuantile(0.99)), increase: 1.1 };

    it("reads the CloudWatch preset's 25 bounds (96.5 % of the information) and rolls +10 % back by minute 4 at best", () => {
      const [plan] = planRun(headline({ canaryConfig }), { ...traffic, latency }).continuousMetrics;
      expect(plan.latencyShift).toMatchObject({ increase: 1.1, bucketsFrom: 'query', bounds: 25, medianMinutes: 4 });
      expect(plan.latencyShift?.informationShare).toBeCloseTo(0.9649, 4);
      // minute 4 is the first judged look (3 periods of 300 requests per side): Φ(ln 1.1 √(900·share/2)/σ − z(α(0.1)))
      const share = plan.latencyShift?.informationShare ?? NaN;
      const z = normalQuantile(1 - 0.02 * Math.log(1 + (Math.E - 1) * 0.1));
      expect(plan.latencyShift?.probability).toBeCloseTo(
        normalCdf((Math.log(1.1) * Math.sqrt((900 * share) / 2)) / 0.6 - z),
        12,
      );
    });

    it("assumes the client libraries' default buckets on Prometheus (88 %) unless told the service's own", () => {
      const prometheus = headline({
        canaryConfig,
        metricsSource: { type: 'prometheus', url: 'http://prometheus:9090', stepSeconds: 60, delaySeconds: 60 },
      });
      const assumed = planRun(prometheus, { ...traffic, latency }).continuousMetrics[0].latencyShift;
      expect(assumed).toMatchObject({ bucketsFrom: 'assumed', bounds: PROMETHEUS_DEFAULT_BUCKETS_SECONDS.length });
      expect(assumed?.informationShare).toBeCloseTo(0.88, 2);
      const own = [0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12, 0.15];
      const told = planRun(prometheus, { ...traffic, latency: { ...latency, bucketsSeconds: own } })
        .continuousMetrics[0];
      expect(told.latencyShift?.informationShare).toBeCloseTo(
        bucketInformationShare(own, { medianSeconds: 0.08, sigma: 0.6 }),
        12,
      );
      expect(told.latencyShift?.probability).toBeGreaterThan(assumed?.probability ?? 1);
    });

    it('is null without a latency assumption, for a series metric, and in Kayenta mode; null minutes when never likely', () => {
      expect(planRun(headline({ canaryConfig }), traffic).continuousMetrics[0].latencyShift).toBeNull();
      expect(planRun(headline(), { ...traffic, latency }).continuousMetrics[0].latencyShift).toBeNull();
      const kayenta = headline({ canaryConfig, judgment: { mode: 'kayenta' } });
      expect(planRun(kayenta, { ...traffic, latency }).continuousMetrics[0].latencyShift).toBeNull();
      const tiny = planRun(headline({ canaryConfig }), { ...traffic, latency: { ...latency, increase: 1.005 } });
      expect(tiny.continuousMetrics[0].latencyShift?.medianMinutes).toBeNull();
      expect(tiny.continuousMetrics[0].latencyShift?.probability).toBeLessThan(0.5);
    });
  });

  it('counts a warm-up out: two minutes skipped move the earliest failure two minutes later and judge fewer requests', () => {
    const plan = planRun(headline({ analysis: { warmupSeconds: 120 } }), traffic);
    expect(plan.requestsPerVersion).toBe(11_100);
    expect(plan.continuousMetrics[0].earliest?.minutes).toBe(9);
  });

  it('grows with the traffic and the event rate given per metric, and with a larger regression', () => {
    const more = planRun(headline(), { ...traffic, requestsPerSecond: 400 }).countMetrics[0];
    const rarer = planRun(headline(), { ...traffic, eventRates: { default: 0.002, byMetric: { errors: 0.001 } } });
    const base = planRun(headline(), traffic).countMetrics[0];
    expect(more.bestPower).toBeGreaterThan(0.99);
    expect(rarer.countMetrics[0]).toMatchObject({ eventRate: 0.001 });
    expect(rarer.countMetrics[0].bestPower).toBeLessThan(base.bestPower);
    expect(planRun(headline(), { ...traffic, ratio: 5 }).countMetrics[0].bestPower).toBeGreaterThan(0.999);
  });

  it('has no per-look levels in Kayenta mode: the single look ceiling only, no earliest failing look', () => {
    const plan = planRun(headline({ judgment: { mode: 'kayenta' } }), traffic);
    expect(plan.looks).toBe(4);
    expect(plan.countMetrics[0].everyLookPower).toBeNull();
    expect(plan.continuousMetrics[0].earliest).toBeNull();
  });
});
