import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { runInputSchema } from '../../../shared/config/run-config';
import { Ec2Fleet } from '../../../shared/fleet/ec2-fleet';
import { rollback, teardown } from '../../../shared/run/finish';
import { provision } from '../../../shared/run/provision';
import type { RunState } from '../../../shared/run-model/run-state';
import { shiftWeight } from '../../../shared/run/shift-weight';
import { forwardWeights } from '../../../shared/traffic/alb-rule';
import { AlbTraffic } from '../../../shared/traffic/alb-traffic';
import { TrafficLockedError } from '../../../shared/traffic/errors';
import { createAlbFixtureFromEnv, runLeftovers, type AlbFixture } from '../../support/aws-fixtures';
import { startMoto, type Moto } from '../../support/moto';

jest.setTimeout(90_000);

let moto: Moto;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let fx: AlbFixture;

beforeAll(async () => {
  moto = await startMoto({ env: true });
  ({ ec2, elbv2, fx } = await createAlbFixtureFromEnv());
});

afterAll(async () => {
  await moto?.stop();
});

const leftovers = (runId: string) => runLeftovers(ec2, elbv2, fx.listenerArn, runId);

describe("a whole run's AWS side against moto", () => {
  it('provisions, shifts through every step, restores and tears down without leaving anything', async () => {
    const runId = 'web-2026-11-22-1';
    const fleet = new Ec2Fleet();
    const traffic = new AlbTraffic();
    const config = { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn };
    const launch = (role: 'baseline' | 'canary', version: string, ltVersion: string) =>
      fleet.launch({
        runId,
        service: 'web',
        role,
        spec: {
          version,
          aws: { launchTemplate: { launchTemplateId: fx.launchTemplateId, version: ltVersion }, instanceCount: 2 },
        },
        productionTargetGroupArn: fx.productionTargetGroupArn,
        healthCheck: { path: '/healthz', intervalSeconds: 10, timeoutSeconds: 600 },
      });

    await traffic.assertAvailable(runId, config);
    const baseline = await launch('baseline', 'v1', '1');
    const canary = await launch('canary', 'v2', '2');
    expect(await fleet.health(baseline)).toEqual({ status: 'healthy', detail: '2/2 healthy' });
    expect(await fleet.health(canary)).toEqual({ status: 'healthy', detail: '2/2 healthy' });

    let ruleArn: string | undefined;
    for (const weight of [5, 10, 25, 50]) {
      const rule = await traffic.shift({
        runId,
        traffic: config,
        baselineTargetGroupArn: baseline.targetGroupArn,
        canaryTargetGroupArn: canary.targetGroupArn,
        weights: { production: 100 - 2 * weight, baseline: weight, canary: weight },
        ruleArn,
      });
      ruleArn = rule.ruleArn;
      const rules = (await elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules!;
      expect(Object.fromEntries(forwardWeights(rules[0].Actions))).toEqual({
        [fx.productionTargetGroupArn]: 100 - 2 * weight,
        [baseline.targetGroupArn]: weight,
        [canary.targetGroupArn]: weight,
      });
    }
    expect((await leftovers(runId)).length).toBe(4 + 2 + 1);

    expect(await traffic.restore(runId, config, ruleArn)).toEqual({ removed: true });
    const report = await fleet.teardown(runId, [baseline, canary]);
    expect(report.removed).toHaveLength(6);
    expect(await leftovers(runId)).toEqual([]);

    const listener = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [fx.listenerArn] }))).Listeners![0];
    expect(Object.fromEntries(forwardWeights(listener.DefaultActions))).toEqual({ [fx.productionTargetGroupArn]: 1 });
    const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!;
    expect(rules.map((r) => r.IsDefault)).toEqual([true]);

    // Teardown again: nothing to do, nothing fails.
    expect(await traffic.restore(runId, config, ruleArn)).toEqual({ removed: false });
    const again = await fleet.teardown(runId, [baseline, canary]);
    expect(again.removed).toEqual([]);
    expect(again.alreadyGone).toHaveLength(6);
  });
});

describe('the workflow steps on AWS (moto)', () => {
  /** The listener's non-default rules as target group ARN -> weight, with their run-id tags. */
  async function runRules(): Promise<{ ruleArn: string; runId?: string; weights: Record<string, number> }[]> {
    const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!.filter(
      (r) => !r.IsDefault,
    );
    if (rules.length === 0) return [];
    const tags = await elbv2.send(new DescribeTagsCommand({ ResourceArns: rules.map((r) => r.RuleArn!) }));
    return rules.map((r) => ({
      ruleArn: r.RuleArn!,
      runId: tags
        .TagDescriptions!.find((d) => d.ResourceArn === r.RuleArn)
        ?.Tags?.find((t) => t.Key === 'canary-judge:run-id')?.Value,
      weights: Object.fromEntries(forwardWeights(r.Actions)),
    }));
  }

  it('provision attaches both target groups to the run rule at 100/0/0, so ALB health-checks them', async () => {
    const runId = 'web-2026-11-22-attach';
    const input = runInputSchema.parse({
      runId,
      service: 'web',
      baseline: { version: 'v1', aws: { launchTemplate: { launchTemplateId: fx.launchTemplateId, version: '1' } } },
      canary: { version: 'v2', aws: { launchTemplate: { launchTemplateId: fx.launchTemplateId, version: '2' } } },
      traffic: { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn },
      steps: [{ weight: 5, durationSeconds: 60 }],
      metricsSource: { type: 'cloudwatch' },
      canaryConfig: { metrics: [{ name: 'p99', preset: 'latency-p99' }] },
    });
    const deps = { fleet: new Ec2Fleet(), traffic: new AlbTraffic() };
    const start: RunState = { runId, input, startedAt: new Date().toISOString(), resources: {}, judgments: [] };

    const provisioned = await provision(start, deps);
    const { baseline, canary, ruleArn } = provisioned.resources;
    expect(await runRules()).toEqual([
      {
        ruleArn,
        runId,
        weights: {
          [fx.productionTargetGroupArn]: 100,
          [baseline!.targetGroupArn]: 0,
          [canary!.targetGroupArn]: 0,
        },
      },
    ]);
    // Attached to the load balancer through the rule: what makes a real ALB health-check a target group.
    const groups = await elbv2.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [baseline!.targetGroupArn, canary!.targetGroupArn] }),
    );
    for (const g of groups.TargetGroups!) expect(g.LoadBalancerArns).toEqual([fx.loadBalancerArn]);
    // The rule is the run's lock from now on.
    await expect(deps.traffic.assertAvailable('another-run', input.traffic)).rejects.toBeInstanceOf(TrafficLockedError);

    const shifted = await shiftWeight(provisioned, deps);
    expect(shifted.resources.ruleArn).toBe(ruleArn);
    expect((await runRules()).map((r) => [r.ruleArn, r.weights])).toEqual([
      [ruleArn, { [fx.productionTargetGroupArn]: 90, [baseline!.targetGroupArn]: 5, [canary!.targetGroupArn]: 5 }],
    ]);

    const rolledBack = await rollback(shifted, deps);
    expect(await runRules()).toEqual([]);
    const done = await teardown(rolledBack, deps);
    expect(done.teardown?.removed).toHaveLength(4);
    expect(await leftovers(runId)).toEqual([]);
  });
});
