import { analysisLines } from '../../../cli/commands/analyze';
import { analyze, parseAnalyzeInput } from '../../../shared/analyze/analyze';
import { parseAnalysisTarget, type AnalyzeInputRaw } from '../../../shared/config/analyze-input';
import { ValidationError } from '../../../shared/config/validation';
import type { MetricRequest, MetricSeries, MetricSource, Scope } from '../../../shared/metrics/metric-source';
import { xorshift32 } from '../../../shared/random/xorshift32';
import { MemoryReportStore } from '../../support/fake-adapters';
import { ERROR_RATE_METRIC, LATENCY_METRIC } from '../../support/run-inputs';

const MINUTE = 60_000;
const FROM = Date.UTC(2026, 4, 4, 14, 0);
const NOW = new Date(FROM + 3 * 60 * MINUTE);
const LB = 'app/web/50dc6c495c0c9188';

function input(overrides: Partial<AnalyzeInputRaw> = {}): AnalyzeInputRaw {
  return {
    service: 'shop',
    baseline: 'targetgroup/shop-blue/1111111111111111',
    canary: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-green/2222222222222222',
    loadBalancer: LB,
    from: new Date(FROM).toISOString(),
    to: new Date(FROM + 60 * MINUTE).toISOString(),
    intervalSeconds: 600,
    metricsSource: { type: 'cloudwatch', periodSeconds: 60 },
    canaryConfig: {
      name: 'shop',
      metrics: [LATENCY_METRIC, ERROR_RATE_METRIC],
      classifier: { groupWeights: { latency: 50, errors: 50 } },
    },
    ...overrides,
  };
}

/** A value per period that depends only on the period and the version, so cumulative windows agree. */
function noisy(seed: number, t: number, level: number): number {
  const random = xorshift32((t / MINUTE) * 7919 + seed * 104_729);
  return level * (0.8 + 0.4 * random());
}

/** One point per minute of the window; `level` per role and metric; `fail` makes the source fail for a metric. */
class MinuteSource implements MetricSource {
  readonly description = 'in-memory';
  readonly requests: MetricRequest[] = [];
  constructor(
    private readonly level: (name: string, scope: Scope) => number,
    private readonly fail: (name: string) => boolean = () => false,
  ) {}

  async fetch(request: MetricRequest): Promise<MetricSeries[]> {
    this.requests.push(request);
    const start = Math.ceil(request.window.start.getTime() / MINUTE) * MINUTE;
    const timestamps: number[] = [];
    for (let t = start; t + MINUTE <= request.window.end.getTime(); t += MINUTE) timestamps.push(t);
    return request.metrics.map(({ name }) => {
      if (this.fail(name)) {
        const empty = { timestamps: [], values: [] };
        return { name, baseline: empty, canary: empty, error: 'in-memory: down' };
      }
      const side = (scope: Scope, seed: number) => ({
        timestamps,
        values: timestamps.map((t) => noisy(seed, t, this.level(name, scope))),
      });
      return { name, baseline: side(request.scopes.baseline, 1), canary: side(request.scopes.canary, 2) };
    });
  }
}

const levels =
  (canaryLatency: number) =>
  (name: string, scope: Scope): number =>
    name === 'latency' ? (scope.role === 'canary' ? canaryLatency : 0.1) : 0.01;

describe('analyze targets', () => {
  it('reads target groups in either form and label sets in either form', () => {
    expect(parseAnalysisTarget('targetgroup/shop-blue/1111')).toMatchObject({
      kind: 'target-group',
      targetGroup: 'targetgroup/shop-blue/1111',
      label: 'shop-blue',
    });
    expect(parseAnalysisTarget('arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/shop-green/2222')).toMatchObject({
      kind: 'target-group',
      targetGroup: 'targetgroup/shop-green/2222',
    });
    expect(parseAnalysisTarget('{version="v1", job="shop"}')).toMatchObject({
      kind: 'labels',
      selector: 'version="v1",job="shop"',
    });
    expect(parseAnalysisTarget('version=v1,job=~shop.*')).toMatchObject({
      kind: 'labels',
      selector: 'version="v1",job=~"shop.*"',
    });
    expect(parseAnalysisTarget('v1')).toMatch(/expected a target group .* or a Prometheus label set/);
    expect(parseAnalysisTarget('{}')).toMatch(/expected a target group/);
    expect(parseAnalysisTarget('arn:aws:ec2:eu-west-1:1:instance/i-1')).toMatch(/not a target group ARN/);
  });
});

