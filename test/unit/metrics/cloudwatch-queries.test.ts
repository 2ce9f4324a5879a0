import { assembleSeries, planQueries } from '../../../shared/metrics/cloudwatch-queries';
import type { CloudWatchQuery } from '../../../shared/metrics/metric-query';
import type { MetricRequest } from '../../../shared/metrics/metric-source';

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
