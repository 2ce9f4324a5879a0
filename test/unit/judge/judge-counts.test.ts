import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge } from '../../../shared/judge/judge';
import { alternativeGrid, countTest } from '../../../shared/judge/count-test';
import type { CanaryConfigInput } from '../../../shared/judge/canary-config';

/** Count metrics through the judge: the count test, its reason and numbers, and the options around it. */

const config = (analysis: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): CanaryConfigInput => ({
  metrics: [
    {
      name: '5xx',
      groups: ['errors'],
      analysisConfigurations: { canary: { direction: 'increase', ...analysis } },
      ...extra,
    },
    { name: 'latency', groups: ['latency'] },
  ],
  classifier: { groupWeights: { errors: 50, latency: 50 } },
});
const steady = { baseline: [1, 2, 3, 4, 5], canary: [1, 2, 3, 4, 5] };
// the exact test's p-value for DOUBLED against ×1, from 60-digit mpmath (test/fixtures/judge/binomial-rate-test-reference.py)
const EXACT_AGAINST_1_CASE = (
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/judge/binomial-rate-test-reference.json'), 'utf8')) as {
    cases: { label: string; pIncrease: number; lower: number; upper: number }[];
  }
).cases.find((c) => c.label.endsWith('against x1')) as { pIncrease: number; lower: number; upper: number };
const EXACT_AGAINST_1 = EXACT_AGAINST_1_CASE.pIncrease;
const counts = (b: [number[], number[]], c: [number[], number[]]) => ({
  baseline: { events: b[0], totals: b[1] },
  canary: { events: c[0], totals: c[1] },
});

/** 49 of 11,920 vs 24 of 12,010 over 4 periods: about twice the baseline's rate. */
const DOUBLED = counts(
  [
    [6, 5, 7, 6],
    [3000, 3005, 3000, 3005],
  ],
  [
    [12, 13, 11, 13],
    [2980, 2980, 2980, 2980],
  ],
);

