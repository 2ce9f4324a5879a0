import {
  CloudWatchClient,
  PutMetricDataCommand,
  type MetricDataQuery,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import { CLOUDWATCH_LATENCY_BOUNDS_SECONDS, resolveMetricQuery } from '../../../shared/config/metric-presets';
import { CloudWatchSource } from '../../../shared/metrics/cloudwatch-source';
import type { MetricQuery } from '../../../shared/metrics/metric-query';
import type { MetricRequest, Scope } from '../../../shared/metrics/metric-source';
import { albErrorCounts, albQuery, slowerThan } from '../../support/metric-queries';
import { startMoto, type Moto } from '../../support/moto';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188';
const TG = {
  baseline: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cj-abc-baseline/1111111111111111',
  canary: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cj-abc-canary/2222222222222222',
};
const scopes: MetricRequest['scopes'] = {
  baseline: {
    role: 'baseline',
    runId: 'r1',
    version: 'v1',
    targetGroupArn: TG.baseline,
    loadBalancerArn: LB,
    instanceIds: ['i-b1', 'i-b2'],
  },
  canary: {
    role: 'canary',
    runId: 'r1',
    version: 'v2',
    targetGroupArn: TG.canary,
    loadBalancerArn: LB,
    instanceIds: ['i-c1'],
  },
};

let moto: Moto;
let put: CloudWatchClient;
/** Start of the first of six whole minutes of fixture data, all in the past. */
let t0: number;

function albDims(role: 'baseline' | 'canary') {
  return [
    { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' },
    { Name: 'TargetGroup', Value: TG[role].slice(TG[role].indexOf('targetgroup/')) },
  ];
}

async function putData(namespace: string, data: MetricDatum[]) {
  for (let i = 0; i < data.length; i += 500) {
    await put.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 500) }));
  }
}

/** Two points per minute (10 s and 40 s into it), so Sum and Average differ from a single value. */
function perMinute(
  metric: string,
  dims: { Name: string; Value: string }[],
  values: [number, number][],
  skip: number[] = [],
) {
  return values.flatMap(([a, b], m) =>
    skip.includes(m)
      ? []
      : [
          { MetricName: metric, Dimensions: dims, Timestamp: new Date(t0 + m * MINUTE + 10_000), Value: a },
          { MetricName: metric, Dimensions: dims, Timestamp: new Date(t0 + m * MINUTE + 40_000), Value: b },
        ],
  );
}

function request(metrics: { name: string; query: MetricQuery }[], startOffsetMs = 0, s = scopes): MetricRequest {
  return { metrics, scopes: s, window: { start: new Date(t0 + startOffsetMs), end: new Date(t0 + 6 * MINUTE) } };
}

const minutes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => t0 + (from + i) * MINUTE);

beforeAll(async () => {
  moto = await startMoto({ env: true });
  // moto's CloudWatch cannot read compressed PutMetricData bodies.
  put = new CloudWatchClient({ disableRequestCompression: true });
  t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;

  await putData('AWS/ApplicationELB', [
    ...perMinute('RequestCount', albDims('baseline'), [
      [10, 20],
      [30, 30],
      [5, 5],
      [100, 0],
      [7, 3],
      [50, 50],
    ]),
    ...perMinute('RequestCount', albDims('canary'), [
      [12, 18],
      [25, 35],
      [6, 4],
      [90, 10],
      [1, 1],
      [40, 60],
    ]),
    ...perMinute('TargetResponseTime', albDims('baseline'), [
      [0.1, 0.3],
      [0.2, 0.2],
      [0.05, 0.15],
      [0.4, 0.2],
      [0.1, 0.1],
      [0.3, 0.5],
    ]),
    ...perMinute('TargetResponseTime', albDims('canary'), [
      [0.2, 0.4],
      [0.3, 0.3],
      [0.1, 0.2],
      [0.5, 0.3],
      [0.2, 0.2],
      [0.6, 0.2],
    ]),
    // No 5xx point at all in minutes 0 and 3 of the baseline: CloudWatch's way of saying "zero errors".
    ...perMinute(
      'HTTPCode_Target_5XX_Count',
      albDims('baseline'),
      [
        [0, 0],
        [1, 2],
        [1, 0],
        [0, 0],
        [0, 1],
        [2, 3],
      ],
      [0, 3],
    ),
    ...perMinute('HTTPCode_Target_5XX_Count', albDims('canary'), [
      [1, 2],
      [3, 2],
      [1, 1],
      [5, 5],
      [1, 0],
      [4, 6],
    ]),
    // Connections that failed: the baseline in minute 3 only, the canary (crashing) in minutes 4 and 5.
    ...perMinute(
      'TargetConnectionErrorCount',
      albDims('baseline'),
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [2, 1],
        [0, 0],
        [0, 0],
      ],
      [0, 1, 2, 4, 5],
    ),
    ...perMinute(
      'TargetConnectionErrorCount',
      albDims('canary'),
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
        [1, 0],
        [3, 2],
      ],
      [0, 1, 2, 3],
    ),
  ]);
  const cpu = (id: string, values: [number, number][]) =>
    perMinute('CPUUtilization', [{ Name: 'InstanceId', Value: id }], values);
  await putData('AWS/EC2', [
    ...cpu('i-b1', [
      [10, 20],
      [10, 20],
      [10, 20],
      [10, 20],
      [10, 20],
      [10, 20],
    ]),
    // i-b2 reports only from minute 2 on: the baseline's mean is i-b1's alone before that.
    ...cpu('i-b2', [
      [0, 0],
      [0, 0],
      [30, 50],
      [30, 50],
      [30, 50],
      [30, 50],
    ]).filter((d) => d.Timestamp!.getTime() >= t0 + 2 * MINUTE),
    ...cpu('i-c1', [
      [60, 80],
      [60, 80],
      [60, 80],
      [60, 80],
      [60, 80],
      [60, 80],
    ]),
  ]);
  // moto (unlike CloudWatch) matches dimension lists in order; the source sends them sorted by name.
  const version = (v: string) => [
    { Name: 'Service', Value: 'web' },
    { Name: 'Version', Value: v },
  ];
  await putData('Web', [
    ...perMinute('CheckoutLatency', version('v1'), [
      [1, 3],
      [2, 2],
      [1, 1],
      [4, 2],
      [3, 3],
      [2, 4],
    ]),
    ...perMinute('CheckoutLatency', version('v2'), [
      [2, 2],
      [5, 3],
      [1, 3],
      [4, 4],
      [2, 2],
      [6, 2],
    ]),
  ]);
});

