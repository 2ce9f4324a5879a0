import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchSource } from '../../../shared/metrics/cloudwatch-source';
import type { CloudWatchQuery } from '../../../shared/metrics/metric-query';
import type { MetricRequest } from '../../../shared/metrics/metric-source';
import { albErrorCounts, slowerThan } from '../../support/metric-queries';

/** What moto cannot serve (percentiles, NextToken paging, throttling, per-query failures), asserted on the requests. */

const LB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/aaaaaaaaaaaaaaaa';
const TG_B = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/cj-x-baseline/bbbbbbbbbbbbbbbb';
const TG_C = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/cj-x-canary/cccccccccccccccc';
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

const p99: CloudWatchQuery = {
  type: 'cloudwatch',
  namespace: 'AWS/ApplicationELB',
  metricName: 'TargetResponseTime',
  stat: 'p99',
  dimensions: {},
  scopeDimension: 'TargetGroup',
};

function request(
  metrics: MetricRequest['metrics'],
  start = T0 + 17_000,
  end = T0 + 5 * 60_000 + 42_000,
): MetricRequest {
  return {
    metrics,
    scopes: {
      baseline: {
        role: 'baseline',
        runId: 'r',
        version: 'v1',
        targetGroupArn: TG_B,
        loadBalancerArn: LB,
        instanceIds: [],
      },
      canary: { role: 'canary', runId: 'r', version: 'v2', targetGroupArn: TG_C, loadBalancerArn: LB, instanceIds: [] },
    },
    window: { start: new Date(start), end: new Date(end) },
  };
}

const noSleep = { sleep: async () => undefined };
const cw = mockClient(CloudWatchClient);
afterEach(() => cw.reset());
afterAll(() => cw.restore());

function throttling() {
  return new CloudWatchServiceException({
    name: 'Throttling',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });
}