describe('judge with count data', () => {
  it('49 of 11,920 vs 24 of 12,010 over 4 periods, allowed ×1: the reason gives counts, rates and the rate interval', () => {
    const data = DOUBLED;
    const r = judge(config(), { '5xx': data, latency: steady }, { marginal: 50, pass: 75 }, { confidenceLevel: 0.98 });
    const m = r.metrics[0];
    expect(m.kind).toBe('counts');
    expect(m.counts?.canary).toEqual({ events: 49, total: 11920, rate: 49 / 11920 });
    expect(m.counts?.baseline).toEqual({ events: 24, total: 12010, rate: 24 / 12010 });
    expect(m.estimate).toBeCloseTo(49 / 11920 / (24 / 12010), 12);
    expect(m.effectSize).toEqual({ measure: 'rateRatio', value: m.estimate });
    expect(m.counts?.alpha).toBeCloseTo(0.01, 15);
    expect(m.lower).toBeGreaterThan(0.9);
    expect(m.upper).toBeGreaterThan(3);
    // the anytime-valid p-value is 1/E of the failing side
    expect(m.pValue).toBeCloseTo(Math.exp(-(m.counts?.logEIncrease as number)), 12);
    expect(m.reason).toMatch(
      /^canary 5xx 0\.41% \(49 of 11,920\) vs baseline 0\.2% \(24 of 12,010\); rate ×2\.06 \[CI ×/,
    );
    expect(m.baseline.count).toBe(4); // per-period rates, for plots and summaries
  });

  it('countAlternatives: the anytime-valid test mixes over the grid given, and a grid that is not one is refused', () => {
    const thresholds = { marginal: 50, pass: 75 };
    const grid = alternativeGrid(1.25, 4);
    const m = judge(config(), { '5xx': DOUBLED, latency: steady }, thresholds, { countAlternatives: grid }).metrics[0];
    const direct = countTest(DOUBLED.baseline, DOUBLED.canary, {
      alpha: 0.01,
      allowedIncrease: 1,
      allowedDecrease: 1,
      alternatives: grid,
    });
    expect(m.counts?.logEIncrease).toBe(direct.logEIncrease);
    const byDefault = judge(config(), { '5xx': DOUBLED, latency: steady }, thresholds).metrics[0];
    expect(byDefault.counts?.logEIncrease).not.toBeCloseTo(direct.logEIncrease, 3);
    for (const bad of [[], [1], [2, Infinity], ['2']]) {
      expect(() =>
        judge(config(), { '5xx': DOUBLED, latency: steady }, thresholds, { countAlternatives: bad as number[] }),
      ).toThrow(/countAlternatives: must be a non-empty list of finite ratios above 1/);
    }
  });

  it('countTest conditional-binomial: the same data judged by the exact test at this look, p-value from its tail', () => {
    const data = DOUBLED;
    const options = { confidenceLevel: 0.98, countTest: 'conditional-binomial' as const };
    const m = judge(config(), { '5xx': data, latency: steady }, { marginal: 50, pass: 75 }, options).metrics[0];
    const anytime = judge(
      config(),
      { '5xx': data, latency: steady },
      { marginal: 50, pass: 75 },
      { confidenceLevel: 0.98 },
    ).metrics[0];
    expect(m.counts?.test).toBe('conditional-binomial');
    expect(m.pValue).toBe(m.counts?.pIncrease);
    // P(S ≥ 49) over the four periods' binomials against allowed ×1: about 0.0021, proven at 98 %
    expect(Math.abs((m.pValue as number) / EXACT_AGAINST_1 - 1)).toBeLessThan(1e-9);
    expect(m.pValue).toBeGreaterThan(0.001);
    expect(m.pValue).toBeLessThan(0.01);
    expect(m.classification).toBe('High');
    // the anytime-valid test on the same counts has not proven it yet: what its guarantee costs at one look
    expect(anytime.classification).toBe('Pass');
    // one look's exact interval is narrower than the confidence sequence
    expect((m.lower as number) > (anytime.lower as number)).toBe(true);
    expect((m.upper as number) < (anytime.upper as number)).toBe(true);
  });

  it('countFinalConfidenceLevel: the exact test joins the anytime-valid one; either proving it fails the metric', () => {
    const thresholds = { marginal: 50, pass: 75 };
    // DOUBLED against ×1: the anytime-valid test at 99 % (α 0.005 per side) does not prove it, the exact test at
    // 98 % (α 0.01) does: P(S ≥ 49) over the four periods' binomials is below 0.01
    const p = EXACT_AGAINST_1;
    expect(p).toBeLessThan(0.01);
    const options = { countConfidenceLevel: 0.99, countFinalConfidenceLevel: 0.98 };
    const alone = judge(config(), { '5xx': DOUBLED, latency: steady }, thresholds, { countConfidenceLevel: 0.99 });
    expect(alone.metrics[0].classification).toBe('Pass');
    expect(alone.metrics[0].counts?.finalTest).toBeUndefined();
    const joined = judge(config(), { '5xx': DOUBLED, latency: steady }, thresholds, options).metrics[0];
    expect(joined.classification).toBe('High');
    expect(joined.counts?.test).toBe('anytime-valid');
    expect(joined.counts?.pIncrease).toBe(alone.metrics[0].counts?.pIncrease);
    expect(joined.counts?.finalTest?.alpha).toBeCloseTo(0.01, 15);
    expect(Math.abs((joined.counts?.finalTest?.pIncrease as number) / p - 1)).toBeLessThan(1e-9);
    // its two-sided 98 % interval: the ends mpmath gives at α 0.01 per side (×1.1352, ×3.8699)
    expect(Math.abs((joined.counts?.finalTest?.lower as number) / EXACT_AGAINST_1_CASE.lower - 1)).toBeLessThan(1e-9);
    expect(Math.abs((joined.counts?.finalTest?.upper as number) / EXACT_AGAINST_1_CASE.upper - 1)).toBeLessThan(1e-9);
    // the bound: the exact test's one-sided 99 % end (mpmath: ×1.1352)
    expect(joined.reason).toMatch(
      new RegExp(
        `, proven above allowed ×1 by the exact test at the run's last look \\(p ${Number(p.toPrecision(4))} ≤ 0\\.01; ×1\\.14 or more at 99 %\\)$`,
      ),
    );
    // the decrease side: the same counts read with the versions swapped, direction decrease
    const swapped = { baseline: DOUBLED.canary, canary: DOUBLED.baseline };
    const lower = judge(config({ direction: 'decrease' }), { '5xx': swapped, latency: steady }, thresholds, options);
    expect(lower.metrics[0].classification).toBe('Low');
    expect(Math.abs((lower.metrics[0].counts?.finalTest?.pDecrease as number) / p - 1)).toBeLessThan(1e-12);
    expect(lower.metrics[0].reason).toMatch(
      /, proven below allowed ×1 by the exact test .*; ×0\.881 or less at 99 %\)$/,
    );
    // the conditional binomial test has no anytime-valid test to join
    const binomial = judge(config(), { '5xx': DOUBLED, latency: steady }, thresholds, {
      ...options,
      countTest: 'conditional-binomial',
    });
    expect(binomial.metrics[0].counts?.finalTest).toBeUndefined();
    expect(() =>
      judge(config(), { '5xx': DOUBLED, latency: steady }, thresholds, { countFinalConfidenceLevel: 1.5 }),
    ).toThrow('countFinalConfidenceLevel: must be a number strictly between 0 and 1 (got 1.5)');
  });

  it('four times the counts prove it: High, the score falls by the group', () => {
    const data = counts(
      [
        [24, 20, 28, 24],
        [12000, 12020, 12000, 12020],
      ],
      [
        [48, 52, 44, 52],
        [11920, 11920, 11920, 11920],
      ],
    );
    const r = judge(config(), { '5xx': data, latency: steady }, { marginal: 25, pass: 75 });
    expect(r.metrics[0].classification).toBe('High');
    expect(r.metrics[0].critical).toBe(false);
    expect(r.metrics[0].reason).toMatch(/, proven above allowed ×1$/);
    expect(r.score).toBe(50);
  });

  it('a critical metric beyond its critical floor scores 0; below it, only the metric fails', () => {
    const data = counts(
      [
        [20, 20],
        [10000, 10000],
      ],
      [
        [80, 80],
        [10000, 10000],
      ],
    );
    const critical = judge(config({ critical: true, effectSize: { criticalIncrease: 3 } }), {
      '5xx': data,
      latency: steady,
    });
    expect(critical.metrics[0]).toMatchObject({ classification: 'High', critical: true });
    expect(critical.score).toBe(0);
    expect(critical.metrics[0].reason).toMatch(/^critical: .*; at or beyond the critical ×3$/);
    const notYet = judge(config({ critical: true, effectSize: { criticalIncrease: 5 } }), {
      '5xx': data,
      latency: steady,
    });
    expect(notYet.metrics[0]).toMatchObject({ classification: 'High', critical: false });
  });

  it('the allowed increase is the null boundary: ×4 is not proven above ×3.5 with these counts', () => {
    const data = counts(
      [
        [20, 20],
        [10000, 10000],
      ],
      [
        [80, 80],
        [10000, 10000],
      ],
    );
    const r = judge(config({ effectSize: { allowedIncrease: 3.5 } }), { '5xx': data, latency: steady });
    expect(r.metrics[0].classification).toBe('Pass');
  });

  it('no events on either side is a Pass that says so; no requests on a side is missing data', () => {
    const none = judge(config(), { '5xx': counts([[0], [500]], [[0], [480]]), latency: steady });
    expect(none.metrics[0]).toMatchObject({ classification: 'Pass', estimate: null });
    expect(none.metrics[0].reason).toBe(
      'canary 5xx 0% (0 of 480) vs baseline 0% (0 of 500); rate ×- [CI ×0, ×∞]: no events on either side',
    );
    const missing = judge(config({ critical: true }), { '5xx': counts([[0], [0]], [[3], [480]]), latency: steady });
    expect(missing.metrics[0]).toMatchObject({ classification: 'Nodata', critical: true });
    expect(missing.metrics[0].reason).toBe('Missing data for 5xx (canary 480 requests, baseline 0 requests)');
  });

  it("counts 'ratio-series' judges the per-period ratios with Mann-Whitney, as Kayenta would", () => {
    const data = counts(
      [
        [1, 0, 2, 1, 0, 1],
        [300, 300, 300, 300, 300, 300],
      ],
      [
        [3, 2, 4, 3, 2, 5],
        [300, 300, 300, 300, 300, 300],
      ],
    );
    const asRatios = judge(config(), { '5xx': data, latency: steady }, undefined, { counts: 'ratio-series' });
    const direct = judge(config(), {
      '5xx': { baseline: data.baseline.events.map((e) => e / 300), canary: data.canary.events.map((e) => e / 300) },
      latency: steady,
    });
    expect(asRatios.metrics[0].kind).toBe('continuous');
    expect(asRatios.metrics[0]).toEqual(direct.metrics[0]);
  });

  it('names bad count data by its path and changes nothing', () => {
    const bad = (data: unknown) => () => judge(config(), { '5xx': data as never, latency: steady });
    expect(bad(counts([[5], [4]], [[1], [10]]))).toThrow(
      'invalid metric data: 5xx.baseline.events[0]: 5 events of 4 requests',
    );
    expect(bad(counts([[1, 2], [10]], [[1], [10]]))).toThrow(
      '5xx.baseline.events: events has 2 periods, totals 1: give one of each per period',
    );
    expect(
      bad(
        counts(
          [[1], [10]],
          [
            [1, 1],
            [10, 10],
          ],
        ),
      ),
    ).toThrow('5xx.canary.totals: the canary has 2 periods and the baseline 1: periods must be aligned');
    expect(bad(counts([[1.5], [10]], [[1], [10]]))).toThrow(
      '5xx.baseline.events[0]: must be a whole number of events or requests',
    );
  });
});

