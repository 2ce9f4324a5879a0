import { judge } from '../../../shared/judge/judge';
import { meanRatioBound } from '../../../shared/judge/histogram-mean';
import { compareBuckets } from '../../../shared/judge/histogram-test';
import type { CanaryConfigInput } from '../../../shared/judge/canary-config';
import type { HistogramSamples } from '../../../shared/judge/types';

/** Histogram metrics through the judge: Mann-Whitney on the requests, floors on the mean ratio, Kayenta's mode. */

const config = (analysis: Record<string, unknown> = {}): CanaryConfigInput => ({
  metrics: [
    {
      name: 'latency',
      unit: 'seconds',
      groups: ['latency'],
      analysisConfigurations: {
        canary: {
          direction: 'increase',
          minDataPoints: 3,
          effectSize: { allowedIncrease: 1.05, rollbackIncrease: 1.5 },
          ...analysis,
        },
      },
    },
  ],
  classifier: { groupWeights: { latency: 100 } },
});

const BOUNDS = [0.05, 0.1, 0.25, 0.5];
/** A version's periods: the same buckets each period, and the sum as if every request sat at `mean`. */
const side = (perPeriod: number[], periods: number, mean: number): HistogramSamples => ({
  bounds: BOUNDS,
  counts: Array.from({ length: periods }, () => perPeriod),
  sums: Array.from({ length: periods }, () => perPeriod.reduce((a, b) => a + b, 0) * mean),
});
const THRESHOLDS = { marginal: 50, pass: 75 };

