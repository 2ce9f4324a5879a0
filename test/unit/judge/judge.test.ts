import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationError } from '../../../shared/config/validation';
import type { CanaryConfigInput } from '../../../shared/judge/canary-config';
import { judge } from '../../../shared/judge/judge';
import type { MetricDataInput } from '../../../shared/judge/metric-data';

const example = (file: string) => JSON.parse(readFileSync(resolve(__dirname, '../../../examples', file), 'utf8'));

type AnalysisInput = NonNullable<NonNullable<CanaryConfigInput['metrics'][number]['analysisConfigurations']>['canary']>;

function config(
  metrics: { name: string; groups?: string[]; canary?: AnalysisInput }[],
  groupWeights = {},
): CanaryConfigInput {
  return {
    metrics: metrics.map((m) => ({
      name: m.name,
      groups: m.groups ?? ['g'],
      analysisConfigurations: { canary: m.canary ?? {} },
    })),
    classifier: { groupWeights },
  };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const same = range(1, 20);
const higher = same.map((v) => v + 10);

function validationIssues(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => `${e.what} ${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('judge: the example config and data', () => {
  const result = judge(example('canary-config.json'), example('judge-data.json'));

  test('p99 latency regresses: latency group 50, weighted score 70, marginal at 50/75', () => {
    expect(result.metrics.map((m) => [m.name, m.classification])).toEqual([
      ['latency-p99', 'High'],
      ['latency-mean', 'Pass'],
      ['errors-5xx', 'Pass'],
      ['cpu', 'Pass'],
    ]);
    expect(result.groups).toEqual([
      { name: 'latency', score: 50, weight: 60, noData: false, passed: 1, scored: 2 },
      { name: 'errors', score: 100, weight: 25, noData: false, passed: 1, scored: 1 },
      { name: 'system', score: 100, weight: 15, noData: false, passed: 1, scored: 1 },
    ]);
    expect(result).toMatchObject({
      score: 70,
      verdict: 'marginal',
      reason: '',
      thresholds: { marginal: 50, pass: 75 },
      confidenceLevel: 0.98,
    });
  });

  test("the p99 result carries the test numbers, the reason and both samples' stats", () => {
    const p99 = result.metrics[0];
    expect(p99.reason).toBe(
      'canary latency-p99 shift +21.3% [CI +7.7%, +49.4%] relative to baseline median 293 ms (Hodges-Lehmann); mean change +22.5%, above allowed +10.0% (the threshold applies to the mean change)',
    );
    expect(p99.lower).toBeCloseTo(0.0225, 12);
    expect(p99.estimate).toBeCloseTo(0.0624, 12);
    expect(p99.upper).toBeCloseTo(0.145, 12);
    expect(p99.pValue).toBeLessThan(1e-4);
    expect(p99).toMatchObject({ critical: false, muted: false, groups: ['latency'], direction: 'increase' });
    expect(p99.effectSize.measure).toBe('meanRatio');
    expect(p99.effectSize.value).toBe(p99.ratio);
    expect(p99.baseline).toMatchObject({ count: 60, median: 0.2933 });
    expect(p99.canary.count).toBe(60);
  });

  test('nanStrategy replace turns missing 5xx periods into zeros; outlier removal drops the CPU spike', () => {
    const data = example('judge-data.json');
    const missing = data['errors-5xx'].baseline.filter((v: number | null) => v === null).length;
    expect(missing).toBeGreaterThan(30);
    const errors = result.metrics[2];
    expect(errors.baseline.count).toBe(60);
    expect(errors.baseline.min).toBe(0);
    const cpu = result.metrics[3];
    expect(cpu.baseline.count).toBe(59);
    expect(cpu.baseline.max).toBeLessThan(96.5);
    expect(cpu.canary.count).toBe(60);
  });

  test('the result is plain JSON (no NaN or undefined) and the same on every call', () => {
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(judge(example('canary-config.json'), example('judge-data.json'))).toEqual(result);
  });
});

describe('judge: metrics and data', () => {
  test('a configured metric without data is Nodata "no data returned for <name>"; NodataFailMetric with mustHaveData', () => {
    const r = judge(config([{ name: 'a' }, { name: 'b' }, { name: 'c', canary: { mustHaveData: true } }]), {
      a: { baseline: same, canary: same },
    });
    expect(r.metrics.map((m) => [m.name, m.classification, m.reason])).toEqual([
      ['a', 'Pass', 'The Canary and Baseline data are identical'],
      ['b', 'Nodata', 'no data returned for b'],
      ['c', 'NodataFailMetric', 'no data returned for c'],
    ]);
    expect(r.metrics[1]).toMatchObject({ estimate: null, lower: null, upper: null, pValue: null, ratio: null });
    expect(r.metrics[1].baseline).toEqual({ count: 0, min: 0, max: 0, mean: 0, median: 0, std: 0 });
    // group g: Pass + NodataFailMetric (Nodata left out) = 50; 1 Nodata of 3 is under the 50% rule
    expect(r.score).toBe(50);
  });

  test('data for a metric the config does not have: ValidationError naming it', () => {
    const issues = validationIssues(() =>
      judge(config([{ name: 'a' }]), {
        a: { baseline: same, canary: same },
        'latency-p99': { baseline: [1], canary: [1] },
      }),
    );
    expect(issues).toEqual(['metric data latency-p99: no metric "latency-p99" in the canary config (it has: a)']);
  });

  test('malformed data names the element', () => {
    const bad = { a: { baseline: same, canary: [1, 'x', 3] } } as unknown as MetricDataInput;
    expect(validationIssues(() => judge(config([{ name: 'a' }]), bad))).toEqual([
      'metric data a.canary[1]: expected a number or null',
    ]);
    const missingSide = { a: { baseline: same } } as unknown as MetricDataInput;
    expect(validationIssues(() => judge(config([{ name: 'a' }]), missingSide))[0]).toMatch(/^metric data a\.canary: /);
  });

  test('a bad config names the field path', () => {
    const bad = config([{ name: 'a', canary: { nanStrategy: 'drop' as 'remove' } }]);
    expect(validationIssues(() => judge(bad, {}))[0]).toMatch(
      /^canary config metrics\[0\]\.analysisConfigurations\.canary\.nanStrategy: /,
    );
  });

  test('bad thresholds or confidence level are ValidationErrors', () => {
    const c = config([{ name: 'a' }]);
    expect(validationIssues(() => judge(c, {}, { marginal: 80, pass: 75 }))).toEqual([
      'score thresholds marginal: marginal must not exceed pass',
    ]);
    expect(validationIssues(() => judge(c, {}, { marginal: 50, pass: 75 }, { confidenceLevel: 1 }))).toEqual([
      'judge options confidenceLevel: must be a number strictly between 0 and 1 (got 1)',
    ]);
  });

  test('null, NaN and ±Infinity are missing points: removed by default, zeros with replace', () => {
    const gaps = [1, null, 2, NaN, 3, Infinity, 4, -Infinity] as unknown as number[];
    const r = judge(config([{ name: 'rm' }, { name: 'rep', canary: { nanStrategy: 'replace' } }]), {
      rm: { baseline: gaps, canary: [1, 2, 3, 4] },
      rep: { baseline: gaps, canary: [1, 2, 3, 4] },
    });
    expect(r.metrics[0].baseline).toMatchObject({ count: 4, min: 1, mean: 2.5 });
    expect(r.metrics[0].reason).toBe('The Canary and Baseline data are identical');
    expect(r.metrics[1].baseline).toMatchObject({ count: 8, min: 0, mean: 1.25 });
  });

  test('outliers: kept by default, removed with IQR (reduced sensitivity) or k-sigma and their factors', () => {
    const spiky = [...range(10, 19), 1000];
    const run = (outliers?: AnalysisInput['outliers']) =>
      judge(config([{ name: 'm', canary: outliers ? { outliers } : {} }]), {
        m: { baseline: spiky, canary: range(10, 20) },
      }).metrics[0].baseline;
    expect(run()).toMatchObject({ count: 20, max: 1000 });
    expect(run({ strategy: 'remove' })).toMatchObject({ count: 19, max: 28 });
    expect(run({ strategy: 'remove', method: 'ksigma', outlierFactor: 3 })).toMatchObject({ count: 19, max: 28 });
    // k = 5 sigma: the spike (4.36 population sds from the mean) stays
    expect(run({ strategy: 'remove', method: 'ksigma', outlierFactor: 5 })).toMatchObject({ count: 20, max: 1000 });
  });

  test('the confidence level applies to every metric: a wider interval at 0.999', () => {
    const data = { m: { baseline: same, canary: higher } };
    const at98 = judge(config([{ name: 'm' }]), data).metrics[0];
    const at999 = judge(config([{ name: 'm' }]), data, undefined, { confidenceLevel: 0.999 }).metrics[0];
    expect([at98.lower, at98.upper, at98.confidenceLevel]).toEqual([5, 15, 0.98]);
    expect(at999.lower!).toBeLessThan(5);
    expect(at999.upper!).toBeGreaterThan(15);
    expect(at999.confidenceLevel).toBe(0.999);
  });

  test('a metric whose test throws is Error, counted nowhere; the others are judged', () => {
    const r = judge(config([{ name: 'huge' }, { name: 'ok' }]), {
      huge: { baseline: [-1.5e308, -1e308], canary: [1e308, 1.7e308] },
      ok: { baseline: same, canary: same },
    });
    expect(r.metrics[0]).toMatchObject({ classification: 'Error', critical: false });
    expect(r.metrics[0].reason).toMatch(/^Metric Classification Failed: .*overflow float64/);
    expect(r.groups).toEqual([{ name: 'g', score: 100, weight: 100, noData: false, passed: 1, scored: 1 }]);
    expect(r.score).toBe(100);
  });
});

describe('judge: scoring through the whole pipeline', () => {
  test('a critical failure: score 0, reason from the metric, verdict fail', () => {
    const r = judge(
      config([{ name: 'errors', canary: { critical: true, direction: 'increase' } }, { name: 'cpu' }], {}),
      { errors: { baseline: same, canary: higher }, cpu: { baseline: same, canary: same } },
    );
    expect(r.metrics[0]).toMatchObject({ classification: 'High', critical: true });
    expect(r).toMatchObject({
      score: 0,
      verdict: 'fail',
      reason:
        'Canary Failed: critical: canary errors shift +95.2% [CI +47.6%, +142.9%] relative to baseline median 10.5 (Hodges-Lehmann); mean change +95.2%',
    });
  });

  test('muted: reported, but not scored', () => {
    const r = judge(config([{ name: 'noisy', canary: { muted: true } }, { name: 'cpu' }]), {
      noisy: { baseline: same, canary: higher },
      cpu: { baseline: same, canary: same },
    });
    expect(r.metrics[0]).toMatchObject({ classification: 'High', muted: true });
    expect(r).toMatchObject({ score: 100, verdict: 'pass' });
  });

  test('50% or more Nodata: score 0', () => {
    const r = judge(config([{ name: 'a' }, { name: 'b' }]), { a: { baseline: same, canary: same } });
    expect(r).toMatchObject({
      score: 0,
      verdict: 'fail',
      reason: 'Canary Failed: 50% or more metrics returned NODATA (1 of 2)',
    });
  });

  test('thresholds decide the verdict of the same score', () => {
    const c = config(
      [
        { name: 'a', groups: ['x'] },
        { name: 'b', groups: ['y'] },
      ],
      { x: 70, y: 30 },
    );
    const data = { a: { baseline: same, canary: same }, b: { baseline: same, canary: higher } };
    expect(judge(c, data).score).toBe(70);
    expect(judge(c, data).verdict).toBe('marginal');
    expect(judge(c, data, { marginal: 50, pass: 70 }).verdict).toBe('pass');
    expect(judge(c, data, { marginal: 71, pass: 90 }).verdict).toBe('fail');
  });
});

describe('judge: too few points is not judged yet', () => {
  // 3 canary points far above a 6-point baseline: with 5 per side these would fail
  const base = [0.2, 0.21, 0.19, 0.2, 0.22, 0.18];
  const slow = [0.9, 1.1, 1.0];
  const presets: CanaryConfigInput = {
    metrics: [
      { name: 'latency-p99', preset: 'latency-p99' },
      { name: 'errors', preset: 'error-rate-5xx' },
      { name: 'cpu', groups: ['saturation'] },
    ],
    classifier: { groupWeights: { latency: 50, errors: 30, saturation: 20 } },
  };

  test('preset metrics (minDataPoints 5) with 3 points: Nodata, not critical, listed; a user metric is judged', () => {
    const r = judge(presets, {
      'latency-p99': { baseline: base, canary: slow },
      errors: { baseline: base, canary: slow },
      cpu: { baseline: base, canary: base.map((v) => v + 0.001) },
    });
    expect(r.metrics.map((m) => [m.name, m.classification, m.critical, m.insufficientData])).toEqual([
      ['latency-p99', 'Nodata', false, true],
      ['errors', 'Nodata', false, true],
      ['cpu', 'Pass', false, false],
    ]);
    expect(r.metrics[1].reason).toBe('canary has 3 points, baseline 6; at least 5 per side are needed to judge errors');
    expect(r.metrics[1].canary).toMatchObject({ count: 3, median: 1 });
    // 2 of 3 metrics Nodata for too few points: not Kayenta's 50% rule; latency and errors have no judged metric
    expect(r).toMatchObject({
      score: 100,
      verdict: 'pass',
      reason: '',
      insufficientData: ['latency-p99', 'errors'],
      insufficientDataRequired: ['errors'],
    });
    expect(r.groups.map((g) => [g.name, g.noData, g.scored])).toEqual([
      ['latency', true, 0],
      ['errors', true, 0],
      ['saturation', false, 1],
    ]);
  });

  test('with 5 points per side the same presets are judged: the critical 5xx rate fails the canary', () => {
    const r = judge(presets, {
      'latency-p99': { baseline: base, canary: [...slow, 0.95, 1.05] },
      errors: { baseline: base, canary: [...slow, 0.95, 1.05] },
      cpu: { baseline: base, canary: base },
    });
    expect(r.metrics.map((m) => [m.classification, m.critical, m.insufficientData])).toEqual([
      ['High', false, false],
      ['High', true, false],
      ['Pass', false, false],
    ]);
    expect(r).toMatchObject({ score: 0, verdict: 'fail', insufficientData: [], insufficientDataRequired: [] });
  });

  test("a config's own minDataPoints wins over the preset's; muted metrics are not listed; mustHaveData is required", () => {
    const r = judge(
      {
        metrics: [
          { name: 'p99', preset: 'latency-p99', analysisConfigurations: { canary: { minDataPoints: 2 } } },
          { name: 'p50', preset: 'latency-p50', analysisConfigurations: { canary: { muted: true } } },
          { name: 'rps', preset: 'request-count', analysisConfigurations: { canary: { mustHaveData: true } } },
        ],
      },
      {
        p99: { baseline: base, canary: slow },
        p50: { baseline: base, canary: slow },
        rps: { baseline: [100, 101, 99, 100], canary: [100, 98, 102, 100] },
      },
    );
    expect(r.metrics.map((m) => [m.name, m.classification, m.insufficientData])).toEqual([
      ['p99', 'High', false],
      ['p50', 'Nodata', true],
      ['rps', 'Nodata', true],
    ]);
    expect(r.insufficientData).toEqual(['rps']);
    expect(r.insufficientDataRequired).toEqual(['rps']);
    // latency 0 (p99 High, p50 muted) and traffic with no judged metric (counts as 100), 50 % each
    expect(r.score).toBe(50);
  });
});
