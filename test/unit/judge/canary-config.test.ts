import { parseOrThrow, ValidationError } from '../../../shared/config/validation';
import { canaryConfigSchema, type CanaryConfigInput } from '../../../shared/judge/canary-config';

/** A config in Kayenta's shape as Kayenta's own integration tests and docs write them. */
function kayentaShaped(): CanaryConfigInput {
  return {
    name: 'checkout-canary',
    description: 'golden signals',
    configVersion: '1.0',
    applications: ['checkout'],
    judge: { name: 'NetflixACAJudge-v1.0', judgeConfigurations: {} },
    metrics: [
      {
        name: 'cpu',
        query: { type: 'prometheus', metricName: 'process_cpu_seconds_total', customFilterTemplate: 'by-pod' },
        analysisConfigurations: { canary: { critical: true, direction: 'increase' } },
        groups: ['system'],
        scopeName: 'default',
      },
      {
        name: 'errors',
        query: { type: 'newrelic', select: 'count(*)', q: "httpResponseCode >= '500'" },
        groups: ['requests'],
        analysisConfigurations: {},
        scopeName: 'default',
      },
    ],
    templates: { 'by-pod': "pod_name='${scope}'" },
    classifier: { groupWeights: { system: 30, requests: 70 }, scoreThresholds: { marginal: 50, pass: 75 } },
  };
}

const parse = (input: unknown) => parseOrThrow(canaryConfigSchema, input, 'canary config');