describe('analyze input validation', () => {
  const problem = (raw: AnalyzeInputRaw, now = NOW): string => {
    try {
      parseAnalyzeInput(raw, now);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('accepts a good input and fills the defaults', () => {
    const parsed = parseAnalyzeInput(input({ intervalSeconds: undefined }), NOW);
    expect(parsed.intervalSeconds).toBe(600);
    expect(parsed.thresholds).toEqual({ marginal: 50, pass: 75 });
    expect(parsed.judgment.mode).toBe('sequential');
  });

  it('names the field of each problem', () => {
    expect(problem(input({ to: new Date(FROM).toISOString() }))).toMatch(/to: must be after from/);
    expect(problem(input({ from: 'yesterday' }))).toMatch(/from: expected an ISO 8601 time/);
    expect(problem(input(), new Date(FROM + 30 * MINUTE))).toMatch(/to: .* is in the future/);
    expect(problem(input({ intervalSeconds: 420 }))).toMatch(/intervalSeconds: from..to is 3600s, not a whole number/);
    expect(problem(input({ intervalSeconds: 90 }))).toMatch(
      /intervalSeconds: 90s is not a whole number of the source's 60s/,
    );
    expect(problem(input({ intervalSeconds: 60 }))).toMatch(
      /intervalSeconds: from..to makes 60 intervals of 60s, at most 48/,
    );
    expect(problem(input({ analysis: { warmupSeconds: 600 } }))).toMatch(/analysis.warmupSeconds: must be shorter/);
    expect(problem(input({ baseline: '{version="v1"}' }))).toMatch(
      /baseline: the cloudwatch source reads an ALB target group/,
    );
    expect(problem(input({ canary: 'v2' }))).toMatch(/canary: expected a target group/);
    expect(problem(input({ loadBalancer: undefined }))).toMatch(/loadBalancer: metric "latency" reads ALB metrics/);
    expect(problem(input({ metricsSource: { type: 'local' } }))).toMatch(/metricsSource.type: analyze reads/);
    expect(problem(input({ metricsSource: { type: 'prometheus', url: 'http://127.0.0.1:9090' } }))).toMatch(
      /baseline: the prometheus source reads a label set/,
    );
    expect(problem({ ...input(), traffic: {} } as AnalyzeInputRaw)).toMatch(/Unrecognized key.*traffic/);
  });

  it('refuses metrics scoped by instance: there are no instances to ask about', () => {
    const cpu = {
      ...LATENCY_METRIC,
      name: 'cpu',
      query: { ...LATENCY_METRIC.query, scopeDimension: 'InstanceId' as const },
    };
    expect(
      problem(input({ canaryConfig: { name: 'c', metrics: [cpu], classifier: { groupWeights: { latency: 100 } } } })),
    ).toMatch(/canaryConfig.metrics\[0\]: metric "cpu" is scoped by InstanceId/);
  });
});

describe('analyze', () => {
  it('promotes a canary like its baseline after judging every interval, on cumulative windows', async () => {
    const source = new MinuteSource(levels(0.1));
    const result = await analyze(input(), { metrics: source, now: () => NOW });
    expect(result).toMatchObject({
      analysisId: 'shop-analysis-20260504170000',
      label: 'WOULD PROMOTE',
      decision: 'promote',
      verdict: 'pass',
      score: 100,
      intervalCount: 6,
      baseline: { label: 'shop-blue' },
      canary: { label: 'shop-green' },
    });
    expect(result.summary).toBe('score 100 ≥ pass 75 after the last interval; all 2 metrics passed');
    expect(result.reason).toBe('interval 6/6: final score 100 >= pass 75');
    expect(result.intervals.map((j) => j.action)).toEqual([
      'continue',
      'continue',
      'continue',
      'continue',
      'continue',
      'promote',
    ]);
    // cumulative windows from `from`, each ending at its interval's end
    expect(source.requests.map((r) => [r.window.start.getTime() - FROM, r.window.end.getTime() - FROM])).toEqual(
      [1, 2, 3, 4, 5, 6].map((k) => [0, k * 10 * MINUTE]),
    );
    expect(source.requests[0].scopes.canary).toMatchObject({
      targetGroupArn: 'targetgroup/shop-green/2222222222222222',
      loadBalancerArn: LB,
      instanceIds: [],
    });
    // sequential error control: the levels rise over the looks, and the last one is the tightest spent so far
    const levelsUsed = result.intervals.map((j) => j.confidenceLevel);
    expect(levelsUsed[0]).toBeGreaterThan(0.98);
    expect(levelsUsed[5]).toBeLessThan(levelsUsed[0]);
    expect(result.intervals.map((j) => j.informationFraction)).toEqual([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1]);
  });

  it('rolls back at the first interval that proves a 50 % slower canary, and reads no further', async () => {
    const source = new MinuteSource(levels(0.15));
    const result = await analyze(input(), { metrics: source, now: () => NOW });
    expect(result.label).toBe('WOULD ROLL BACK');
    expect(result.decision).toBe('rollback');
    expect(result.intervals.map((j) => j.action)).toEqual(['rollback']);
    expect(source.requests).toHaveLength(1);
    expect(result.summary).toBe(
      'score 50 ≤ marginal 50 at interval 1 of 6: latency is higher on the canary (median 99.7 ms → 148 ms, +48.7%)',
    );
    expect(result.reason).toMatch(/^interval 1\/6: score 50 <= marginal 50/);
  });

  it('says it could not judge when the source fails for every metric', async () => {
    const result = await analyze(input(), { metrics: new MinuteSource(levels(0.1), () => true), now: () => NOW });
    expect(result).toMatchObject({ label: 'COULD NOT JUDGE', decision: 'rollback', verdict: 'inconclusive' });
    expect(result.intervals).toHaveLength(1);
    expect(result.reason).toBe(
      'interval 1/6: could not judge: the metrics source failed for every metric: in-memory: down',
    );
  });

  it('leaves out the periods the source does not have complete yet (its delay counts back from now)', async () => {
    const source = new MinuteSource(levels(0.1));
    const to = FROM + 60 * MINUTE;
    await analyze(input({ metricsSource: { type: 'cloudwatch', periodSeconds: 60, delaySeconds: 120 } }), {
      metrics: source,
      now: () => new Date(to + 30_000),
    });
    expect(source.requests.at(-1)!.window.end.getTime()).toBe(to - 90_000);
    expect(source.requests.at(-2)!.window.end.getTime()).toBe(to - 10 * MINUTE);
  });

  it('writes the judgments and the HTML report, decision first', async () => {
    const reports = new MemoryReportStore();
    const result = await analyze(input({ analysisId: 'shop-green-check' }), {
      metrics: new MinuteSource(levels(0.15)),
      reports,
      now: () => NOW,
    });
    expect(result.report).toEqual({
      key: 'shop-green-check/report.html',
      url: 'memory://shop-green-check/report.html',
    });
    const html = reports.files.get('shop-green-check/report.html')!.body;
    expect(html).toContain('<div class="badge" data-field="decision">WOULD ROLL BACK</div>');
    expect(html).toContain('targetgroup/shop-blue/1111111111111111');
    expect(html).toContain(`Metrics at interval ${result.intervals.length}`);
    expect(html).toContain('changed no traffic and no instances');
    const stored = JSON.parse(reports.files.get('shop-green-check/judgments/step-1.json')!.body) as {
      summary: { step: number };
      series: { name: string }[];
    };
    expect(stored.summary.step).toBe(1);
    expect(stored.series.map((s) => s.name)).toEqual(['latency', 'error-rate']);
  });

  it('gives a window that ends on another day its end date, in the report and on the terminal', async () => {
    const reports = new MemoryReportStore();
    const raw = input({
      analysisId: 'two-days',
      to: new Date(FROM + 2 * 1440 * MINUTE).toISOString(),
      intervalSeconds: 86_400,
    });
    const later = new Date(FROM + 3 * 1440 * MINUTE);
    const result = await analyze(raw, { metrics: new MinuteSource(levels(0.1)), reports, now: () => later });
    expect(result.intervals.map((j) => j.window.end)).toEqual(['2026-05-05T14:00:00.000Z', '2026-05-06T14:00:00.000Z']);
    const html = reports.files.get('two-days/report.html')!.body;
    expect(html).toContain('<td class="mono">2026-05-04 14:00:00 – 2026-05-05 14:00:00</td>');
    expect(html).toContain('<td class="mono">2026-05-04 14:00:00 – 2026-05-06 14:00:00</td>');
    const lines = analysisLines(result, parseAnalyzeInput(raw, later).canaryConfig);
    expect(lines.filter((l) => /^[12]\/2 /.test(l)).map((l) => l.split(/ {2,}/)[1])).toEqual([
      '2026-05-04 14:00:00 – 2026-05-05 14:00:00',
      '2026-05-04 14:00:00 – 2026-05-06 14:00:00',
    ]);
  });
});