afterAll(async () => {
  await moto?.stop();
});

describe('CloudWatchSource against moto', () => {
  it('reads ALB per-target-group Sum, Average and a client-side ratio with exact numbers', async () => {
    const source = new CloudWatchSource({ periodSeconds: 60 });
    const series = await source.fetch(
      request([
        { name: 'requests', query: albQuery('RequestCount', 'Sum') },
        { name: 'latency', query: albQuery('TargetResponseTime', 'Average') },
        {
          name: 'errors',
          query: {
            type: 'cloudwatch-ratio',
            numerator: albQuery('HTTPCode_Target_5XX_Count', 'Sum'),
            denominator: albQuery('RequestCount', 'Sum'),
          },
        },
      ]),
    );
    expect(series.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
    const [requests, latency, errors] = series;
    expect(requests.baseline).toEqual({ timestamps: minutes(0, 6), values: [30, 60, 10, 100, 10, 100] });
    expect(requests.canary).toEqual({ timestamps: minutes(0, 6), values: [30, 60, 10, 100, 2, 100] });
    expect(latency.baseline.values.map((v) => +v.toFixed(12))).toEqual([0.2, 0.2, 0.1, 0.3, 0.1, 0.4]);
    expect(latency.canary.values.map((v) => +v.toFixed(12))).toEqual([0.3, 0.3, 0.15, 0.4, 0.2, 0.4]);
    expect(errors.baseline).toEqual({ timestamps: minutes(0, 6), values: [0, 3 / 60, 1 / 10, 0, 1 / 10, 5 / 100] });
    expect(errors.canary).toEqual({
      timestamps: minutes(0, 6),
      values: [3 / 30, 5 / 60, 2 / 10, 10 / 100, 1 / 2, 10 / 100],
    });
  });

  it('averages InstanceId-scoped metrics over the instances per period, and reads a custom version dimension', async () => {
    const source = new CloudWatchSource({ periodSeconds: 60, region: 'us-east-1' });
    const [cpu, checkout] = await source.fetch(
      request([
        {
          name: 'cpu',
          query: {
            type: 'cloudwatch',
            namespace: 'AWS/EC2',
            metricName: 'CPUUtilization',
            stat: 'Average',
            dimensions: {},
            scopeDimension: 'InstanceId',
          },
        },
        {
          name: 'checkout',
          query: {
            type: 'cloudwatch',
            namespace: 'Web',
            metricName: 'CheckoutLatency',
            stat: 'Maximum',
            dimensions: { Service: 'web' },
            scopeDimension: { dimension: 'Version' },
          },
        },
      ]),
    );
    expect(cpu.baseline).toEqual({ timestamps: minutes(0, 6), values: [15, 15, 27.5, 27.5, 27.5, 27.5] });
    expect(cpu.canary).toEqual({ timestamps: minutes(0, 6), values: [70, 70, 70, 70, 70, 70] });
    expect(checkout.baseline.values).toEqual([3, 2, 1, 4, 3, 4]);
    expect(checkout.canary.values).toEqual([2, 5, 3, 4, 2, 6]);
  });

  it('aligns the window to whole periods inside it', async () => {
    const source = new CloudWatchSource({ periodSeconds: 60 });
    const [requests] = await source.fetch(
      request(
        [
          {
            name: 'requests',
            query: {
              type: 'cloudwatch',
              namespace: 'AWS/ApplicationELB',
              metricName: 'RequestCount',
              stat: 'Sum',
              dimensions: {},
              scopeDimension: 'TargetGroup',
            },
          },
        ],
        30_000,
      ),
    );
    // The first minute is only half inside the window: it is left out rather than counted half.
    expect(requests.baseline).toEqual({ timestamps: minutes(1, 6), values: [60, 10, 100, 10, 100] });
  });

  it('splits more than 500 queries into GetMetricData calls of at most 500', async () => {
    const client = new CloudWatchClient({});
    const sizes: number[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        sizes.push((args.input as { MetricDataQueries: unknown[] }).MetricDataQueries.length);
        return next(args);
      },
      { step: 'initialize', name: 'countQueries' },
    );
    // 251 metrics x 2 versions = 502 queries; metric k reads RequestCount with the Sum (k even) or Maximum.
    const metrics = Array.from({ length: 251 }, (_, k) => ({
      name: `m${k}`,
      query: {
        type: 'cloudwatch',
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        stat: k % 2 === 0 ? 'Sum' : 'Maximum',
        dimensions: {},
        scopeDimension: 'TargetGroup',
      } as const,
    }));
    const series = await new CloudWatchSource({ periodSeconds: 60, client }).fetch(request(metrics));
    expect(sizes).toEqual([500, 2]);
    expect(series).toHaveLength(251);
    expect(series[0].baseline.values).toEqual([30, 60, 10, 100, 10, 100]);
    expect(series[249].canary.values).toEqual([18, 35, 6, 90, 1, 60]);
    // The last metric's two queries are the whole second call.
    expect(series[250].baseline.values).toEqual([30, 60, 10, 100, 10, 100]);
    expect(series[250].canary.values).toEqual([30, 60, 10, 100, 2, 100]);
  });

  /** A client that records the queries of every GetMetricData call it sends and the HTTP status of each answer. */
  function recordingClient(config: ConstructorParameters<typeof CloudWatchClient>[0] = {}) {
    const client = new CloudWatchClient(config);
    const calls: MetricDataQuery[][] = [];
    const statuses: number[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        calls.push((args.input as { MetricDataQueries: MetricDataQuery[] }).MetricDataQueries);
        return next(args);
      },
      { step: 'initialize', name: 'recordQueries' },
    );
    // Innermost in the deserialize step: sees the raw HTTP answer before the SDK parses it.
    client.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        statuses.push((out.response as { statusCode: number }).statusCode);
        return out;
      },
      { step: 'deserialize', name: 'recordStatus', priority: 'low' },
    );
    return { client, calls, statuses };
  }

  it('reads a cloudwatch-counts metric as exact events and requests per minute, in one call with the other metrics', async () => {
    const { client, calls } = recordingClient();
    const series = await new CloudWatchSource({ periodSeconds: 60, client }).fetch(
      request([
        { name: 'errors', query: albErrorCounts() },
        { name: 'requests', query: albQuery('RequestCount', 'Sum') },
        { name: 'latency', query: albQuery('TargetResponseTime', 'Average') },
      ]),
    );
    // One look = one GetMetricData call for every metric: 3 queries per version for the counts, 1 for each other.
    expect(calls.map((c) => c.length)).toEqual([10]);
    expect(series.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
    const [errors] = series;
    // Baseline: no 5xx point in minutes 0 and 3 (0 errors), 3 failed connections in minute 3.
    expect(errors.counts).toEqual({
      baseline: {
        events: { timestamps: minutes(0, 6), values: [0, 3, 1, 3, 1, 5] },
        totals: { timestamps: minutes(0, 6), values: [30, 60, 10, 100, 10, 100] },
      },
      canary: {
        events: { timestamps: minutes(0, 6), values: [3, 5, 2, 10, 2, 15] },
        totals: { timestamps: minutes(0, 6), values: [30, 60, 10, 100, 2, 100] },
      },
    });
    expect(errors.canary.values).toEqual([3 / 30, 5 / 60, 2 / 10, 10 / 100, 2 / 2, 15 / 100]);
  });

  it('asks PR(:0.5) and SampleCount in the same call as the other metrics; moto 5.2.1 cannot answer a PR', async () => {
    const { client, calls, statuses } = recordingClient({ maxAttempts: 1 });
    const series = await new CloudWatchSource({ periodSeconds: 60, client, retry: { attempts: 1 } }).fetch(
      request([
        { name: 'errors', query: albErrorCounts() },
        { name: 'slow', query: slowerThan(0.5) },
      ]),
    );
    expect(calls).toHaveLength(1);
    const tg = (role: 'baseline' | 'canary') => TG[role].slice(TG[role].indexOf('targetgroup/'));
    expect(
      calls[0].map((q) => [
        q.Id,
        q.MetricStat!.Metric!.MetricName,
        q.MetricStat!.Stat,
        q.MetricStat!.Metric!.Dimensions!.find((d) => d.Name === 'TargetGroup')!.Value,
      ]),
    ).toEqual([
      ['q0', 'HTTPCode_Target_5XX_Count', 'Sum', tg('baseline')],
      ['q1', 'TargetConnectionErrorCount', 'Sum', tg('baseline')],
      ['q2', 'RequestCount', 'Sum', tg('baseline')],
      ['q3', 'HTTPCode_Target_5XX_Count', 'Sum', tg('canary')],
      ['q4', 'TargetConnectionErrorCount', 'Sum', tg('canary')],
      ['q5', 'RequestCount', 'Sum', tg('canary')],
      ['q6', 'TargetResponseTime', 'PR(:0.5)', tg('baseline')],
      ['q7', 'TargetResponseTime', 'SampleCount', tg('baseline')],
      ['q8', 'TargetResponseTime', 'PR(:0.5)', tg('canary')],
      ['q9', 'TargetResponseTime', 'SampleCount', tg('canary')],
    ]);
    // moto computes only Sum/Average/Minimum/Maximum/SampleCount: for PR over periods with data it fails the whole
    // call with an HTTP 500 (an HTML error page). The call's failure becomes every one of its metrics' error.
    expect(statuses).toEqual([500]);
    const [errors, slow] = series;
    expect(errors.error).toMatch(/^cloudwatch GetMetricData failed: [\s\S]*<!doctype [\s\S]*\(1 attempt\)$/);
    expect(slow.error).toBe(errors.error);
    expect(slow.counts).toBeUndefined();
  });

  it("asks the latency-histogram preset's 25 PR(:bound), SampleCount and Sum per version in one call; moto cannot answer a PR", async () => {
    const { client, calls, statuses } = recordingClient({ maxAttempts: 1 });
    const query = resolveMetricQuery({ name: 'latency', preset: 'latency-histogram' }, 'cloudwatch');
    const [latency] = await new CloudWatchSource({ periodSeconds: 60, client, retry: { attempts: 1 } }).fetch(
      request([{ name: 'latency', query }]),
    );
    expect(calls).toHaveLength(1);
    const tg = (role: 'baseline' | 'canary') => TG[role].slice(TG[role].indexOf('targetgroup/'));
    const version = (role: 'baseline' | 'canary') => [
      ...CLOUDWATCH_LATENCY_BOUNDS_SECONDS.map((b) => ['TargetResponseTime', `PR(:${b})`, tg(role)]),
      ['TargetResponseTime', 'SampleCount', tg(role)],
      ['TargetResponseTime', 'Sum', tg(role)],
    ];
    expect(
      calls[0].map((q) => [
        q.MetricStat!.Metric!.MetricName,
        q.MetricStat!.Stat,
        q.MetricStat!.Metric!.Dimensions!.find((d) => d.Name === 'TargetGroup')!.Value,
      ]),
    ).toEqual([...version('baseline'), ...version('canary')]);
    expect(calls[0].map((q) => q.MetricStat!.Stat).slice(0, 3)).toEqual(['PR(:0.001)', 'PR(:0.0015)', 'PR(:0.002)']);
    expect(statuses).toEqual([500]);
    expect(latency.error).toMatch(/^cloudwatch GetMetricData failed: [\s\S]*\(1 attempt\)$/);
    expect(latency.histogram).toBeUndefined();
  });

  it('gives empty series (no data, no error) for a version without points', async () => {
    const unknown: Scope = { ...scopes.canary, targetGroupArn: TG.canary.replace('2222', '3333') };
    const [requests] = await new CloudWatchSource({ periodSeconds: 60 }).fetch(
      request(
        [
          {
            name: 'requests',
            query: {
              type: 'cloudwatch',
              namespace: 'AWS/ApplicationELB',
              metricName: 'RequestCount',
              stat: 'Sum',
              dimensions: {},
              scopeDimension: 'TargetGroup',
            },
          },
        ],
        0,
        { baseline: scopes.baseline, canary: unknown },
      ),
    );
    expect(requests.error).toBeUndefined();
    expect(requests.canary).toEqual({ timestamps: [], values: [] });
    expect(requests.baseline.values).toHaveLength(6);
  });
});
