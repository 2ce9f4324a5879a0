import { assembleSeries, planQueries } from '../../../shared/metrics/cloudwatch-queries';
import type { CloudWatchQuery } from '../../../shared/metrics/metric-query';
import type { MetricRequest } from '../../../shared/metrics/metric-source';
import { albErrorCounts, albQuery, slowerThan } from '../../support/metric-queries';

const LB = 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/abc';
const cpu: CloudWatchQuery = {
  type: 'cloudwatch',
  namespace: 'AWS/EC2',
  metricName: 'CPUUtilization',
  stat: 'Average',
  dimensions: { AutoScalingGroupName: 'ignored-by-scope', InstanceId: 'overridden' },
  scopeDimension: 'InstanceId',
};
const request: MetricRequest = {
  metrics: [
    { name: 'cpu', query: cpu },
    {
      name: 'errors',
      query: {
        type: 'cloudwatch-ratio',
        numerator: {
          ...cpu,
          namespace: 'App',
          metricName: 'Errors',
          stat: 'Sum',
          dimensions: {},
          scopeDimension: { dimension: 'Version' },
        },
        denominator: {
          ...cpu,
          namespace: 'App',
          metricName: 'Requests',
          stat: 'Sum',
          dimensions: {},
          scopeDimension: { dimension: 'Version' },
        },
      },
    },
  ],
  scopes: {
    baseline: {
      role: 'baseline',
      runId: 'r',
      version: 'v1',
      targetGroupArn: 'tg-b',
      loadBalancerArn: LB,
      instanceIds: ['i-1', 'i-2'],
    },
    canary: { role: 'canary', runId: 'r', version: 'v2', targetGroupArn: 'tg-c', loadBalancerArn: LB, instanceIds: [] },
  },
  window: { start: new Date(0), end: new Date(600_000) },
};

describe('planQueries', () => {
  it('asks one query per instance, the scope dimension replacing a configured one, with unique ids', () => {
    const plan = planQueries(request, 60);
    expect(plan.errors.size).toBe(0);
    expect(plan.queries.map((q) => [q.query.Id, q.metric, q.role, q.part])).toEqual([
      ['q0', 0, 'baseline', 'value'],
      ['q1', 0, 'baseline', 'value'],
      ['q2', 1, 'baseline', 'numerator'],
      ['q3', 1, 'baseline', 'denominator'],
      ['q4', 1, 'canary', 'numerator'],
      ['q5', 1, 'canary', 'denominator'],
    ]);
    expect(plan.queries[1].query.MetricStat!.Metric!.Dimensions).toEqual([
      { Name: 'AutoScalingGroupName', Value: 'ignored-by-scope' },
      { Name: 'InstanceId', Value: 'i-2' },
    ]);
    expect(plan.queries[4].query.MetricStat!.Metric!.Dimensions).toEqual([{ Name: 'Version', Value: 'v2' }]);
  });
});

describe('assembleSeries', () => {
  it('averages instances, divides per period, and leaves a version without instances empty', () => {
    const plan = planQueries(request, 60);
    const results = new Map([
      ['q0', { timestamps: [0, 60_000], values: [10, 20] }],
      ['q1', { timestamps: [60_000], values: [40] }],
      ['q2', { timestamps: [60_000], values: [3] }],
      ['q3', { timestamps: [0, 60_000], values: [100, 60] }],
      ['q4', { timestamps: [0], values: [1] }],
      ['q5', { timestamps: [0, 60_000], values: [10, 0] }],
    ]);
    const [cpuSeries, errors] = assembleSeries(request, plan, results, new Map());
    expect(cpuSeries.baseline).toEqual({ timestamps: [0, 60_000], values: [10, 30] });
    expect(cpuSeries.canary).toEqual({ timestamps: [], values: [] });
    // Sum numerators: a missing point is zero errors; a zero denominator has no ratio.
    expect(errors.baseline).toEqual({ timestamps: [0, 60_000], values: [0, 0.05] });
    expect(errors.canary).toEqual({ timestamps: [0], values: [0.1] });
  });
});

