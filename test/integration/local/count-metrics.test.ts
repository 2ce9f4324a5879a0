import { resolveMetricQuery } from '../../../shared/config/metric-presets';
import type { MetricQuery } from '../../../shared/metrics/metric-query';
import type { MetricSeries, Scope } from '../../../shared/metrics/metric-source';
import { LocalMetricSource } from '../../../shared/metrics/local-source';
import { RouterAdminClient } from '../../../shared/router-api/client';
import { LocalRouter, type LocalRouterEndpoints } from '../../../local/router/local-router';
import { TARGET_GROUP_HEADER, TARGET_HEADER } from '../../../local/router/proxy';
import { countBy, getMany, waitFor, type Answer } from '../../support/local-http';
import { albErrorCounts, albQuery, slowerThan } from '../../support/metric-queries';
import { startListening, stopProcess, type RunningProcess } from '../../support/local-process';
import { sampleServiceCommand } from '../../support/sample-service-binary';

jest.setTimeout(60_000);

/**
 * Count metrics end to end: real sample-service processes behind the local router, requests sent through its
 * listener, read back by LocalMetricSource as cloudwatch-counts and cloudwatch-exceedance metrics. Every count
 * must equal what the clients were answered, told apart by the router's target-group and target headers.
 */

/** Quick to turn healthy (one passing check), and a timeout a busy shared machine does not miss. */
const HEALTH = {
  path: '/health',
  intervalSeconds: 0.5,
  timeoutSeconds: 0.4,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
};
/** The error preset's shape: 5xx answered by the targets + connections that failed, of all requests. */
const ERRORS = albErrorCounts();
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** A fast, steady service: 5 ms, no spread. */
const FAST = { BASE_LATENCY_MS: '5', LATENCY_SIGMA: '0' };

type Role = 'baseline' | 'canary';