function issuesOf(input: unknown): string[] {
  try {
    parse(input);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('canary config schema', () => {
  test("Kayenta's shape is accepted; foreign queries are kept aside, defaults filled in", () => {
    const config = parse(kayentaShaped());
    const [cpu, errors] = config.metrics;
    expect(cpu.query).toBeUndefined();
    expect(cpu.foreignQuery).toEqual({
      type: 'prometheus',
      metricName: 'process_cpu_seconds_total',
      customFilterTemplate: 'by-pod',
    });
    expect(errors.foreignQuery).toEqual({ type: 'newrelic', select: 'count(*)', q: "httpResponseCode >= '500'" });
    expect(cpu.scopeName).toBe('default');
    expect(cpu.analysisConfigurations.canary).toEqual({
      direction: 'increase',
      nanStrategy: 'remove',
      critical: true,
      mustHaveData: false,
      muted: false,
    });
    expect(errors.analysisConfigurations.canary.direction).toBe('either');
    expect(config.templates).toEqual({ 'by-pod': "pod_name='${scope}'" });
  });

  test('our own query shapes are validated and kept in `query`', () => {
    const input = kayentaShaped();
    input.metrics[0].query = { type: 'prometheus', query: 'rate(cpu{${scope}}[1m])' };
    input.metrics[1].query = {
      type: 'cloudwatch',
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      stat: 'Sum',
    };
    const [cpu, errors] = parse(input).metrics;
    expect(cpu.query).toEqual({ type: 'prometheus', query: 'rate(cpu{${scope}}[1m])' });
    expect(cpu.foreignQuery).toBeUndefined();
    expect(errors.query).toEqual({
      type: 'cloudwatch',
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      stat: 'Sum',
      dimensions: {},
      scopeDimension: 'TargetGroup',
    });
  });

  test('a broken query of ours names its field path', () => {
    const input = kayentaShaped();
    input.metrics[0].query = { type: 'prometheus', query: 'rate(cpu[1m])' };
    input.metrics[1].query = { type: 'cloudwatch', namespace: 'AWS/EC2', metricName: 'CPUUtilization', stat: 'avg' };
    expect(issuesOf(input)).toEqual([
      'metrics[0].query.query: the query must contain ${scope}',
      'metrics[1].query.stat: expected Average, Sum, Minimum, Maximum, SampleCount, pNN, PR(lo:hi) or TC(lo:hi)',
    ]);
  });

  test('a broken histogram query names its field: bounds that do not ascend, a missing sum query', () => {
    const input = kayentaShaped();
    input.metrics[0].query = { type: 'prometheus-histogram', buckets: 'sum by (le) (x_bucket{${scope}})' };
    input.metrics[1].query = {
      type: 'cloudwatch-histogram',
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      bounds: [0.1, 0.5, 0.25],
    };
    expect(issuesOf(input)).toEqual([
      'metrics[0].query.sum: Invalid input: expected string, received undefined',
      'metrics[1].query.bounds: bounds must ascend',
    ]);
    input.metrics[1].query = { ...input.metrics[1].query, bounds: [0.1, 0.25, 0.5] };
    input.metrics[0].query = { ...input.metrics[0].query, sum: 'sum(x_sum{${scope}})' };
    expect(parse(input).metrics.map((m) => m.query?.type)).toEqual(['prometheus-histogram', 'cloudwatch-histogram']);
  });

  test('a query without a type is rejected', () => {
    const input = kayentaShaped() as { metrics: { query?: unknown }[] };
    input.metrics[0].query = { metricName: 'x' };
    expect(issuesOf(input)[0]).toMatch(/^metrics\[0\]\.query\.type: /);
  });

  test('unknown enum values and strings for booleans are named, not defaulted as Kayenta does', () => {
    const input = kayentaShaped() as unknown as {
      metrics: { analysisConfigurations: { canary: Record<string, unknown> } }[];
    };
    input.metrics[0].analysisConfigurations.canary = { direction: 'up', critical: 'true' };
    const issues = issuesOf(input);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(
      /^metrics\[0\]\.analysisConfigurations\.canary\.direction: .*"increase"\|"decrease"\|"either"/,
    );
    expect(issues[1]).toMatch(/^metrics\[0\]\.analysisConfigurations\.canary\.critical: .*boolean/);
  });

  test('a misspelt analysis field is rejected', () => {
    const input = kayentaShaped() as unknown as {
      metrics: { analysisConfigurations: { canary: Record<string, unknown> } }[];
    };
    input.metrics[1].analysisConfigurations.canary = { mustHaveDate: true };
    expect(issuesOf(input)).toEqual(['metrics[1].analysisConfigurations.canary: Unrecognized key: "mustHaveDate"']);
  });

  test('CLES thresholds are probabilities', () => {
    const input = kayentaShaped();
    input.metrics[0].analysisConfigurations = { canary: { effectSize: { measure: 'cles', allowedIncrease: 1.2 } } };
    expect(issuesOf(input)).toEqual([
      'metrics[0].analysisConfigurations.canary.effectSize.allowedIncrease: CLES is a probability: expected at most 1, got 1.2',
    ]);
  });

  test('floorConfidence is a level in [0.5, 1), for histogram metrics; the latency-histogram preset sets 0.8', () => {
    const input = kayentaShaped();
    input.metrics[0].query = { type: 'prometheus', query: 'avg(x{${scope}})' };
    input.metrics[0].analysisConfigurations = { canary: { effectSize: { floorConfidence: 0.8 } } };
    input.metrics[1].analysisConfigurations = { canary: { effectSize: { floorConfidence: 1 } } };
    expect(issuesOf(input)).toEqual([
      'metrics[1].analysisConfigurations.canary.effectSize.floorConfidence: Too big: expected number to be <1',
      'metrics[0].analysisConfigurations.canary.effectSize.floorConfidence: floorConfidence applies to histogram ' +
        'metrics (their mean ratio\'s bound); query type "prometheus" is not one',
    ]);
    input.metrics[0].query = {
      type: 'prometheus-histogram',
      buckets: 'sum by (le) (x_bucket{${scope}})',
      sum: 'sum(x_sum{${scope}})',
    };
    input.metrics[1].analysisConfigurations = { canary: { effectSize: { floorConfidence: 0.5 } } };
    const parsed = parse(input);
    expect(parsed.metrics[0].analysisConfigurations.canary.effectSize?.floorConfidence).toBe(0.8);
    const preset = parse({ metrics: [{ name: 'latency', preset: 'latency-histogram' }] });
    expect(preset.metrics[0].analysisConfigurations.canary.effectSize).toMatchObject({
      allowedIncrease: 1.05,
      floorConfidence: 0.8,
    });
  });

  test('group weights above 100 in total, or for a group no metric is in, are rejected', () => {
    const input = kayentaShaped();
    input.classifier = { groupWeights: { system: 60, requests: 50, latency: 10 } };
    expect(issuesOf(input)).toEqual([
      'classifier.groupWeights.latency: no metric is in group "latency", so its weight could never be earned; remove it or fix the group name',
      'classifier.groupWeights: group weights add up to 120; they must not exceed 100',
    ]);
  });

  test('a config where no metric has a group is rejected (nothing could be scored)', () => {
    const input = kayentaShaped();
    input.metrics.forEach((m) => (m.groups = []));
    input.classifier = {};
    expect(issuesOf(input)).toEqual([
      'metrics: no metric belongs to a group: give each metric "groups" (only grouped metrics count in the score)',
    ]);
  });

  test('duplicate metric names are rejected', () => {
    const input = kayentaShaped();
    input.metrics[1].name = 'cpu';
    expect(issuesOf(input)).toEqual(['metrics[1].name: duplicate metric name "cpu"']);
  });

  test('minDataPoints and k-sigma outliers are our additions', () => {
    const input = kayentaShaped();
    input.metrics[0].analysisConfigurations = {
      canary: { minDataPoints: 10, outliers: { strategy: 'remove', method: 'ksigma', outlierFactor: 2.5 } },
    };
    const canary = parse(input).metrics[0].analysisConfigurations.canary;
    expect(canary.minDataPoints).toBe(10);
    expect(canary.outliers).toEqual({ strategy: 'remove', method: 'ksigma', outlierFactor: 2.5 });
  });
});
