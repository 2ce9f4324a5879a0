import { ValidationError } from '../../../shared/config/validation';
import { parseOrThrow } from '../../../shared/config/validation';
import { trafficSchema, type TrafficConfig } from '../../../shared/config/run-config';
import { TrafficLockedError } from '../../../shared/traffic/errors';
import { LocalTraffic } from '../../../shared/traffic/local-traffic';
import { RouterAdminClient } from '../../../shared/router-api/client';
import { LocalRouter, type LocalRouterEndpoints } from '../../../local/router/local-router';
import type { TargetGroupView } from '../../../shared/router-api/views';

/** LocalTraffic against the in-process router's admin API. */

describe('LocalTraffic', () => {
  let router: LocalRouter;
  let endpoints: LocalRouterEndpoints;
  let admin: RouterAdminClient;
  let traffic: LocalTraffic;
  let config: TrafficConfig;
  let groups: { baseline: TargetGroupView; canary: TargetGroupView };

  beforeEach(async () => {
    router = new LocalRouter();
    endpoints = await router.start();
    admin = new RouterAdminClient(endpoints.adminUrl);
    traffic = new LocalTraffic({ routerUrl: endpoints.adminUrl });
    config = parseOrThrow(
      trafficSchema,
      { listenerArn: endpoints.listenerArn, productionTargetGroupArn: endpoints.productionTargetGroupArn },
      'traffic',
    );
    const group = (role: string, runId: string) =>
      admin.createTargetGroup({
        name: `${runId}-${role}`,
        tags: [
          { key: 'canary-judge:run-id', value: runId },
          { key: 'canary-judge:role', value: role },
        ],
      });
    groups = { baseline: await group('baseline', 'run-1'), canary: await group('canary', 'run-1') };
  });

  afterEach(async () => {
    await router.stop();
  });

  const shift = (runId: string, weight: number, ruleArn?: string, cfg: TrafficConfig = config) =>
    traffic.shift({
      runId,
      traffic: cfg,
      baselineTargetGroupArn: groups.baseline.targetGroupArn,
      canaryTargetGroupArn: groups.canary.targetGroupArn,
      weights: { production: 100 - 2 * weight, baseline: weight, canary: weight },
      ruleArn,
    });

  it('creates the run’s rule on the first step, modifies it after, describes it and restores idempotently', async () => {
    const testStart = Date.now();
    await traffic.assertAvailable('run-1', config);
    const first = await shift('run-1', 5);
    expect(first.weights).toEqual({ production: 90, baseline: 5, canary: 5 });
    const rules = await admin.describeRules();
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatchObject({
      ruleArn: first.ruleArn,
      priority: 1,
      conditions: [{ field: 'path-pattern', values: ['*'] }],
    });
    const [runIdTag, requestedAt, ...more] = (await admin.describeTags([first.ruleArn]))[0].tags;
    expect(more).toEqual([]);
    expect(runIdTag).toEqual({ key: 'canary-judge:run-id', value: 'run-1' });
    // When the run asked for the listener (the lock's order between two runs): during this test.
    expect(requestedAt.key).toBe('canary-judge:requested-at');
    expect(Date.parse(requestedAt.value)).toBeGreaterThanOrEqual(testStart);
    expect(Date.parse(requestedAt.value)).toBeLessThanOrEqual(Date.now());

    const second = await shift('run-1', 25, first.ruleArn);
    expect(second.ruleArn).toBe(first.ruleArn);
    expect(
      (await admin.describeRules({ ruleArns: [first.ruleArn] }))[0].actions[0].targetGroups.map((t) => t.weight),
    ).toEqual([50, 25, 25]);
    expect(await traffic.describe('run-1', config)).toEqual({
      ruleArn: first.ruleArn,
      weights: { production: 50, baseline: 25, canary: 25 },
    });

    expect(await traffic.restore('run-1', config, first.ruleArn)).toEqual({ removed: true });
    expect(await traffic.restore('run-1', config, first.ruleArn)).toEqual({ removed: false });
    expect((await admin.describeRules()).map((r) => r.isDefault)).toEqual([true]);
    expect(await traffic.describe('run-1', config)).toBeUndefined();
  });

  it('attaches baseline and canary at weight 0 while production keeps 100 (provision), then shifts that rule', async () => {
    const attached = await shift('run-1', 0);
    expect(attached.weights).toEqual({ production: 100, baseline: 0, canary: 0 });
    const [view] = await admin.describeRules({ ruleArns: [attached.ruleArn] });
    expect(view.actions[0].targetGroups).toEqual([
      { targetGroupArn: endpoints.productionTargetGroupArn, weight: 100 },
      { targetGroupArn: groups.baseline.targetGroupArn, weight: 0 },
      { targetGroupArn: groups.canary.targetGroupArn, weight: 0 },
    ]);
    await expect(traffic.assertAvailable('run-2', config)).rejects.toThrow(TrafficLockedError);
    const first = await shift('run-1', 5, attached.ruleArn);
    expect(first).toMatchObject({ ruleArn: attached.ruleArn, weights: { production: 90, baseline: 5, canary: 5 } });
    expect((await admin.describeRules()).filter((r) => !r.isDefault)).toHaveLength(1);
  });

  it('passes conditions and stickiness to the rule, and a retried first step reuses the rule it made', async () => {
    const cfg = parseOrThrow(
      trafficSchema,
      {
        ...config,
        rulePriority: 7,
        conditions: { pathPattern: ['/api/*'], httpHeader: { name: 'X-Beta', values: ['1'] } },
        stickiness: { durationSeconds: 120 },
      },
      'traffic',
    );
    const rule = await shift('run-1', 10, undefined, cfg);
    const again = await shift('run-1', 10, undefined, cfg);
    expect(again.ruleArn).toBe(rule.ruleArn);
    expect(rule.conditions).toEqual({ pathPattern: ['/api/*'], httpHeader: { name: 'X-Beta', values: ['1'] } });
    const [view] = await admin.describeRules({ ruleArns: [rule.ruleArn] });
    expect(view.priority).toBe(7);
    expect(view.actions[0].stickiness).toEqual({ enabled: true, durationSeconds: 120 });
    expect((await admin.describeRules()).filter((r) => !r.isDefault)).toHaveLength(1);
  });

  it('locks the listener: another run gets an error naming the run that holds it, until that run restores', async () => {
    const held = await shift('run-1', 5);
    const error = await traffic.assertAvailable('run-2', config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficLockedError);
    expect((error as Error).message).toBe(
      `listener ${endpoints.listenerArn} is in use by canary-judge run "run-1" (rule ${held.ruleArn}); wait for that run to finish or tear it down before starting another`,
    );
    await expect(shift('run-2', 5)).rejects.toThrow(TrafficLockedError);
    // The other run's restore never removes run-1's rule, even when handed its ARN.
    expect(await traffic.restore('run-2', config, held.ruleArn)).toEqual({ removed: false });
    expect(await traffic.describe('run-1', config)).toMatchObject({ ruleArn: held.ruleArn });
    await traffic.restore('run-1', config);
    await expect(traffic.assertAvailable('run-2', config)).resolves.toBeUndefined();
  });

  it('rejects bad input with the field named and changes nothing', async () => {
    const missing = await traffic
      .assertAvailable('run-1', { ...config, listenerArn: `${endpoints.listenerArn}0` })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as Error).message).toMatch(/traffic\.listenerArn: listener .*0 not found in the local router/);

    const noProduction = await traffic
      .assertAvailable('run-1', { ...config, productionTargetGroupArn: 'arn:nope' })
      .catch((e: unknown) => e);
    expect((noProduction as Error).message).toMatch(
      /traffic\.productionTargetGroupArn: target group arn:nope not found/,
    );

    await expect(
      traffic.shift({
        runId: 'run-1',
        traffic: config,
        baselineTargetGroupArn: groups.baseline.targetGroupArn,
        canaryTargetGroupArn: groups.canary.targetGroupArn,
        weights: { production: 0, baseline: 1000, canary: 1000 },
      }),
    ).rejects.toThrow(/weights\.baseline: an ALB weight is an integer from 0 to 999, got 1000/);
    const tooMany = parseOrThrow(
      trafficSchema,
      { ...config, conditions: { pathPattern: ['/a', '/b', '/c', '/d'] } },
      'traffic',
    );
    await expect(shift('run-1', 5, undefined, tooMany)).rejects.toThrow(
      /traffic\.conditions\.pathPattern: an ALB condition takes at most 3 values/,
    );
    expect(await admin.describeRules()).toHaveLength(1);
  });
});