describe('count metrics through the local router and LocalMetricSource', () => {
  let command: string[];
  let router: LocalRouter;
  let endpoints: LocalRouterEndpoints;
  let admin: RouterAdminClient;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    command = await sampleServiceCommand();
  });

  beforeEach(async () => {
    router = new LocalRouter({ production: { healthCheck: HEALTH } });
    endpoints = await router.start();
    admin = new RouterAdminClient(endpoints.adminUrl);
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => stopProcess(p)));
    await router.stop();
  });

  /** One target group per version with its sample-service instances, healthy, and a rule splitting traffic 1:1. */
  async function deploy(instances: Record<Role, Record<string, string>[]>) {
    const scopes = {} as Record<Role, Scope>;
    const running = {} as Record<Role, RunningProcess[]>;
    for (const role of ['baseline', 'canary'] as const) {
      running[role] = await Promise.all(
        instances[role].map((env, i) =>
          startListening(command, { PORT: '0', ROLE: role, VERSION: role, SEED: `${role}-${i}`, ...env }),
        ),
      );
      processes.push(...running[role]);
      const group = await admin.createTargetGroup({ name: role, healthCheck: HEALTH });
      await admin.registerTargets(
        group.targetGroupArn,
        running[role].map((p) => ({ id: '127.0.0.1', port: p.port })),
      );
      await waitFor(`${role} healthy`, async () =>
        (await admin.describeTargetHealth(group.targetGroupArn)).every((t) => t.state === 'healthy') ? true : undefined,
      );
      scopes[role] = {
        role,
        runId: 'run-counts',
        version: role,
        targetGroupArn: group.targetGroupArn,
        loadBalancerArn: endpoints.loadBalancerArn,
        instanceIds: [],
      };
    }
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
    return { scopes, running };
  }

  /** What the metrics must add up to: the answers each version's group gave, by status. */
  const answersOf = (answers: Answer[], role: Role) =>
    answers.filter((a) => a.headers.get(TARGET_GROUP_HEADER) === role);

  async function fetchMetrics(
    scopes: Record<Role, Scope>,
    startMs: number,
    metrics: MetricSeries['name'][],
    queries: MetricQuery[],
  ) {
    const source = new LocalMetricSource({ routerUrl: endpoints.adminUrl, periodSeconds: 1 });
    const series = await source.fetch({
      scopes,
      window: {
        start: new Date(Math.floor(startMs / 1000) * 1000),
        end: new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000),
      },
      metrics: metrics.map((name, i) => ({ name, query: queries[i] })),
    });
    for (const s of series) expect(s.error).toBeUndefined();
    return Object.fromEntries(series.map((s) => [s.name, s])) as Record<string, MetricSeries>;
  }

  /** Totals and events per version; every period's events at most its requests, rates beside them. */
  const totalsOf = (metric: MetricSeries, role: Role) => {
    const counts = metric.counts![role];
    counts.events.values.forEach((e, i) => expect(e).toBeLessThanOrEqual(counts.totals.values[i]));
    expect(counts.events.timestamps).toEqual(counts.totals.timestamps);
    expect(metric[role].values).toEqual(counts.totals.values.map((n, i) => counts.events.values[i] / n));
    return { events: sum(counts.events.values), totals: sum(counts.totals.values) };
  };

  it("counts a canary's 5xx as events of its requests, exactly as the clients were answered", async () => {
    const { scopes } = await deploy({ baseline: [FAST], canary: [{ ...FAST, ERROR_RATE: '0.2' }] });
    const start = Date.now();
    const answers = await getMany(`${endpoints.url}/`, 300, 8);
    const byStatus = (role: Role) => countBy(answersOf(answers, role), (a) => String(a.status));
    expect(answersOf(answers, 'baseline')).toHaveLength(150);
    expect(byStatus('baseline')).toEqual({ 200: 150 });
    const canary = byStatus('canary');
    expect(canary[500]).toBeGreaterThan(10);
    expect(canary[200] + canary[500]).toBe(150);

    const { errors } = await fetchMetrics(scopes, start, ['errors'], [ERRORS]);
    expect(totalsOf(errors, 'baseline')).toEqual({ events: 0, totals: 150 });
    expect(totalsOf(errors, 'canary')).toEqual({ events: canary[500], totals: 150 });
  });

  it("counts a killed canary's failed connections as events of its requests (RequestCount includes them)", async () => {
    const { scopes, running } = await deploy({ baseline: [FAST], canary: [FAST] });
    const start = Date.now();
    const before = await getMany(`${endpoints.url}/`, 40, 4);
    running.canary[0].child.kill('SIGKILL');
    await running.canary[0].exited;
    const after = await getMany(`${endpoints.url}/`, 60, 4);
    expect(countBy(answersOf(before, 'canary'), (a) => String(a.status))).toEqual({ 200: 20 });
    // Every request routed to the dead target is the ALB's 502 (fail open once it is unhealthy).
    expect(countBy(answersOf(after, 'canary'), (a) => String(a.status))).toEqual({ 502: 30 });
    expect(countBy(answersOf(after, 'baseline'), (a) => String(a.status))).toEqual({ 200: 30 });

    const { errors, connectionErrors } = await fetchMetrics(
      scopes,
      start,
      ['errors', 'connectionErrors'],
      [ERRORS, albQuery('TargetConnectionErrorCount', 'Sum')],
    );
    expect(totalsOf(errors, 'canary')).toEqual({ events: 30, totals: 50 });
    expect(totalsOf(errors, 'baseline')).toEqual({ events: 0, totals: 50 });
    expect(sum(connectionErrors.canary.values)).toBe(30);
    expect(connectionErrors.baseline.values).toEqual([]);
  });

  it('counts the requests of a slow canary above the bound, from PR(:0.5) x SampleCount and from TC(0.5:)', async () => {
    // Two canary instances, one 700 ms slower: round-robin sends it about every other canary request.
    const { scopes, running } = await deploy({
      baseline: [FAST],
      canary: [FAST, { ...FAST, EXTRA_LATENCY_MS: '700' }],
    });
    const start = Date.now();
    const answers = await getMany(`${endpoints.url}/`, 80, 20);
    const slowTarget = `127.0.0.1:${running.canary[1].port}`;
    const canaryAnswers = answersOf(answers, 'canary');
    const slow = canaryAnswers.filter((a) => a.headers.get(TARGET_HEADER) === slowTarget).length;
    expect(canaryAnswers).toHaveLength(40);
    expect(slow).toBeGreaterThan(5);

    const { pr, tc, histogram } = await fetchMetrics(
      scopes,
      start,
      ['pr', 'tc', 'histogram'],
      [
        slowerThan(0.5, 'PR'),
        slowerThan(0.5, 'TC'),
        resolveMetricQuery({ name: 'h', preset: 'latency-histogram' }, 'local'),
      ],
    );
    for (const metric of [pr, tc]) {
      expect(totalsOf(metric, 'canary')).toEqual({ events: slow, totals: 40 });
      expect(totalsOf(metric, 'baseline')).toEqual({ events: 0, totals: 40 });
    }
    expect(pr.counts).toEqual(tc.counts);
    // the latency-histogram preset: every request in a bucket, the slow ones above 0.5 s, from PR(:bound) x SampleCount
    const h = histogram.histogram!;
    const above = (role: Role, bound: number) =>
      sum(h[role].counts.map((period) => sum(period.filter((_, j) => j >= h[role].bounds.indexOf(bound) + 1))));
    expect(sum(h.canary.counts.map(sum))).toBe(40);
    expect(sum(h.baseline.counts.map(sum))).toBe(40);
    expect(above('canary', 0.5)).toBe(slow);
    expect(above('baseline', 0.5)).toBe(0);
    // the sums are the answered latencies: the slow instance's requests alone add up to more than 0.7 s each
    expect(sum(h.canary.sums)).toBeGreaterThan(0.7 * slow);
    expect(sum(h.baseline.sums)).toBeLessThan(0.5 * 40);
  });
});