describe('count metrics: planQueries and assembleSeries', () => {
  const TG = {
    baseline: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/cj-b/1111',
    canary: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/cj-c/2222',
  };
  const scopes = (baselineInstances: string[], canaryInstances: string[]): MetricRequest['scopes'] => ({
    baseline: { ...request.scopes.baseline, targetGroupArn: TG.baseline, instanceIds: baselineInstances },
    canary: { ...request.scopes.canary, targetGroupArn: TG.canary, instanceIds: canaryInstances },
  });
  const countsRequest = (metrics: MetricRequest['metrics'], s = scopes([], [])): MetricRequest => ({
    ...request,
    metrics,
    scopes: s,
  });
  const M = 60_000;
  const shape = (plan: ReturnType<typeof planQueries>) =>
    plan.queries.map((q) => [
      q.query.Id,
      q.role,
      q.part,
      q.set,
      q.query.MetricStat!.Metric!.MetricName,
      q.query.MetricStat!.Stat,
      q.query.MetricStat!.Metric!.Dimensions!.map((d) => `${d.Name}=${d.Value}`).join(','),
    ]);
  const errors5xx: MetricRequest['metrics'][number] = { name: 'errors', query: albErrorCounts() };

  it('asks each event query and the total per version, with the ALB dimensions and Sum', () => {
    const plan = planQueries(countsRequest([errors5xx]), 60);
    const dims = (role: 'b' | 'c') =>
      role === 'b'
        ? 'LoadBalancer=app/web/abc,TargetGroup=targetgroup/cj-b/1111'
        : 'LoadBalancer=app/web/abc,TargetGroup=targetgroup/cj-c/2222';
    expect(shape(plan)).toEqual([
      ['q0', 'baseline', 'events', 0, 'HTTPCode_Target_5XX_Count', 'Sum', dims('b')],
      ['q1', 'baseline', 'events', 0, 'TargetConnectionErrorCount', 'Sum', dims('b')],
      ['q2', 'baseline', 'total', 0, 'RequestCount', 'Sum', dims('b')],
      ['q3', 'canary', 'events', 0, 'HTTPCode_Target_5XX_Count', 'Sum', dims('c')],
      ['q4', 'canary', 'events', 0, 'TargetConnectionErrorCount', 'Sum', dims('c')],
      ['q5', 'canary', 'total', 0, 'RequestCount', 'Sum', dims('c')],
    ]);
    expect(plan.queries.every((q) => q.query.MetricStat!.Period === 60 && q.query.ReturnData === true)).toBe(true);
  });

  it('sums the event queries per period, counts a missing event point as 0, drops periods without requests, caps at the total', () => {
    const request = countsRequest([errors5xx]);
    const plan = planQueries(request, 60);
    const results = new Map([
      // baseline 5xx: none published in minutes 0 and 2 (no errors); one point in minute 5, which had no requests
      ['q0', { timestamps: [1 * M, 3 * M, 5 * M], values: [2, 1, 4] }],
      // baseline connection errors only in minute 3
      ['q1', { timestamps: [3 * M], values: [3] }],
      // baseline requests: minute 4 published 0 (as a Sum can be), minute 5 not at all
      ['q2', { timestamps: [0, 1 * M, 2 * M, 3 * M, 4 * M], values: [100, 120, 80, 90, 0] }],
      // canary: more events than requests in minute 1 cannot be: capped at the total
      ['q3', { timestamps: [0, 1 * M], values: [1, 9] }],
      ['q4', { timestamps: [1 * M], values: [4] }],
      ['q5', { timestamps: [0, 1 * M], values: [10, 12] }],
    ]);
    const [errors] = assembleSeries(request, plan, results, new Map());
    expect(errors.error).toBeUndefined();
    expect(errors.counts).toEqual({
      baseline: {
        events: { timestamps: [0, 1 * M, 2 * M, 3 * M], values: [0, 2, 0, 4] },
        totals: { timestamps: [0, 1 * M, 2 * M, 3 * M], values: [100, 120, 80, 90] },
      },
      canary: {
        events: { timestamps: [0, 1 * M], values: [1, 12] },
        totals: { timestamps: [0, 1 * M], values: [10, 12] },
      },
    });
    // The per-period rates beside the counts, for plots and Kayenta's per-period view.
    expect(errors.baseline).toEqual({ timestamps: [0, 1 * M, 2 * M, 3 * M], values: [0, 2 / 120, 0, 4 / 90] });
    expect(errors.canary).toEqual({ timestamps: [0, 1 * M], values: [0.1, 1] });
  });

  it('sums counts over the instances of an InstanceId scope instead of averaging them', () => {
    const app = (metricName: string): CloudWatchQuery => ({
      ...albQuery(metricName, 'Sum'),
      namespace: 'App',
      scopeDimension: 'InstanceId',
    });
    const request = countsRequest(
      [{ name: 'failures', query: { type: 'cloudwatch-counts', events: [app('Failures')], total: app('Calls') } }],
      scopes(['i-1', 'i-2'], ['i-3']),
    );
    const plan = planQueries(request, 60);
    expect(shape(plan)).toEqual([
      ['q0', 'baseline', 'events', 0, 'Failures', 'Sum', 'InstanceId=i-1'],
      ['q1', 'baseline', 'events', 1, 'Failures', 'Sum', 'InstanceId=i-2'],
      ['q2', 'baseline', 'total', 0, 'Calls', 'Sum', 'InstanceId=i-1'],
      ['q3', 'baseline', 'total', 1, 'Calls', 'Sum', 'InstanceId=i-2'],
      ['q4', 'canary', 'events', 0, 'Failures', 'Sum', 'InstanceId=i-3'],
      ['q5', 'canary', 'total', 0, 'Calls', 'Sum', 'InstanceId=i-3'],
    ]);
    const results = new Map([
      ['q0', { timestamps: [0, 1 * M], values: [1, 2] }],
      ['q1', { timestamps: [1 * M], values: [5] }],
      ['q2', { timestamps: [0, 1 * M], values: [40, 50] }],
      // i-2 joined in minute 1
      ['q3', { timestamps: [1 * M], values: [30] }],
      ['q4', { timestamps: [], values: [] }],
      ['q5', { timestamps: [0], values: [7] }],
    ]);
    const [failures] = assembleSeries(request, plan, results, new Map());
    expect(failures.counts!.baseline).toEqual({
      events: { timestamps: [0, 1 * M], values: [1, 7] },
      totals: { timestamps: [0, 1 * M], values: [40, 80] },
    });
    expect(failures.counts!.canary).toEqual({
      events: { timestamps: [0], values: [0] },
      totals: { timestamps: [0], values: [7] },
    });
    // A version without instances has no counts at all (no data), not an error.
    const [none] = assembleSeries(
      { ...request, scopes: scopes(['i-1'], []) },
      planQueries({ ...request, scopes: scopes(['i-1'], []) }, 60),
      new Map(),
      new Map(),
    );
    expect(none.error).toBeUndefined();
    expect(none.counts!.canary).toEqual({
      events: { timestamps: [], values: [] },
      totals: { timestamps: [], values: [] },
    });
  });

  const slow = (above: number, statistic?: 'PR' | 'TC', scopeDimension?: 'InstanceId') => ({
    name: 'slow',
    query: slowerThan(above, statistic, scopeDimension),
  });

  it('reads requests above a bound as PR(:bound) and SampleCount of the same metric, or TC(bound:)', () => {
    expect(shape(planQueries(countsRequest([slow(0.5)]), 60))).toEqual([
      ['q0', 'baseline', 'rank', 0, 'TargetResponseTime', 'PR(:0.5)', expect.stringContaining('cj-b')],
      ['q1', 'baseline', 'total', 0, 'TargetResponseTime', 'SampleCount', expect.stringContaining('cj-b')],
      ['q2', 'canary', 'rank', 0, 'TargetResponseTime', 'PR(:0.5)', expect.stringContaining('cj-c')],
      ['q3', 'canary', 'total', 0, 'TargetResponseTime', 'SampleCount', expect.stringContaining('cj-c')],
    ]);
    expect(shape(planQueries(countsRequest([slow(0.5, 'TC')]), 60)).map((q) => [q[2], q[5]])).toEqual([
      ['exceeding', 'TC(0.5:)'],
      ['total', 'SampleCount'],
      ['exceeding', 'TC(0.5:)'],
      ['total', 'SampleCount'],
    ]);
    // Bounds are written as CloudWatch takes them: plain decimals, never exponent notation.
    const stats = (above: number) => planQueries(countsRequest([slow(above)]), 60).queries[0].query.MetricStat!.Stat;
    expect([stats(2), stats(0.25), stats(1e-7), stats(1234.5)]).toEqual([
      'PR(:2)',
      'PR(:0.25)',
      'PR(:0.0000001)',
      'PR(:1234.5)',
    ]);
  });

  it('turns a percentile rank into round(total × (100 − PR) / 100) slow requests per period', () => {
    const request = countsRequest([slow(0.5)]);
    const plan = planQueries(request, 60);
    const results = new Map([
      // 200 requests, 99.5 % at or below 0.5 s: 1 slow; 3 requests, 66.67 %: 1; 7, 100 %: 0
      ['q0', { timestamps: [0, 1 * M, 2 * M, 4 * M], values: [99.5, 66.66666666666667, 100, 50] }],
      // minute 3: requests but no rank (could not be ranked): dropped, not "none slow"; minute 4: a rank alone
      ['q1', { timestamps: [0, 1 * M, 2 * M, 3 * M], values: [200, 3, 7, 10] }],
      ['q2', { timestamps: [0, 1 * M], values: [0, 90] }],
      ['q3', { timestamps: [0, 1 * M], values: [40, 10] }],
    ]);
    const [s] = assembleSeries(request, plan, results, new Map());
    expect(s.counts).toEqual({
      baseline: {
        events: { timestamps: [0, 1 * M, 2 * M], values: [1, 1, 0] },
        totals: { timestamps: [0, 1 * M, 2 * M], values: [200, 3, 7] },
      },
      canary: {
        events: { timestamps: [0, 1 * M], values: [40, 1] },
        totals: { timestamps: [0, 1 * M], values: [40, 10] },
      },
    });
    expect(s.canary).toEqual({ timestamps: [0, 1 * M], values: [1, 0.1] });
  });

  it('ranks each instance against its own SampleCount and adds the slow requests up', () => {
    const request = countsRequest([slow(0.5, 'PR', 'InstanceId')], scopes(['i-1', 'i-2'], ['i-3']));
    const plan = planQueries(request, 60);
    expect(shape(plan).map((q) => [q[1], q[2], q[3], q[6]])).toEqual([
      ['baseline', 'rank', 0, 'InstanceId=i-1'],
      ['baseline', 'rank', 1, 'InstanceId=i-2'],
      ['baseline', 'total', 0, 'InstanceId=i-1'],
      ['baseline', 'total', 1, 'InstanceId=i-2'],
      ['canary', 'rank', 0, 'InstanceId=i-3'],
      ['canary', 'total', 0, 'InstanceId=i-3'],
    ]);
    const results = new Map([
      // i-1: 1 of 4 slow, then 0 of 10; i-2: 9 of 10 slow (its rank is not the mean of both)
      ['q0', { timestamps: [0, 1 * M], values: [75, 100] }],
      ['q1', { timestamps: [0], values: [10] }],
      ['q2', { timestamps: [0, 1 * M], values: [4, 10] }],
      ['q3', { timestamps: [0], values: [10] }],
      ['q4', { timestamps: [], values: [] }],
      ['q5', { timestamps: [], values: [] }],
    ]);
    const [s] = assembleSeries(request, plan, results, new Map());
    expect(s.counts!.baseline).toEqual({
      events: { timestamps: [0, 1 * M], values: [10, 0] },
      totals: { timestamps: [0, 1 * M], values: [14, 10] },
    });
    expect(s.counts!.canary.totals).toEqual({ timestamps: [], values: [] });
  });

  it('counts TC(bound:) directly, paired with the SampleCount of its dimension set', () => {
    const request = countsRequest([slow(0.5, 'TC')]);
    const plan = planQueries(request, 60);
    const results = new Map([
      ['q0', { timestamps: [0, 1 * M], values: [3, 0] }],
      // minute 2 has requests but no trimmed count: unknown, dropped
      ['q1', { timestamps: [0, 1 * M, 2 * M], values: [50, 60, 70] }],
      ['q2', { timestamps: [0], values: [9] }],
      ['q3', { timestamps: [0], values: [5] }],
    ]);
    const [s] = assembleSeries(request, plan, results, new Map());
    expect(s.counts).toEqual({
      baseline: {
        events: { timestamps: [0, 1 * M], values: [3, 0] },
        totals: { timestamps: [0, 1 * M], values: [50, 60] },
      },
      // 9 above the bound of 5 requests cannot be: capped
      canary: { events: { timestamps: [0], values: [5] }, totals: { timestamps: [0], values: [5] } },
    });
  });

  it('refuses PromQL count queries with a reason and keeps a failed metric without counts', () => {
    const request = countsRequest([
      { name: 'prom', query: { type: 'prometheus-counts', events: 'a{${scope}}', total: 'b{${scope}}' } },
      errors5xx,
    ]);
    const plan = planQueries(request, 60);
    expect(plan.errors.get(0)).toBe(
      'a prometheus-counts query cannot be answered by CloudWatch (use a cloudwatch, cloudwatch-ratio, cloudwatch-counts, cloudwatch-exceedance or cloudwatch-histogram query)',
    );
    expect(plan.queries.every((q) => q.metric === 1)).toBe(true);
    const [prom, errors] = assembleSeries(request, plan, new Map(), new Map([[1, 'cloudwatch: throttled']]));
    expect(prom.counts).toBeUndefined();
    expect(errors).toEqual({
      name: 'errors',
      baseline: { timestamps: [], values: [] },
      canary: { timestamps: [], values: [] },
      error: 'cloudwatch: throttled',
    });
  });
});
