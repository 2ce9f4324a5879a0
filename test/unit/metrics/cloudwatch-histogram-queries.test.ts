import { assembleSeries, planQueries } from '../../../shared/metrics/cloudwatch-queries';
import type { CloudWatchHistogramQuery } from '../../../shared/metrics/metric-query';
import type { MetricRequest } from '../../../shared/metrics/metric-source';

/** A histogram from CloudWatch: PR(:bound) per bound, SampleCount and Sum per version, turned into bucket counts. */

const LB = 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/abc';
const M = 60_000;
const latency = (
  scopeDimension: CloudWatchHistogramQuery['scopeDimension'] = 'TargetGroup',
): CloudWatchHistogramQuery => ({
  type: 'cloudwatch-histogram',
  namespace: 'AWS/ApplicationELB',
  metricName: 'TargetResponseTime',
  dimensions: {},
  scopeDimension,
  bounds: [0.1, 0.25, 0.5],
});
const request = (query: CloudWatchHistogramQuery, instances: [string[], string[]] = [[], []]): MetricRequest => ({
  metrics: [{ name: 'latency', query }],
  scopes: {
    baseline: {
      role: 'baseline',
      runId: 'r',
      version: 'v1',
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/cj-b/1111',
      loadBalancerArn: LB,
      instanceIds: instances[0],
    },
    canary: {
      role: 'canary',
      runId: 'r',
      version: 'v2',
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/cj-c/2222',
      loadBalancerArn: LB,
      instanceIds: instances[1],
    },
  },
  window: { start: new Date(0), end: new Date(10 * M) },
});

describe('cloudwatch-histogram: planQueries', () => {
  it('asks PR(:bound) for every bound, SampleCount and Sum of the metric, per version, with the ALB dimensions', () => {
    const plan = planQueries(request(latency()), 60);
    expect(plan.errors.size).toBe(0);
    expect(
      plan.queries.map((q) => [
        q.query.Id,
        q.role,
        q.part,
        q.bucket,
        q.query.MetricStat!.Stat,
        q.query.MetricStat!.Period,
      ]),
    ).toEqual([
      ['q0', 'baseline', 'rank', 0, 'PR(:0.1)', 60],
      ['q1', 'baseline', 'rank', 1, 'PR(:0.25)', 60],
      ['q2', 'baseline', 'rank', 2, 'PR(:0.5)', 60],
      ['q3', 'baseline', 'total', undefined, 'SampleCount', 60],
      ['q4', 'baseline', 'sum', undefined, 'Sum', 60],
      ['q5', 'canary', 'rank', 0, 'PR(:0.1)', 60],
      ['q6', 'canary', 'rank', 1, 'PR(:0.25)', 60],
      ['q7', 'canary', 'rank', 2, 'PR(:0.5)', 60],
      ['q8', 'canary', 'total', undefined, 'SampleCount', 60],
      ['q9', 'canary', 'sum', undefined, 'Sum', 60],
    ]);
    expect(plan.queries[5].query.MetricStat!.Metric!.Dimensions).toEqual([
      { Name: 'LoadBalancer', Value: 'app/web/abc' },
      { Name: 'TargetGroup', Value: 'targetgroup/cj-c/2222' },
    ]);
  });
});

describe('cloudwatch-histogram: assembleSeries', () => {
  it('turns the ranks into bucket counts per period, keeps the sums, and gives the per-period means as the series', () => {
    const req = request(latency());
    const plan = planQueries(req, 60);
    const results = new Map([
      // baseline minute 0: 200 requests, 50 % ≤ 0.1 s, 80 % ≤ 0.25, 99.5 % ≤ 0.5 → 100, 60, 39, 1
      ['q0', { timestamps: [0, M, 2 * M], values: [50, 33.333333333333336, 10] }],
      ['q1', { timestamps: [0, M, 2 * M], values: [80, 66.66666666666667, 20] }],
      // minute 2 has requests but no rank of 0.5: it cannot be split into buckets and is dropped
      ['q2', { timestamps: [0, M], values: [99.5, 100] }],
      ['q3', { timestamps: [0, M, 2 * M, 3 * M], values: [200, 3, 10, 0] }],
      ['q4', { timestamps: [0, M, 2 * M, 3 * M], values: [30, 0.6, 2, 0] }],
      // canary: rounding may make a rank fall below the previous one's count: the counts never go negative
      ['q5', { timestamps: [0], values: [34] }],
      ['q6', { timestamps: [0], values: [33] }],
      ['q7', { timestamps: [0], values: [100] }],
      ['q8', { timestamps: [0], values: [3] }],
      ['q9', { timestamps: [0], values: [0.4] }],
    ]);
    const [s] = assembleSeries(req, plan, results, new Map());
    expect(s.histogram).toEqual({
      baseline: {
        timestamps: [0, M],
        bounds: [0.1, 0.25, 0.5],
        counts: [
          [100, 60, 39, 1],
          [1, 1, 1, 0],
        ],
        sums: [30, 0.6],
      },
      canary: { timestamps: [0], bounds: [0.1, 0.25, 0.5], counts: [[1, 0, 2, 0]], sums: [0.4] },
    });
    expect(s.baseline).toEqual({ timestamps: [0, M], values: [0.15, 0.19999999999999998] });
    expect(s.canary.values[0]).toBeCloseTo(0.4 / 3, 15);
  });

  it('adds the instances of an InstanceId scope up, each ranked against its own SampleCount', () => {
    const req = request(latency('InstanceId'), [['i-1', 'i-2'], ['i-3']]);
    const plan = planQueries(req, 60);
    const ids = (role: string, part: string, set: number) =>
      plan.queries.filter((q) => q.role === role && q.part === part && q.set === set).map((q) => q.query.Id as string);
    const results = new Map<string, { timestamps: number[]; values: number[] }>();
    // i-1: 10 requests, all ≤ 0.1 s; i-2: 10 requests, all above 0.5 s
    ids('baseline', 'rank', 0).forEach((id) => results.set(id, { timestamps: [0], values: [100] }));
    ids('baseline', 'rank', 1).forEach((id) => results.set(id, { timestamps: [0], values: [0] }));
    for (const set of [0, 1]) {
      results.set(ids('baseline', 'total', set)[0], { timestamps: [0], values: [10] });
      results.set(ids('baseline', 'sum', set)[0], { timestamps: [0], values: [set === 0 ? 0.5 : 8] });
    }
    const [s] = assembleSeries(req, plan, results, new Map());
    expect(s.histogram!.baseline).toEqual({
      timestamps: [0],
      bounds: [0.1, 0.25, 0.5],
      counts: [[10, 0, 0, 10]],
      sums: [8.5],
    });
    expect(s.histogram!.canary.timestamps).toEqual([]);
  });
});