describe('judge options', () => {
  const shifted = { baseline: [10, 11, 12, 13, 14, 15], canary: [16, 17, 18, 19, 20, 21] };
  const twoThree = { baseline: [10, 11], canary: [20, 21, 22] };

  it("metricConfidence sets one metric's level", () => {
    const r = judge(config(), { '5xx': steady, latency: shifted }, undefined, { metricConfidence: { latency: 0.9 } });
    expect(r.metrics.map((m) => m.confidenceLevel)).toEqual([0.98, 0.9]);
  });

  it('requireAttainableLevel: 2 against 3 points cannot reach 98 % and are not judged yet; Kayenta classifies them', () => {
    const kayenta = judge(config(), { '5xx': steady, latency: twoThree });
    expect(kayenta.metrics[1].classification).toBe('High');
    const strict = judge(config(), { '5xx': steady, latency: twoThree }, undefined, { requireAttainableLevel: true });
    expect(strict.metrics[1]).toMatchObject({ classification: 'Nodata', insufficientData: true, critical: false });
    expect(strict.metrics[1].reason).toBe(
      'canary has 3 points, baseline 2: too few to reach the 98% confidence level of latency (not judged yet)',
    );
  });

  it("rollbackFloors: a failure at or beyond a metric's rollbackIncrease fails the canary; Kayenta's rule ignores it", () => {
    const data = { baseline: [10, 10.2, 10.1, 9.9, 10.3, 10], canary: [16, 16.3, 16.1, 15.8, 16.2, 16] };
    const withFloor = (rollbackIncrease: number): CanaryConfigInput => ({
      metrics: [
        { name: '5xx', groups: ['errors'] },
        {
          name: 'latency',
          groups: ['latency'],
          analysisConfigurations: { canary: { direction: 'increase', effectSize: { rollbackIncrease } } },
        },
      ],
      classifier: { groupWeights: { errors: 50, latency: 50 } },
    });
    const kayenta = judge(withFloor(1.5), { '5xx': steady, latency: data });
    expect(kayenta.metrics[1]).toMatchObject({ classification: 'High', critical: false });
    expect(kayenta.score).toBe(50);
    const strict = judge(withFloor(1.5), { '5xx': steady, latency: data }, undefined, { rollbackFloors: true });
    expect(strict.metrics[1]).toMatchObject({ classification: 'High', critical: true });
    expect(strict.metrics[1].reason).toMatch(
      /; mean change \+59\.3%, at or beyond the rollback floor \+50\.0% \(the threshold applies to the mean change\)$/,
    );
    expect(strict.score).toBe(0);
    // below the floor the metric fails, the canary does not
    const below = judge(withFloor(1.7), { '5xx': steady, latency: data }, undefined, { rollbackFloors: true });
    expect(below.metrics[1]).toMatchObject({ classification: 'High', critical: false });
  });

  it('rollbackFloors on a count metric: proven and at or beyond the floor fails the canary', () => {
    const data = counts(
      [
        [20, 20],
        [10000, 10000],
      ],
      [
        [80, 80],
        [10000, 10000],
      ],
    );
    const floored = config({ effectSize: { rollbackIncrease: 3 } });
    expect(judge(floored, { '5xx': data, latency: steady }).metrics[0]).toMatchObject({
      classification: 'High',
      critical: false,
    });
    const strict = judge(floored, { '5xx': data, latency: steady }, undefined, { rollbackFloors: true });
    expect(strict.metrics[0]).toMatchObject({ classification: 'High', critical: true });
    expect(strict.metrics[0].reason).toMatch(/; at or beyond the rollback floor ×3$/);
  });

  it('rejects a level outside (0, 1), naming the option', () => {
    expect(() => judge(config(), { latency: steady }, undefined, { metricConfidence: { latency: 1 } })).toThrow(
      'invalid judge options: metricConfidence.latency: must be a number strictly between 0 and 1 (got 1)',
    );
    expect(() => judge(config(), { latency: steady }, undefined, { countConfidenceLevel: 0 })).toThrow(
      'countConfidenceLevel: must be a number strictly between 0 and 1 (got 0)',
    );
  });
});