describe('judge with histogram data', () => {
  it('a slower canary fails with its means, request counts and the test in the reason, p from the summed buckets', () => {
    const data = { baseline: side([100, 300, 400, 150, 50], 4, 0.15), canary: side([60, 260, 430, 180, 70], 4, 0.18) };
    const r = judge(config(), { latency: data }, THRESHOLDS, { confidenceLevel: 0.98 });
    const m = r.metrics[0];
    const expected = compareBuckets([400, 1200, 1600, 600, 200], [240, 1040, 1720, 720, 280]);
    expect(m.kind).toBe('histogram');
    expect(m.classification).toBe('High');
    expect(m.critical).toBe(false);
    expect(m.pValue).toBe(expected.pHigher);
    expect(m.estimate).toBeCloseTo(1.2, 12);
    expect(m.histogram).toMatchObject({
      baseline: { requests: 4000 },
      canary: { requests: 4000 },
      pHigher: expected.pHigher,
      slowerShare: expected.slowerShare,
      bounds: BOUNDS,
      canaryBuckets: [240, 1040, 1720, 720, 280],
    });
    expect(m.histogram?.baseline.mean).toBeCloseTo(0.15, 12);
    expect(m.histogram?.alpha).toBeCloseTo(0.01, 15);
    expect(m.reason).toBe(
      'canary latency mean 180 ms of 4,000 requests vs baseline mean 150 ms of 4,000 requests; a canary request is ' +
        `the higher of a pair in ${(expected.slowerShare * 100).toFixed(1)}% (Mann-Whitney on the requests in 5 buckets, ` +
        `one-sided p ${Number(expected.pHigher.toPrecision(4))
          .toExponential(3)
          .replace(/\.?0+e/, 'e')} higher, 1 lower); ` +
        'mean change +20.0%, above allowed +5.0% (the threshold applies to the mean change)',
    );
    // per-period means are what the report draws
    expect(m.canary.count).toBe(4);
    expect(m.canary.mean).toBeCloseTo(0.18, 12);
    expect(r.verdict).toBe('fail');
  });

  it('a significant shift within the allowed mean change passes, and says so', () => {
    const data = {
      baseline: side([1000, 3000, 4000, 1500, 500], 5, 0.15),
      canary: side([900, 2900, 4100, 1600, 500], 5, 0.153),
    };
    const m = judge(config(), { latency: data }, THRESHOLDS, { confidenceLevel: 0.98 }).metrics[0];
    expect(m.histogram!.pHigher).toBeLessThan(0.01);
    expect(m.classification).toBe('Pass');
    expect(m.reason).toContain('mean change +2.0%, within allowed +5.0%');
  });

  describe("floorConfidence: the floors apply to the mean ratio's one-sided bound", () => {
    const withBound = (floorConfidence: number, measure: 'meanRatio' | 'cles' = 'meanRatio') =>
      config({ effectSize: { measure, allowedIncrease: 1.05, rollbackIncrease: 1.5, floorConfidence } });
    const totals = (counts: number[], periods: number, mean: number) => ({
      bounds: BOUNDS,
      counts: counts.map((c) => c * periods),
      sum: counts.reduce((a, b) => a + b, 0) * periods * mean,
    });

    it('a proven shift whose mean change is just above the floor fails on the ratio, passes on its 80 % bound', () => {
      const data = {
        baseline: side([100, 300, 400, 150, 50], 5, 0.15),
        canary: side([60, 260, 430, 180, 70], 5, 0.159),
      };
      const bound = meanRatioBound(
        totals([100, 300, 400, 150, 50], 5, 0.15),
        totals([60, 260, 430, 180, 70], 5, 0.159),
        0.8,
      );
      expect(bound).toBeGreaterThan(1);
      expect(bound).toBeLessThan(1.05);
      const onRatio = judge(withBound(0.5), { latency: data }, THRESHOLDS).metrics[0];
      expect(onRatio.classification).toBe('High');
      expect(onRatio.histogram).not.toHaveProperty('meanRatioBound');
      const onBound = judge(withBound(0.8), { latency: data }, THRESHOLDS).metrics[0];
      expect(onBound.classification).toBe('Pass');
      expect(onBound.histogram!.pHigher).toBeLessThan(0.01);
      expect(onBound.histogram!.meanRatio).toBeCloseTo(1.06, 12);
      expect(onBound.histogram!.meanRatioBound).toBeCloseTo(bound, 12);
      expect(onBound.histogram!.floorConfidence).toBe(0.8);
      expect(onBound.effectSize).toEqual({ measure: 'meanRatio', value: expect.closeTo(bound, 12) });
      expect(onBound.reason).toContain(
        `mean change +6.0% (at least +${((bound - 1) * 100).toFixed(1)}% with 80% confidence), within allowed +5.0% ` +
          '(the threshold applies to that 80% bound of the mean change)',
      );
    });

    it('a clear regression still fails, the bound in its reason; CLES thresholds ignore it', () => {
      const data = {
        baseline: side([100, 300, 400, 150, 50], 4, 0.15),
        canary: side([60, 260, 430, 180, 70], 4, 0.18),
      };
      const m = judge(withBound(0.8), { latency: data }, THRESHOLDS).metrics[0];
      const bound = meanRatioBound(
        totals([100, 300, 400, 150, 50], 4, 0.15),
        totals([60, 260, 430, 180, 70], 4, 0.18),
        0.8,
      );
      expect(m.classification).toBe('High');
      expect(m.reason).toMatch(
        new RegExp(
          `mean change \\+20\\.0% \\(at least \\+${((bound - 1) * 100).toFixed(1)}% with 80% confidence\\), above allowed ` +
            '\\+5\\.0% \\(the threshold applies to that 80% bound of the mean change\\)$',
        ),
      );
      const cles = judge(
        config({ effectSize: { measure: 'cles', allowedIncrease: 0.55, floorConfidence: 0.8 } }),
        { latency: data },
        THRESHOLDS,
      ).metrics[0];
      expect(cles.histogram).not.toHaveProperty('meanRatioBound');
      expect(cles.effectSize?.value).toBeCloseTo(cles.histogram!.slowerShare!, 15);
    });
  });

  it('a floorConfidence on a metric whose data is a series or counts is refused by name, not silently ignored', () => {
    const bounded = config({ effectSize: { allowedIncrease: 1.05, floorConfidence: 0.8 } });
    const series = { baseline: [0.15, 0.16, 0.15, 0.14], canary: [0.16, 0.17, 0.16, 0.15] };
    expect(() => judge(bounded, { latency: series }, THRESHOLDS)).toThrow(
      /metric data.*latency: effectSize\.floorConfidence 0\.8 needs histogram data \(bucket counts and sums\) for "latency"; it got a series/s,
    );
    const counts = { baseline: { events: [1, 2], totals: [100, 100] }, canary: { events: [2, 2], totals: [100, 100] } };
    expect(() => judge(bounded, { latency: counts }, THRESHOLDS)).toThrow(/it got counts/);
    // where the bound would not be used it is not asked for: CLES floors, Kayenta's mean series, a metric without data
    const cles = config({ effectSize: { measure: 'cles', allowedIncrease: 0.6, floorConfidence: 0.8 } });
    expect(judge(cles, { latency: series }, THRESHOLDS).metrics[0].classification).toBe('Pass');
    expect(
      judge(bounded, { latency: series }, THRESHOLDS, { histograms: 'mean-series' }).metrics[0].classification,
    ).toBe('Pass');
    expect(judge(bounded, {}, THRESHOLDS).metrics[0].classification).toBe('Nodata');
  });

  it('at or beyond the rollback floor, with rollbackFloors, a failure fails the canary', () => {
    const data = { baseline: side([100, 300, 400, 150, 50], 4, 0.15), canary: side([0, 100, 400, 400, 200], 4, 0.3) };
    const m = judge(config(), { latency: data }, THRESHOLDS, { rollbackFloors: true }).metrics[0];
    expect(m.classification).toBe('High');
    expect(m.critical).toBe(true);
    expect(m.reason).toMatch(/^critical: .*at or beyond the rollback floor \+50\.0%/);
  });

  it('identical histograms pass; fewer periods with requests than minDataPoints is not judged yet; none is missing data', () => {
    const same = side([10, 30, 40, 15, 5], 4, 0.15);
    expect(judge(config(), { latency: { baseline: same, canary: same } }, THRESHOLDS).metrics[0]).toMatchObject({
      classification: 'Pass',
      reason: null,
      pValue: compareBuckets([40, 120, 160, 60, 20], [40, 120, 160, 60, 20]).pHigher,
    });
    const short = { baseline: same, canary: { ...same, counts: [[0, 0, 0, 0, 0], ...same.counts.slice(1)] } };
    const few = judge(config({ minDataPoints: 4 }), { latency: short }, THRESHOLDS).metrics[0];
    expect(few).toMatchObject({ classification: 'Nodata', insufficientData: true, critical: false });
    expect(few.reason).toBe(
      'canary has requests in 3 points, baseline in 4; at least 4 per side are needed to judge latency',
    );
    const empty = side([0, 0, 0, 0, 0], 4, 0);
    const none = judge(config({ critical: true }), { latency: { baseline: same, canary: empty } }, THRESHOLDS);
    expect(none.metrics[0]).toMatchObject({ classification: 'Nodata', critical: true, insufficientData: false });
    expect(none.metrics[0].reason).toBe('Missing data for latency (canary 0 requests, baseline 400 requests)');
  });

  it("Kayenta's mode (histograms: mean-series) judges the per-period means as a series, as before there were histograms", () => {
    const baseline = side([100, 300, 400, 150, 50], 4, 0.15);
    baseline.sums = [150, 151, 149, 152];
    const canary = side([60, 260, 430, 180, 70], 4, 0.18);
    canary.sums = [180, 182, 179, 181];
    const asSeries = judge(
      config(),
      { latency: { baseline: [0.15, 0.151, 0.149, 0.152], canary: [0.18, 0.182, 0.179, 0.181] } },
      THRESHOLDS,
    ).metrics[0];
    const kayenta = judge(config(), { latency: { baseline, canary } }, THRESHOLDS, { histograms: 'mean-series' })
      .metrics[0];
    expect(kayenta.kind).toBe('continuous');
    expect(kayenta.histogram).toBeUndefined();
    expect(kayenta.estimate).toBeCloseTo(asSeries.estimate!, 12);
    expect(kayenta.pValue).toBeCloseTo(asSeries.pValue!, 12);
    expect(kayenta.classification).toBe(asSeries.classification);
  });

  it('names what is wrong with histogram data, by path', () => {
    const good = side([1, 2, 3, 4, 5], 2, 0.1);
    const bad = (canary: unknown) => () =>
      judge(config(), { latency: { baseline: good, canary } } as never, THRESHOLDS);
    expect(bad({ ...good, bounds: [0.1, 0.05, 0.25, 0.5] })).toThrow(
      'latency.canary.bounds[1]: bounds must ascend (0.1, 0.05)',
    );
    expect(bad({ ...good, counts: [[1, 2, 3, 4], good.counts[1]] })).toThrow(
      'latency.canary.counts[0]: 4 buckets for 4 bounds',
    );
    expect(bad({ ...good, sums: [1] })).toThrow('latency.canary.sums: sums has 1 periods, counts 2');
    expect(bad({ ...good, counts: [good.counts[0]], sums: [1] })).toThrow(/canary has 1 periods and the baseline 2/);
  });
});