describe('CloudWatchSource requests', () => {
  it('asks for p99 per target group with dimensions derived from the ARNs and a window aligned to the period', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'q0',
          Timestamps: [new Date(T0 + 60_000), new Date(T0 + 120_000)],
          Values: [0.25, 0.5],
          StatusCode: 'Complete',
        },
        {
          Id: 'q1',
          Timestamps: [new Date(T0 + 120_000), new Date(T0 + 60_000)],
          Values: [0.9, 0.7],
          StatusCode: 'Complete',
        },
      ],
    });
    const source = new CloudWatchSource({ periodSeconds: 60, client: new CloudWatchClient({ region: 'eu-west-1' }) });
    const [latency] = await source.fetch(request([{ name: 'latency-p99', query: p99 }]));

    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    expect(cw.commandCalls(GetMetricDataCommand)[0].args[0].input).toEqual({
      StartTime: new Date(T0 + 60_000),
      EndTime: new Date(T0 + 5 * 60_000),
      ScanBy: 'TimestampAscending',
      NextToken: undefined,
      MetricDataQueries: [
        {
          Id: 'q0',
          ReturnData: true,
          MetricStat: {
            Period: 60,
            Stat: 'p99',
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'TargetResponseTime',
              Dimensions: [
                { Name: 'LoadBalancer', Value: 'app/shop/aaaaaaaaaaaaaaaa' },
                { Name: 'TargetGroup', Value: 'targetgroup/cj-x-baseline/bbbbbbbbbbbbbbbb' },
              ],
            },
          },
        },
        {
          Id: 'q1',
          ReturnData: true,
          MetricStat: {
            Period: 60,
            Stat: 'p99',
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'TargetResponseTime',
              Dimensions: [
                { Name: 'LoadBalancer', Value: 'app/shop/aaaaaaaaaaaaaaaa' },
                { Name: 'TargetGroup', Value: 'targetgroup/cj-x-canary/cccccccccccccccc' },
              ],
            },
          },
        },
      ],
    });
    expect(latency).toEqual({
      name: 'latency-p99',
      baseline: { timestamps: [T0 + 60_000, T0 + 120_000], values: [0.25, 0.5] },
      // Sorted ascending whatever order CloudWatch answers in.
      canary: { timestamps: [T0 + 60_000, T0 + 120_000], values: [0.7, 0.9] },
    });
  });

  it('follows NextToken and joins the pages of each query', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'q0', Timestamps: [new Date(T0 + 60_000)], Values: [1], StatusCode: 'PartialData' },
          { Id: 'q1', Timestamps: [new Date(T0 + 60_000)], Values: [10], StatusCode: 'PartialData' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: 'q0',
            Timestamps: [new Date(T0 + 120_000), new Date(T0 + 180_000)],
            Values: [2, 3],
            StatusCode: 'Complete',
          },
          { Id: 'q1', Timestamps: [new Date(T0 + 120_000)], Values: [20], StatusCode: 'Complete' },
        ],
      });
    const [latency] = await new CloudWatchSource({ periodSeconds: 60, client: new CloudWatchClient({}) }).fetch(
      request([{ name: 'latency', query: p99 }]),
    );
    const calls = cw.commandCalls(GetMetricDataCommand);
    expect(calls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
    expect(calls[1].args[0].input.MetricDataQueries).toEqual(calls[0].args[0].input.MetricDataQueries);
    expect(latency.baseline.values).toEqual([1, 2, 3]);
    expect(latency.canary.values).toEqual([10, 20]);
  });

  it('retries throttling with backoff and then succeeds', async () => {
    const delays: number[] = [];
    cw.on(GetMetricDataCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(throttling())
      .resolves({ MetricDataResults: [{ Id: 'q0', Timestamps: [new Date(T0 + 60_000)], Values: [4] }] });
    const source = new CloudWatchSource({
      periodSeconds: 60,
      client: new CloudWatchClient({}),
      retry: { attempts: 4, baseDelayMs: 100, sleep: async (ms) => void delays.push(ms), random: () => 1 },
    });
    const [latency] = await source.fetch(request([{ name: 'latency', query: p99 }]));
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(3);
    expect(delays).toEqual([100, 200]);
    expect(latency.error).toBeUndefined();
    expect(latency.baseline.values).toEqual([4]);
  });

  it('reports persistent throttling as the metric error, naming the source, after a bounded number of tries', async () => {
    cw.on(GetMetricDataCommand).rejects(throttling());
    const source = new CloudWatchSource({
      periodSeconds: 60,
      region: 'eu-west-1',
      client: new CloudWatchClient({}),
      retry: { attempts: 3, ...noSleep },
    });
    const [latency] = await source.fetch(request([{ name: 'latency', query: p99 }]));
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(3);
    expect(latency).toEqual({
      name: 'latency',
      baseline: { timestamps: [], values: [] },
      canary: { timestamps: [], values: [] },
      error: 'cloudwatch eu-west-1 GetMetricData failed: Throttling: Rate exceeded (3 attempts)',
    });
  });

  it('does not retry what cannot get better (access denied)', async () => {
    cw.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'not authorized to perform cloudwatch:GetMetricData',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const [latency] = await new CloudWatchSource({
      periodSeconds: 60,
      client: new CloudWatchClient({}),
      retry: noSleep,
    }).fetch(request([{ name: 'latency', query: p99 }]));
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    expect(latency.error).toBe(
      'cloudwatch GetMetricData failed: AccessDenied: not authorized to perform cloudwatch:GetMetricData (1 attempt)',
    );
  });

  it('keeps the metrics that worked when CloudWatch fails one query of the call', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'q0', Timestamps: [new Date(T0 + 60_000)], Values: [1] },
        { Id: 'q1', Timestamps: [new Date(T0 + 60_000)], Values: [2] },
        {
          Id: 'q2',
          Timestamps: [],
          Values: [],
          StatusCode: 'InternalError',
          Messages: [{ Code: 'InternalError', Value: 'try again later' }],
        },
        { Id: 'q3', Timestamps: [new Date(T0 + 60_000)], Values: [3] },
      ],
    });
    const requests: CloudWatchQuery = { ...p99, metricName: 'RequestCount', stat: 'Sum' };
    const [latency, count] = await new CloudWatchSource({ periodSeconds: 60, client: new CloudWatchClient({}) }).fetch(
      request([
        { name: 'latency', query: p99 },
        { name: 'requests', query: requests },
      ]),
    );
    expect(latency).toEqual({
      name: 'latency',
      baseline: { timestamps: [T0 + 60_000], values: [1] },
      canary: { timestamps: [T0 + 60_000], values: [2] },
    });
    expect(count.error).toBe(
      'cloudwatch: query for the baseline returned InternalError (InternalError: try again later)',
    );
    expect(count.baseline.values).toEqual([]);
  });

  it('refuses queries it cannot serve per metric, without a call for them', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const req = request([
      { name: 'prom', query: { type: 'prometheus', query: 'up{${scope}}' } },
      { name: 'latency', query: p99 },
    ]);
    req.scopes.canary.loadBalancerArn = undefined;
    const [prom, latency] = await new CloudWatchSource({ periodSeconds: 60, client: new CloudWatchClient({}) }).fetch(
      req,
    );
    expect(prom.error).toBe(
      'a prometheus query cannot be answered by CloudWatch (use a cloudwatch, cloudwatch-ratio, cloudwatch-counts, cloudwatch-exceedance or cloudwatch-histogram query)',
    );
    expect(latency.error).toBe('the canary has no load balancer ARN, needed for the LoadBalancer dimension');
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('assembles a look of count, exceedance and series metrics from one GetMetricData answer (what moto cannot serve)', async () => {
    const m = (k: number) => new Date(T0 + k * 60_000);
    const answer: Record<string, [number, number][]> = {
      // errors, baseline: 5xx, connection errors, requests
      q0: [[2, 1]],
      q1: [],
      q2: [
        [1, 400],
        [2, 380],
      ],
      // errors, canary
      q3: [
        [1, 6],
        [2, 9],
      ],
      q4: [[2, 3]],
      q5: [
        [1, 410],
        [2, 390],
      ],
      // slow, baseline: PR(:0.5) and SampleCount of TargetResponseTime
      q6: [
        [1, 99.75],
        [2, 100],
      ],
      q7: [
        [1, 400],
        [2, 380],
      ],
      // slow, canary: 97.5 % at or below 0.5 s of 400 = 10 slow; 95 % of 390 = 19.5 -> 20
      q8: [
        [2, 95],
        [1, 97.5],
      ],
      q9: [
        [2, 390],
        [1, 400],
      ],
      q10: [[1, 0.31]],
      q11: [[1, 0.47]],
    };
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: Object.entries(answer).map(([Id, points]) => ({
        Id,
        Timestamps: points.map(([k]) => m(k)),
        Values: points.map(([, v]) => v),
        StatusCode: 'Complete',
      })),
    });
    const [errors, slow, latency] = await new CloudWatchSource({
      periodSeconds: 60,
      client: new CloudWatchClient({}),
    }).fetch(
      request([
        { name: 'errors', query: albErrorCounts() },
        { name: 'slow', query: slowerThan(0.5) },
        { name: 'latency', query: p99 },
      ]),
    );
    const calls = cw.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input.MetricDataQueries!.map((q) => `${q.Id} ${q.MetricStat!.Stat}`)).toEqual([
      'q0 Sum',
      'q1 Sum',
      'q2 Sum',
      'q3 Sum',
      'q4 Sum',
      'q5 Sum',
      'q6 PR(:0.5)',
      'q7 SampleCount',
      'q8 PR(:0.5)',
      'q9 SampleCount',
      'q10 p99',
      'q11 p99',
    ]);
    const minutes = [T0 + 60_000, T0 + 120_000];
    expect(errors.counts).toEqual({
      baseline: {
        events: { timestamps: minutes, values: [0, 1] },
        totals: { timestamps: minutes, values: [400, 380] },
      },
      canary: { events: { timestamps: minutes, values: [6, 12] }, totals: { timestamps: minutes, values: [410, 390] } },
    });
    expect(slow.counts).toEqual({
      baseline: {
        events: { timestamps: minutes, values: [1, 0] },
        totals: { timestamps: minutes, values: [400, 380] },
      },
      canary: {
        events: { timestamps: minutes, values: [10, 20] },
        totals: { timestamps: minutes, values: [400, 390] },
      },
    });
    expect(slow.canary).toEqual({ timestamps: minutes, values: [10 / 400, 20 / 390] });
    expect(latency.canary).toEqual({ timestamps: [T0 + 60_000], values: [0.47] });
  });

  it('makes no call for a window shorter than one period', async () => {
    const [latency] = await new CloudWatchSource({ periodSeconds: 60, client: new CloudWatchClient({}) }).fetch(
      request([{ name: 'latency', query: p99 }], T0 + 10_000, T0 + 50_000),
    );
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    expect(latency).toEqual({
      name: 'latency',
      baseline: { timestamps: [], values: [] },
      canary: { timestamps: [], values: [] },
    });
  });
});
