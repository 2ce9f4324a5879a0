import { metricQuerySchema, type MetricQuery } from '../../../shared/metrics/metric-query';
import type { MetricSeries, Scope } from '../../../shared/metrics/metric-source';
import { LocalMetricSource } from '../../../shared/metrics/local-source';
import { LoadGenerator } from '../../../local/load/load-generator';
import { RouterAdminClient } from '../../../shared/router-api/client';
import { cloudWatchDimensionValue } from '../../../local/router/arn';
import { LocalRouter, type LocalRouterEndpoints } from '../../../local/router/local-router';
import { startBackend, waitFor, type TestBackend } from '../../support/local-http';

/**
 * LocalMetricSource over traffic the load generator really sent through the router: its numbers must add up
 * to what was sent and served, and equal what the router's GetMetricData stand-in answers.
 */

const FAST_HEALTH = {
  path: '/health',
  intervalSeconds: 0.1,
  timeoutSeconds: 0.05,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
};
const q = (query: unknown): MetricQuery => metricQuerySchema.parse(query);
const elb = (metricName: string, stat: string) => ({
  type: 'cloudwatch',
  namespace: 'AWS/ApplicationELB',
  metricName,
  stat,
});
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('LocalMetricSource', () => {
  let router: LocalRouter;
  let endpoints: LocalRouterEndpoints;
  let backends: TestBackend[] = [];

  beforeAll(async () => {
    router = new LocalRouter();
    endpoints = await router.start();
  });

  afterAll(async () => {
    await router.stop();
    await Promise.all(backends.map((b) => b.close()));
  });

  it('answers CloudWatch-shaped ALB queries with numbers that match what was sent and served', async () => {
    const admin = new RouterAdminClient(endpoints.adminUrl);
    const baseline = await startBackend('baseline', { delayMs: 2 });
    const canary = await startBackend('canary', { delayMs: 40, failEvery: 5 });
    backends = [baseline, canary];
    const scopes = {} as Record<'baseline' | 'canary', Scope>;
    for (const [role, backend] of [
      ['baseline', baseline],
      ['canary', canary],
    ] as const) {
      const group = await admin.createTargetGroup({ name: role, healthCheck: FAST_HEALTH });
      await admin.registerTargets(group.targetGroupArn, [{ id: '127.0.0.1', port: backend.port }]);
      scopes[role] = {
        role,
        runId: 'run-m',
        version: role,
        targetGroupArn: group.targetGroupArn,
        loadBalancerArn: endpoints.loadBalancerArn,
        instanceIds: [],
      };
    }
    await waitFor('targets healthy', async () => {
      const all = [
        ...(await admin.describeTargetHealth(scopes.baseline.targetGroupArn)),
        ...(await admin.describeTargetHealth(scopes.canary.targetGroupArn)),
      ];
      return all.every((t) => t.state === 'healthy') ? true : undefined;
    });
    await admin.createRule({
      listenerArn: endpoints.listenerArn,
      priority: 1,
      conditions: [{ field: 'path-pattern', values: ['*'] }],
      actions: [
        {
          type: 'forward',
          targetGroups: [
            { targetGroupArn: endpoints.productionTargetGroupArn, weight: 0 },
            { targetGroupArn: scopes.baseline.targetGroupArn, weight: 1 },
            { targetGroupArn: scopes.canary.targetGroupArn, weight: 1 },
          ],
        },
      ],
    });

    const start = new Date();
    const load = await new LoadGenerator({
      url: `${endpoints.url}/`,
      rps: 100,
      durationSeconds: 3,
      concurrency: 300,
    }).run();
    const end = new Date(Date.now() + 1000);
    expect(load).toMatchObject({ sent: 300, completed: 300, skipped: 0, networkErrors: 0 });
    expect(load.byTargetGroup).toEqual({ baseline: 150, canary: 150 });
    expect(load.byStatus).toEqual({ 200: 270, 500: 30 });

    const source = new LocalMetricSource({ routerUrl: endpoints.adminUrl, periodSeconds: 1 });
    const series = await source.fetch({
      scopes,
      window: { start: new Date(start.getTime() - 1000), end },
      metrics: [
        { name: 'requests', query: q(elb('RequestCount', 'Sum')) },
        { name: 'latency', query: q(elb('TargetResponseTime', 'Average')) },
        { name: 'p99', query: q(elb('TargetResponseTime', 'p99')) },
        {
          name: 'errors',
          query: q({
            type: 'cloudwatch-ratio',
            numerator: elb('HTTPCode_Target_5XX_Count', 'Sum'),
            denominator: elb('RequestCount', 'Sum'),
          }),
        },
        { name: 'promql', query: q({ type: 'prometheus', query: 'rate(x{${scope}}[1m])' }) },
        {
          name: 'cpu',
          query: q({ ...elb('CPUUtilization', 'Average'), namespace: 'AWS/EC2', scopeDimension: 'InstanceId' }),
        },
        { name: 'unknown', query: q(elb('ActiveConnectionCount', 'Sum')) },
      ],
    });
    const byName = Object.fromEntries(series.map((s) => [s.name, s])) as Record<string, MetricSeries>;

    for (const name of ['requests', 'latency', 'p99', 'errors']) {
      expect(byName[name].error).toBeUndefined();
      for (const s of [byName[name].baseline, byName[name].canary]) {
        expect(s.timestamps.length).toBeGreaterThanOrEqual(3);
        expect([...s.timestamps].sort((a, b) => a - b)).toEqual(s.timestamps);
        expect(s.timestamps.every((t) => t % 1000 === 0 && t >= start.getTime() - 1000 && t < end.getTime())).toBe(
          true,
        );
      }
    }
    // Every request sent is counted once, in the group that served it.
    expect(sum(byName.requests.baseline.values)).toBe(150);
    expect(sum(byName.requests.canary.values)).toBe(150);
    // Error ratio per second × requests that second = the 500s the canary served (every 5th: 30); none on the baseline.
    const errorsServed = (role: 'baseline' | 'canary') =>
      byName.errors[role].timestamps.reduce(
        (n, t, i) =>
          n + byName.errors[role].values[i] * byName.requests[role].values[byName.requests[role].timestamps.indexOf(t)],
        0,
      );
    expect(Math.round(errorsServed('canary'))).toBe(30);
    expect(byName.errors.baseline.values.every((v) => v === 0)).toBe(true);
    expect(byName.errors.baseline.timestamps).toEqual(byName.requests.baseline.timestamps);
    // The canary's target waits 38 ms longer per request (event-loop lag of this busy test process blurs each
    // second by some ms, never by that much on average), and never less than its 40 ms.
    const mean = (values: number[]) => sum(values) / values.length;
    expect(mean(byName.latency.canary.values) - mean(byName.latency.baseline.values)).toBeGreaterThan(0.02);
    expect(Math.min(...byName.latency.canary.values)).toBeGreaterThanOrEqual(0.04);

    // The same numbers as the router's own GetMetricData answer.
    const direct = await admin.getMetricData({
      startTime: start.getTime() - 1000,
      endTime: end.getTime(),
      scanBy: 'TimestampAscending',
      metricDataQueries: (['baseline', 'canary'] as const).map((role) => ({
        id: role,
        metricStat: {
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'TargetResponseTime',
            dimensions: [{ name: 'TargetGroup', value: cloudWatchDimensionValue(scopes[role].targetGroupArn) }],
          },
          period: 1,
          stat: 'p99',
        },
      })),
    });
    expect(byName.p99.baseline).toEqual({ timestamps: direct[0].timestamps, values: direct[0].values });
    expect(byName.p99.canary).toEqual({ timestamps: direct[1].timestamps, values: direct[1].values });

    // What the router cannot answer is a per-metric error naming the source and why, not a throw.
    const who = `local router ${endpoints.adminUrl}`;
    expect(byName.promql.error).toBe(
      `${who} answers cloudwatch, cloudwatch-ratio, cloudwatch-counts, cloudwatch-exceedance and cloudwatch-histogram queries only; use metricsSource.type "prometheus" for PromQL`,
    );
    expect(byName.cpu.error).toBe(`${who} has only AWS/ApplicationELB metrics, not AWS/EC2 CPUUtilization`);
    expect(byName.unknown.error).toBe(
      `${who}: query for the baseline returned UnknownMetric: the local router does not produce ActiveConnectionCount`,
    );
    expect(byName.unknown.baseline).toEqual({ timestamps: [], values: [] });
  });

  it('reports an unreachable router per metric after retrying', async () => {
    const source = new LocalMetricSource({
      routerUrl: 'http://127.0.0.1:1',
      periodSeconds: 1,
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    const scope: Scope = {
      role: 'baseline',
      runId: 'r',
      version: 'v',
      targetGroupArn: endpoints.productionTargetGroupArn,
      loadBalancerArn: endpoints.loadBalancerArn,
      instanceIds: [],
    };
    const [result] = await source.fetch({
      scopes: { baseline: scope, canary: { ...scope, role: 'canary' } },
      window: { start: new Date(Date.now() - 5000), end: new Date() },
      metrics: [{ name: 'requests', query: q(elb('RequestCount', 'Sum')) }],
    });
    expect(result.error).toMatch(
      /^local router http:\/\/127\.0\.0\.1:1 GetMetricData failed: .*not reachable.*\(2 attempts\)$/,
    );
  });
});
