import { RouterAdminClient, RouterApiError } from '../../../shared/router-api/client';
import { cloudWatchDimensionValue } from '../../../local/router/arn';
import { LocalRouter, type LocalRouterEndpoints } from '../../../local/router/local-router';
import { TARGET_GROUP_HEADER } from '../../../local/router/proxy';
import type { TargetGroupView } from '../../../shared/router-api/views';
import { countBy, get, getMany, nextSecond, startBackend, waitFor, type TestBackend } from '../../support/local-http';

/** The local router over real HTTP on loopback: routing, health, errors and metrics. */

const FAST_HEALTH = {
  path: '/health',
  intervalSeconds: 0.1,
  timeoutSeconds: 0.05,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
};

describe('LocalRouter', () => {
  let router: LocalRouter;
  let endpoints: LocalRouterEndpoints;
  let admin: RouterAdminClient;
  const backends: TestBackend[] = [];

  const backend = async (name: string, delayMs?: number): Promise<TestBackend> => {
    const b = await startBackend(name, { delayMs });
    backends.push(b);
    return b;
  };

  /** A target group with the given backends registered, once all of them are healthy. */
  const healthyGroup = async (name: string, members: TestBackend[]): Promise<TargetGroupView> => {
    const group = await admin.createTargetGroup({ name, healthCheck: FAST_HEALTH, deregistrationDelaySeconds: 1 });
    if (members.length > 0) {
      await admin.registerTargets(
        group.targetGroupArn,
        members.map((m) => ({ id: '127.0.0.1', port: m.port })),
      );
      await waitFor(`${name} healthy`, async () => {
        const health = await admin.describeTargetHealth(group.targetGroupArn);
        return health.every((h) => h.state === 'healthy') ? true : undefined;
      });
    }
    return group;
  };

  const forward = (weights: [string, number][], stickiness?: { enabled: boolean; durationSeconds: number }) => [
    {
      type: 'forward' as const,
      targetGroups: weights.map(([targetGroupArn, weight]) => ({ targetGroupArn, weight })),
      stickiness,
    },
  ];

  beforeEach(async () => {
    router = new LocalRouter({ production: { healthCheck: FAST_HEALTH } });
    endpoints = await router.start();
    admin = new RouterAdminClient(endpoints.adminUrl);
  });

  afterEach(async () => {
    await router.stop();
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });

  describe('weighted forward', () => {
    let groups: Record<'production' | 'baseline' | 'canary', TargetGroupView>;
    let members: Record<'production' | 'baseline' | 'canary', TestBackend>;
    let ruleArn: string;

    beforeEach(async () => {
      members = {
        production: await backend('production'),
        baseline: await backend('baseline'),
        canary: await backend('canary'),
      };
      await admin.registerTargets(endpoints.productionTargetGroupArn, [
        { id: '127.0.0.1', port: members.production.port },
      ]);
      const [production] = await admin.describeTargetGroups({ arns: [endpoints.productionTargetGroupArn] });
      groups = {
        production,
        baseline: await healthyGroup('baseline', [members.baseline]),
        canary: await healthyGroup('canary', [members.canary]),
      };
      await waitFor('production healthy', async () =>
        (await admin.describeTargetHealth(production.targetGroupArn))[0]?.state === 'healthy' ? true : undefined,
      );
      const rule = await admin.createRule({
        listenerArn: endpoints.listenerArn,
        priority: 10,
        conditions: [{ field: 'path-pattern', values: ['/*'] }],
        actions: forward([
          [groups.production.targetGroupArn, 80],
          [groups.baseline.targetGroupArn, 10],
          [groups.canary.targetGroupArn, 10],
        ]),
      });
      ruleArn = rule.ruleArn;
    });

    // Smooth weighted round-robin is exact over each cycle of sum(weights) picks, and every request takes exactly
    // one pick whatever the concurrency; so with a request count that is a multiple of the weight sum the split is
    // exact (tolerance 0), and otherwise within one request of the share (the picker's bound, see the unit test).
    it.each([
      [[80, 10, 10], 1000, [800, 100, 100], 0],
      [[50, 25, 25], 1000, [500, 250, 250], 0],
      [[998, 1, 1], 1000, [998, 1, 1], 0],
      [[1, 1, 1], 1000, [1000 / 3, 1000 / 3, 1000 / 3], 1],
      [[0, 50, 50], 200, [0, 100, 100], 0],
    ])('splits by weights %j: %i requests → %j (± %i)', async (weights, count, expected, tolerance) => {
      await admin.modifyRule({
        ruleArn,
        actions: forward([
          [groups.production.targetGroupArn, weights[0]],
          [groups.baseline.targetGroupArn, weights[1]],
          [groups.canary.targetGroupArn, weights[2]],
        ]),
      });
      members.production.hits = members.baseline.hits = members.canary.hits = 0;
      const answers = await getMany(`${endpoints.url}/work`, count, 24);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const byGroup = countBy(answers, (a) => a.headers.get(TARGET_GROUP_HEADER) ?? '?');
      const counted = [byGroup.production ?? 0, byGroup.baseline ?? 0, byGroup.canary ?? 0];
      const served = [members.production.hits, members.baseline.hits, members.canary.hits];
      counted.forEach((n, i) => expect(Math.abs(n - expected[i])).toBeLessThanOrEqual(tolerance));
      // The backends' own counts agree with the header: the header is not lying about who served.
      expect(served).toEqual(counted);
    });

    it('keeps a sticky client on its target group and drops the stickiness when that group gets weight 0', async () => {
      await admin.modifyRule({
        ruleArn,
        actions: forward(
          [
            [groups.baseline.targetGroupArn, 1],
            [groups.canary.targetGroupArn, 1],
          ],
          { enabled: true, durationSeconds: 60 },
        ),
      });
      const first = await get(`${endpoints.url}/`);
      const setCookie = first.headers.getSetCookie().find((c) => c.startsWith('AWSALBTG='));
      expect(setCookie).toBeDefined();
      const cookie = setCookie!.split(';')[0];
      const stickyGroup = first.headers.get(TARGET_GROUP_HEADER)!;
      const sticky = await getMany(`${endpoints.url}/`, 30, 5, { cookie });
      expect(new Set(sticky.map((a) => a.headers.get(TARGET_GROUP_HEADER)))).toEqual(new Set([stickyGroup]));
      // Without the cookie the split goes on 1:1.
      const fresh = countBy(
        await getMany(`${endpoints.url}/`, 20, 1),
        (a) => a.headers.get(TARGET_GROUP_HEADER) ?? '?',
      );
      expect(fresh).toEqual({ baseline: 10, canary: 10 });

      const other = stickyGroup === 'baseline' ? 'canary' : 'baseline';
      await admin.modifyRule({
        ruleArn,
        actions: forward(
          [
            [groups[stickyGroup as 'baseline' | 'canary'].targetGroupArn, 0],
            [groups[other].targetGroupArn, 1],
          ],
          { enabled: true, durationSeconds: 60 },
        ),
      });
      const moved = await getMany(`${endpoints.url}/`, 5, 1, { cookie });
      expect(moved.map((a) => a.headers.get(TARGET_GROUP_HEADER))).toEqual(Array(5).fill(other));
    });

    it('sends requests that match no rule to the default action (production)', async () => {
      await admin.modifyRule({
        ruleArn,
        conditions: [{ field: 'http-header', httpHeaderName: 'X-Canary', values: ['yes'] }],
      });
      const plain = countBy(
        await getMany(`${endpoints.url}/`, 10, 2),
        (a) => a.headers.get(TARGET_GROUP_HEADER) ?? '?',
      );
      expect(plain).toEqual({ production: 10 });
      const tagged = countBy(
        await getMany(`${endpoints.url}/`, 100, 4, { 'x-canary': 'YES' }),
        (a) => a.headers.get(TARGET_GROUP_HEADER) ?? '?',
      );
      expect(tagged).toEqual({ production: 80, baseline: 10, canary: 10 });
    });
  });

  describe('health checks', () => {
    it('takes a dead target out, routes around it, and takes it back once it passes the healthy threshold', async () => {
      const a = await backend('a');
      const b = await backend('b');
      const group = await healthyGroup('pair', [a, b]);
      await admin.modifyListener(endpoints.listenerArn, forward([[group.targetGroupArn, 1]]));

      const before = countBy(
        await getMany(`${endpoints.url}/`, 20, 1),
        (x) => x.headers.get('x-canary-judge-target') ?? '?',
      );
      expect(before).toEqual({ [`127.0.0.1:${a.port}`]: 10, [`127.0.0.1:${b.port}`]: 10 });

      await b.close();
      const down = await waitFor('b unhealthy', async () => {
        const health = await admin.describeTargetHealth(group.targetGroupArn);
        return health.find((h) => h.target.port === b.port && h.state === 'unhealthy');
      });
      expect(down).toMatchObject({ reason: 'Target.FailedHealthChecks', description: 'Health checks failed' });
      const during = await getMany(`${endpoints.url}/`, 30, 3);
      expect(
        during.every((x) => x.status === 200 && x.headers.get('x-canary-judge-target') === `127.0.0.1:${a.port}`),
      ).toBe(true);

      await b.reopen();
      await waitFor('b healthy again', async () => {
        const health = await admin.describeTargetHealth(group.targetGroupArn);
        return health.every((h) => h.state === 'healthy') ? true : undefined;
      });
      const after = countBy(
        await getMany(`${endpoints.url}/`, 20, 1),
        (x) => x.headers.get('x-canary-judge-target') ?? '?',
      );
      expect(after).toEqual({ [`127.0.0.1:${a.port}`]: 10, [`127.0.0.1:${b.port}`]: 10 });
    });

    it('marks a target whose health check answers the wrong code unhealthy with Target.ResponseCodeMismatch', async () => {
      const a = await backend('a');
      const group = await healthyGroup('mismatch', [a]);
      a.healthStatus = 503;
      const health = await waitFor('a unhealthy', async () =>
        (await admin.describeTargetHealth(group.targetGroupArn)).find((h) => h.state === 'unhealthy'),
      );
      expect(health).toMatchObject({
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [503]',
      });
    });

    it('answers 502 when the group has only a dead target (fail open), 503 when it has none, and counts both as ELB 5XX', async () => {
      const dead = await backend('dead');
      const group = await healthyGroup('lonely', [dead]);
      const empty = await admin.createTargetGroup({ name: 'empty', healthCheck: FAST_HEALTH });
      await admin.modifyListener(endpoints.listenerArn, forward([[group.targetGroupArn, 1]]));
      await admin.createRule({
        listenerArn: endpoints.listenerArn,
        priority: 1,
        conditions: [{ field: 'path-pattern', values: ['/empty*'] }],
        actions: forward([[empty.targetGroupArn, 1]]),
      });
      await dead.close();
      await waitFor('dead unhealthy', async () =>
        (await admin.describeTargetHealth(group.targetGroupArn))[0].state === 'unhealthy' ? true : undefined,
      );

      const start = Date.now();
      const bad = await getMany(`${endpoints.url}/`, 7, 2);
      const none = await getMany(`${endpoints.url}/empty`, 3, 1);
      expect(bad.map((x) => x.status)).toEqual(Array(7).fill(502));
      expect(bad[0].headers.get('server')).toBe('awselb/2.0');
      expect(none.map((x) => x.status)).toEqual(Array(3).fill(503));

      const results = await admin.getMetricData({
        startTime: start - 1000,
        endTime: Date.now() + 1000,
        scanBy: 'TimestampAscending',
        metricDataQueries: [
          ['e5', group.targetGroupArn, 'HTTPCode_ELB_5XX_Count'],
          ['e502', group.targetGroupArn, 'HTTPCode_ELB_502_Count'],
          ['conn', group.targetGroupArn, 'TargetConnectionErrorCount'],
          ['req', group.targetGroupArn, 'RequestCount'],
          ['t5', group.targetGroupArn, 'HTTPCode_Target_5XX_Count'],
          ['empty5', empty.targetGroupArn, 'HTTPCode_ELB_503_Count'],
          ['emptyreq', empty.targetGroupArn, 'RequestCount'],
        ].map(([id, arn, metricName]) => ({
          id,
          metricStat: {
            metric: {
              namespace: 'AWS/ApplicationELB',
              metricName,
              dimensions: [{ name: 'TargetGroup', value: cloudWatchDimensionValue(arn) }],
            },
            period: 3600,
            stat: 'Sum',
          },
        })),
      });
      const sum = (id: string) => results.find((r) => r.id === id)!.values.reduce((a, b) => a + b, 0);
      expect([sum('e5'), sum('e502'), sum('conn'), sum('req'), sum('t5')]).toEqual([7, 7, 7, 7, 0]);
      // A period without any 5XX from targets has no datapoint at all, as in CloudWatch.
      expect(results.find((r) => r.id === 't5')!.values).toEqual([]);
      // No target could be chosen: not a request of the group (ALB's RequestCount), but an ELB 503.
      expect([sum('empty5'), sum('emptyreq')]).toEqual([3, 0]);
    });
  });

  describe('admin API validation', () => {
    const expectError = async (call: Promise<unknown>, code: string, status: number, message: RegExp) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RouterApiError);
      expect(error).toMatchObject({ code, status });
      expect((error as Error).message).toMatch(message);
    };

    it('rejects bad weighted forwards, taken priorities and unknown ARNs with clear errors', async () => {
      const groups = await Promise.all(
        ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map((name) => admin.createTargetGroup({ name })),
      );
      const arns = groups.map((g) => g.targetGroupArn);
      const rule = (targetGroups: { targetGroupArn: string; weight: number }[], priority = 5) =>
        admin.createRule({
          listenerArn: endpoints.listenerArn,
          priority,
          conditions: [{ field: 'path-pattern', values: ['/*'] }],
          actions: [{ type: 'forward', targetGroups }],
        });

      await expectError(
        rule(arns.map((a) => ({ targetGroupArn: a, weight: 1 }))),
        'ValidationError',
        400,
        /actions\[0\]\.targetGroups: a forward action takes at most 5 target groups/,
      );
      await expectError(
        rule([{ targetGroupArn: arns[0], weight: 1000 }]),
        'ValidationError',
        400,
        /actions\[0\]\.targetGroups\[0\]\.weight: must be between 0 and 999/,
      );
      await expectError(
        rule([{ targetGroupArn: arns[0], weight: -1 }]),
        'ValidationError',
        400,
        /weight: must be between 0 and 999/,
      );
      await expectError(
        rule([{ targetGroupArn: arns[0], weight: 1.5 }]),
        'ValidationError',
        400,
        /weight: must be a whole number/,
      );
      await expectError(
        rule([
          { targetGroupArn: arns[0], weight: 0 },
          { targetGroupArn: arns[1], weight: 0 },
        ]),
        'ValidationError',
        400,
        /at least one target group needs a weight above 0/,
      );
      await expectError(
        rule([{ targetGroupArn: `${arns[0]}x`, weight: 1 }]),
        'TargetGroupNotFound',
        404,
        /target group .*x does not exist/,
      );
      await expectError(
        admin.createRule({
          listenerArn: endpoints.listenerArn,
          priority: 5,
          conditions: [],
          actions: [{ type: 'forward', targetGroups: [{ targetGroupArn: arns[0], weight: 1 }] }],
        }),
        'ValidationError',
        400,
        /conditions: a rule needs at least one condition/,
      );
      await expectError(
        admin.createRule({
          listenerArn: 'arn:nope',
          priority: 5,
          conditions: [{ field: 'path-pattern', values: ['/*'] }],
          actions: [{ type: 'forward', targetGroups: [{ targetGroupArn: arns[0], weight: 1 }] }],
        }),
        'ListenerNotFound',
        404,
        /listener arn:nope does not exist/,
      );

      const created = await rule([
        { targetGroupArn: arns[0], weight: 90 },
        { targetGroupArn: arns[1], weight: 10 },
      ]);
      await expectError(
        rule([{ targetGroupArn: arns[2], weight: 1 }]),
        'PriorityInUse',
        409,
        new RegExp(`priority 5 is in use by rule ${created.ruleArn}`),
      );
      await expectError(
        admin.deleteTargetGroup(arns[1]),
        'ResourceInUse',
        409,
        new RegExp(`used by rule ${created.ruleArn}`),
      );
      const [defaultRule] = (await admin.describeRules({ listenerArn: endpoints.listenerArn })).filter(
        (r) => r.isDefault,
      );
      await expectError(
        admin.deleteRule(defaultRule.ruleArn),
        'OperationNotPermitted',
        400,
        /default rule cannot be deleted/,
      );
      await expectError(
        admin.modifyRule({ ruleArn: created.ruleArn, actions: [{ type: 'forward', targetGroups: [] }] }),
        'ValidationError',
        400,
        /at least one target group/,
      );
      // A rejected change leaves the rule as it was.
      const [unchanged] = await admin.describeRules({ ruleArns: [created.ruleArn] });
      expect(unchanged.actions[0].targetGroups.map((t) => t.weight)).toEqual([90, 10]);
    });

    it('finds a run’s target groups and rules by tag, and forgets tags of deleted resources', async () => {
      const runTag = { key: 'canary-judge:run-id', value: 'run-7' };
      const tagged = await admin.createTargetGroup({
        name: 'run7-canary',
        tags: [runTag, { key: 'canary-judge:role', value: 'canary' }],
      });
      await admin.createTargetGroup({ name: 'other', tags: [{ key: 'canary-judge:run-id', value: 'run-8' }] });
      const rule = await admin.createRule({
        listenerArn: endpoints.listenerArn,
        priority: 3,
        conditions: [{ field: 'host-header', values: ['*.example.com'] }],
        actions: forward([[tagged.targetGroupArn, 1]]),
        tags: [runTag],
      });
      const found = await admin.findResources([runTag]);
      expect(found.map((r) => [r.type, r.resourceArn]).sort()).toEqual(
        [
          ['listener-rule', rule.ruleArn],
          ['targetgroup', tagged.targetGroupArn],
        ].sort(),
      );
      expect((await admin.findResources([runTag], 'targetgroup')).map((r) => r.resourceArn)).toEqual([
        tagged.targetGroupArn,
      ]);
      await admin.deleteRule(rule.ruleArn);
      await admin.deleteTargetGroup(tagged.targetGroupArn);
      expect(await admin.findResources([runTag])).toEqual([]);
    });
  });

  describe('metrics', () => {
    /** A backend registered as production's only target, once it is healthy. */
    const productionBackend = async (name: string, delayMs?: number): Promise<void> => {
      const b = await backend(name, delayMs);
      await admin.registerTargets(endpoints.productionTargetGroupArn, [{ id: '127.0.0.1', port: b.port }]);
      await waitFor('production healthy', async () =>
        (await admin.describeTargetHealth(endpoints.productionTargetGroupArn))[0].state === 'healthy'
          ? true
          : undefined,
      );
    };

    /** Production's TargetResponseTime in the given second, one result per statistic. */
    const responseTimeIn = (second: number, stats: string[]) =>
      admin.getMetricData({
        startTime: second,
        endTime: second + 1000,
        metricDataQueries: stats.map((stat, i) => ({
          id: `s${i}`,
          metricStat: {
            metric: {
              namespace: 'AWS/ApplicationELB',
              metricName: 'TargetResponseTime',
              dimensions: [
                { name: 'TargetGroup', value: cloudWatchDimensionValue(endpoints.productionTargetGroupArn) },
              ],
            },
            period: 1,
            stat,
          },
        })),
      });

    it('counts per second exactly what was sent, with codes, and aggregates longer periods', async () => {
      await productionBackend('a');
      const plan = [
        { ok: 37, errors: 3 },
        { ok: 55, errors: 0 },
        { ok: 12, errors: 8 },
      ];
      const seconds: number[] = [];
      for (const step of plan) {
        seconds.push(await nextSecond(100));
        await Promise.all([
          getMany(`${endpoints.url}/?delay=1`, step.ok, 10),
          getMany(`${endpoints.url}/?status=500`, step.errors, 4),
        ]);
      }
      const query = (id: string, metricName: string, stat: string, period: number) => ({
        id,
        metricStat: {
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName,
            dimensions: [{ name: 'TargetGroup', value: cloudWatchDimensionValue(endpoints.productionTargetGroupArn) }],
          },
          period,
          stat,
        },
      });
      const results = await admin.getMetricData({
        startTime: seconds[0],
        endTime: seconds[2] + 1000,
        scanBy: 'TimestampAscending',
        metricDataQueries: [
          query('req', 'RequestCount', 'Sum', 1),
          query('t2', 'HTTPCode_Target_2XX_Count', 'Sum', 1),
          query('t5', 'HTTPCode_Target_5XX_Count', 'Sum', 1),
          query('n', 'TargetResponseTime', 'SampleCount', 1),
          query('avg1', 'RequestCount', 'Average', 1),
        ],
      });
      const byId = Object.fromEntries(results.map((r) => [r.id, r]));
      expect(byId.req.timestamps).toEqual(seconds);
      expect(byId.req.values).toEqual(plan.map((p) => p.ok + p.errors));
      expect(byId.t2.values).toEqual(plan.map((p) => p.ok));
      // The second without errors has no 5XX datapoint.
      expect(byId.t5.timestamps).toEqual([seconds[0], seconds[2]]);
      expect(byId.t5.values).toEqual([3, 8]);
      expect(byId.n.values).toEqual(plan.map((p) => p.ok + p.errors));
      // ALB publishes one sample of value 1 per request: Average of a count is 1.
      expect(byId.avg1.values).toEqual([1, 1, 1]);

      const [whole] = await admin.getMetricData({
        startTime: seconds[0],
        endTime: seconds[2] + 1000,
        metricDataQueries: [{ ...query('whole', 'RequestCount', 'Sum', 3600) }],
      });
      expect(whole.values.reduce((x, y) => x + y, 0)).toBe(115);
      // The load balancer as a whole saw the same requests.
      const [lb] = await admin.getMetricData({
        startTime: seconds[0],
        endTime: seconds[2] + 1000,
        scanBy: 'TimestampAscending',
        metricDataQueries: [
          {
            id: 'lb',
            metricStat: {
              metric: {
                namespace: 'AWS/ApplicationELB',
                metricName: 'RequestCount',
                dimensions: [{ name: 'LoadBalancer', value: cloudWatchDimensionValue(endpoints.loadBalancerArn) }],
              },
              period: 1,
              stat: 'Sum',
            },
          },
        ],
      });
      expect(lb.values).toEqual([40, 55, 20]);
    });

    it('does not count a client that hangs up as an ELB error', async () => {
      await productionBackend('slow', 500);
      const start = Date.now();
      await expect(fetch(`${endpoints.url}/`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
      await waitFor('the target connection closed', async () =>
        (await admin.describeTargetHealth(endpoints.productionTargetGroupArn))[0].inFlight === 0 ? true : undefined,
      );
      const results = await admin.getMetricData({
        startTime: start - 1000,
        endTime: Date.now() + 1000,
        metricDataQueries: ['RequestCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_2XX_Count'].map(
          (metricName, i) => ({
            id: `m${i}`,
            metricStat: {
              metric: {
                namespace: 'AWS/ApplicationELB',
                metricName,
                dimensions: [
                  { name: 'TargetGroup', value: cloudWatchDimensionValue(endpoints.productionTargetGroupArn) },
                ],
              },
              period: 3600,
              stat: 'Sum',
            },
          }),
        ),
      });
      expect(results.map((r) => r.values.reduce((a, b) => a + b, 0))).toEqual([1, 0, 0]);
    });

    it('computes TargetResponseTime percentiles from the latencies the targets really had', async () => {
      await productionBackend('a');
      // 20, 40, ..., 2000 ms, all sent at once early in a second: they all arrive (and are counted) in that second.
      const delays = Array.from({ length: 100 }, (_, i) => (i + 1) * 20);
      await get(`${endpoints.url}/?delay=1`);
      const second = await nextSecond(50);
      await Promise.all(delays.map((d) => get(`${endpoints.url}/?delay=${d}`)));
      const stats = ['p50', 'p90', 'p99', 'Minimum', 'Maximum', 'Average', 'SampleCount'];
      const results = await responseTimeIn(second, stats);
      const value = (stat: string) => {
        const r = results[stats.indexOf(stat)];
        expect(r.timestamps).toEqual([second]);
        return r.values[0];
      };
      // Nearest rank of the known delays: p50 = 1000 ms, p90 = 1800 ms, p99 = 1980 ms. The router measures the
      // target's delay plus loopback and event-loop lag: never less, and on a busy shared 2-core box under 60 ms more
      // (3 steps of the 20 ms spacing; the exact rank arithmetic is unit-tested on recorded values).
      const slack = 0.06;
      for (const [stat, expected] of [
        ['p50', 1],
        ['p90', 1.8],
        ['p99', 1.98],
        ['Minimum', 0.02],
        ['Maximum', 2],
        ['Average', 1.01],
      ] as const) {
        expect(value(stat)).toBeGreaterThanOrEqual(expected);
        expect(value(stat)).toBeLessThan(expected + slack);
      }
      expect(value('SampleCount')).toBe(100);
    });

    it('answers PR(lo:hi) and TC(lo:hi) of TargetResponseTime from the latencies the targets really had', async () => {
      await productionBackend('a');
      // 12 requests of 100 ms and 4 of 800 ms, all sent early in one second: far enough from the 0.5 s bound that
      // loopback and event-loop lag cannot move one across it.
      await get(`${endpoints.url}/?delay=1`);
      const second = await nextSecond(50);
      await Promise.all([
        ...Array.from({ length: 12 }, () => get(`${endpoints.url}/?delay=100`)),
        ...Array.from({ length: 4 }, () => get(`${endpoints.url}/?delay=800`)),
      ]);
      const stats = ['PR(:0.5)', 'TC(0.5:)', 'PR(0.5:)', 'TC(:0.5)', 'TC(0.05:0.5)', 'PR(0.9:)', 'SampleCount'];
      const results = await responseTimeIn(second, stats);
      expect(results.map((r) => r.timestamps)).toEqual(stats.map(() => [second]));
      expect(Object.fromEntries(results.map((r, i) => [stats[i], r.values[0]]))).toEqual({
        'PR(:0.5)': 75,
        'TC(0.5:)': 4,
        'PR(0.5:)': 25,
        'TC(:0.5)': 12,
        'TC(0.05:0.5)': 12,
        'PR(0.9:)': 0,
        SampleCount: 16,
      });
      // A bound CloudWatch would not take is refused with the field named, not answered.
      const bad = await admin
        .getMetricData({
          startTime: second,
          endTime: second + 1000,
          metricDataQueries: [
            {
              id: 'bad',
              metricStat: {
                metric: { namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: [] },
                period: 1,
                stat: 'PR(:1e-7)',
              },
            },
          ],
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(bad).toBeInstanceOf(RouterApiError);
      expect((bad as RouterApiError).message).toMatch(
        /ValidationError: metricDataQueries\[0\]\.metricStat\.stat: expected .*PR\(lo:hi\) or TC\(lo:hi\)$/,
      );
    });
  });
});
