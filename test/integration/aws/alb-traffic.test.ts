import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import type { TrafficConfig } from '../../../shared/config/run-config';
import { ValidationError } from '../../../shared/config/validation';
import { forwardWeights } from '../../../shared/traffic/alb-rule';
import { AlbTraffic } from '../../../shared/traffic/alb-traffic';
import { TrafficLockedError } from '../../../shared/traffic/errors';
import { runTags } from '../../../shared/aws/tags';
import { createAlbFixture, createAlbFixtureFromEnv, type AlbFixture } from '../../support/aws-fixtures';
import { startMoto, type Moto } from '../../support/moto';

jest.setTimeout(60_000);

let moto: Moto;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let fx: AlbFixture;
let baselineTg: string;
let canaryTg: string;
let traffic: TrafficConfig;

beforeAll(async () => {
  moto = await startMoto({ env: true });
});

afterAll(async () => {
  await moto?.stop();
});

async function versionTargetGroup(runId: string, role: 'baseline' | 'canary', vpcId = fx.vpcId): Promise<string> {
  const out = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: `${runId}-${role}`,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: vpcId,
      Tags: runTags(runId, { service: 'web', role }),
    }),
  );
  return out.TargetGroups![0].TargetGroupArn!;
}

async function listenerRules() {
  const out = await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }));
  return out.Rules!;
}

describe('AlbTraffic against moto', () => {
  beforeEach(async () => {
    await moto.reset();
    ({ ec2, elbv2, fx } = await createAlbFixtureFromEnv());
    baselineTg = await versionTargetGroup('run-a', 'baseline');
    canaryTg = await versionTargetGroup('run-a', 'canary');
    traffic = { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn };
  });

  it('shifts through every step on one tagged rule and restores 100% production', async () => {
    const testStart = Date.now();
    const alb = new AlbTraffic();
    await alb.assertAvailable('run-a', traffic);
    let ruleArn: string | undefined;
    for (const weight of [5, 10, 25, 50]) {
      const rule = await alb.shift({
        runId: 'run-a',
        traffic,
        baselineTargetGroupArn: baselineTg,
        canaryTargetGroupArn: canaryTg,
        weights: { production: 100 - 2 * weight, baseline: weight, canary: weight },
        ruleArn,
      });
      if (ruleArn) expect(rule.ruleArn).toBe(ruleArn);
      ruleArn = rule.ruleArn;
      expect(rule.weights).toEqual({ production: 100 - 2 * weight, baseline: weight, canary: weight });

      // Read back what the load balancer has, not what the adapter says.
      const rules = await listenerRules();
      expect(rules).toHaveLength(2);
      const own = rules.find((r) => !r.IsDefault)!;
      expect(own.RuleArn).toBe(ruleArn);
      expect(own.Priority).toBe('1');
      expect(own.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['*'] } }]);
      expect(Object.fromEntries(forwardWeights(own.Actions))).toEqual({
        [fx.productionTargetGroupArn]: 100 - 2 * weight,
        [baselineTg]: weight,
        [canaryTg]: weight,
      });
    }
    const tags = await elbv2.send(new DescribeTagsCommand({ ResourceArns: [ruleArn!] }));
    const [runIdTag, requestedAt] = tags.TagDescriptions![0].Tags!;
    expect(tags.TagDescriptions![0].Tags).toHaveLength(2);
    expect(runIdTag).toEqual({ Key: 'canary-judge:run-id', Value: 'run-a' });
    // When the run asked for the listener (the lock's order between two runs): during this test.
    expect(requestedAt.Key).toBe('canary-judge:requested-at');
    expect(Date.parse(requestedAt.Value!)).toBeGreaterThanOrEqual(testStart);
    expect(Date.parse(requestedAt.Value!)).toBeLessThanOrEqual(Date.now());

    expect(await alb.describe('run-a', traffic)).toEqual({
      ruleArn,
      weights: { production: 0, baseline: 50, canary: 50 },
      conditions: undefined,
    });

    expect(await alb.restore('run-a', traffic, ruleArn)).toEqual({ removed: true });
    const after = await listenerRules();
    expect(after).toHaveLength(1);
    expect(after[0].IsDefault).toBe(true);
    const listener = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [fx.listenerArn] }))).Listeners![0];
    expect(Object.fromEntries(forwardWeights(listener.DefaultActions))).toEqual({ [fx.productionTargetGroupArn]: 1 });
    expect(await alb.describe('run-a', traffic)).toBeUndefined();
    // Idempotent: the second restore finds nothing and says so.
    expect(await alb.restore('run-a', traffic, ruleArn)).toEqual({ removed: false });
  });

  it('applies conditions, stickiness and a given priority', async () => {
    const alb = new AlbTraffic({ elbv2 });
    const withConditions: TrafficConfig = {
      ...traffic,
      rulePriority: 7,
      conditions: { httpHeader: { name: 'X-Canary', values: ['yes'] }, httpRequestMethod: ['GET', 'HEAD'] },
      stickiness: { enabled: true, durationSeconds: 600 },
    };
    await alb.assertAvailable('run-a', withConditions);
    const rule = await alb.shift({
      runId: 'run-a',
      traffic: withConditions,
      baselineTargetGroupArn: baselineTg,
      canaryTargetGroupArn: canaryTg,
      weights: { production: 80, baseline: 10, canary: 10 },
    });
    expect(rule.conditions).toEqual({
      httpRequestMethod: ['GET', 'HEAD'],
      httpHeader: { name: 'X-Canary', values: ['yes'] },
    });
    const own = (await listenerRules()).find((r) => !r.IsDefault)!;
    expect(own.Priority).toBe('7');
    expect(own.Actions![0].ForwardConfig!.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 600 });
    expect(own.Conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET', 'HEAD'] } }),
        expect.objectContaining({
          Field: 'http-header',
          HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['yes'] },
        }),
      ]),
    );
  });

  it('puts the match-all rule after existing rules and a conditional rule at the lowest free priority', async () => {
    const apiTg = (
      await elbv2.send(new CreateTargetGroupCommand({ Name: 'api', Protocol: 'HTTP', Port: 8080, VpcId: fx.vpcId }))
    ).TargetGroups![0].TargetGroupArn!;
    await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: fx.listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: apiTg }],
      }),
    );
    const alb = new AlbTraffic({ elbv2 });
    const shift = (runId: string, config: TrafficConfig, b: string, c: string) =>
      alb.shift({
        runId,
        traffic: config,
        baselineTargetGroupArn: b,
        canaryTargetGroupArn: c,
        weights: { production: 90, baseline: 5, canary: 5 },
      });
    await shift('run-a', traffic, baselineTg, canaryTg);
    expect((await listenerRules()).find((r) => r.RuleArn && r.Priority === '11')).toBeDefined();
    await alb.restore('run-a', traffic);

    await shift('run-a', { ...traffic, conditions: { pathPattern: ['/checkout/*'] } }, baselineTg, canaryTg);
    const priorities = (await listenerRules()).map((r) => r.Priority).sort();
    expect(priorities).toEqual(['1', '10', 'default']);
  });

  it('locks the listener: a second run is refused with an error naming the first', async () => {
    const alb = new AlbTraffic({ elbv2 });
    await alb.shift({
      runId: 'run-a',
      traffic,
      baselineTargetGroupArn: baselineTg,
      canaryTargetGroupArn: canaryTg,
      weights: { production: 90, baseline: 5, canary: 5 },
    });
    const otherBaseline = await versionTargetGroup('run-b', 'baseline');
    const otherCanary = await versionTargetGroup('run-b', 'canary');

    const refused = alb.assertAvailable('run-b', traffic);
    await expect(refused).rejects.toBeInstanceOf(TrafficLockedError);
    await expect(refused).rejects.toThrow(/in use by canary-judge run "run-a"/);
    await expect(
      alb.shift({
        runId: 'run-b',
        traffic,
        baselineTargetGroupArn: otherBaseline,
        canaryTargetGroupArn: otherCanary,
        weights: { production: 90, baseline: 5, canary: 5 },
      }),
    ).rejects.toThrow(/run "run-a"/);
    // run-b's restore must not take run-a's rule away.
    expect(await alb.restore('run-b', traffic)).toEqual({ removed: false });
    expect(await listenerRules()).toHaveLength(2);

    await alb.restore('run-a', traffic);
    await expect(alb.assertAvailable('run-b', traffic)).resolves.toBeUndefined();
  });

  it('a retried first step modifies the rule it already created instead of adding a second', async () => {
    const alb = new AlbTraffic({ elbv2 });
    const request = {
      runId: 'run-a',
      traffic,
      baselineTargetGroupArn: baselineTg,
      canaryTargetGroupArn: canaryTg,
      weights: { production: 90, baseline: 5, canary: 5 },
    };
    const first = await alb.shift(request);
    const again = await alb.shift({ ...request, weights: { production: 80, baseline: 10, canary: 10 } });
    expect(again.ruleArn).toBe(first.ruleArn);
    expect(await listenerRules()).toHaveLength(2);
  });

  it('names the field for a missing listener, a taken priority and a default action that is not production', async () => {
    const alb = new AlbTraffic({ elbv2 });
    const missing = { ...traffic, listenerArn: fx.listenerArn.replace(/\/[0-9a-f]+$/, '/0123456789abcdef') };
    await expect(alb.assertAvailable('run-a', missing)).rejects.toThrow(ValidationError);
    await expect(alb.assertAvailable('run-a', missing)).rejects.toThrow(/traffic\.listenerArn: listener .* not found/);

    await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: fx.listenerArn,
        Priority: 3,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/old/*'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      }),
    );
    await expect(
      alb.assertAvailable('run-a', { ...traffic, rulePriority: 3, conditions: { pathPattern: ['/x'] } }),
    ).rejects.toThrow(/traffic\.rulePriority: priority 3 is already used by rule/);

    await elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: fx.listenerArn,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }],
      }),
    );
    await expect(alb.assertAvailable('run-a', traffic)).rejects.toThrow(
      /traffic\.conditions: without conditions the rule replaces the listener's default action, which is fixed-response/,
    );
    expect(await listenerRules()).toHaveLength(2);
  });

  it('refuses target groups in another VPC and creates nothing', async () => {
    const alb = new AlbTraffic({ elbv2 });
    const other = await createAlbFixture(ec2, elbv2, 'other', '10.9');
    await expect(
      alb.assertAvailable('run-a', { ...traffic, productionTargetGroupArn: other.productionTargetGroupArn }),
    ).rejects.toThrow(
      /traffic\.productionTargetGroupArn: target group .* is in vpc-\w+, but the listener's load balancer is in vpc-\w+/,
    );

    const foreignCanary = await versionTargetGroup('run-a2', 'canary', other.vpcId);
    await expect(
      alb.shift({
        runId: 'run-a',
        traffic,
        baselineTargetGroupArn: baselineTg,
        canaryTargetGroupArn: foreignCanary,
        weights: { production: 90, baseline: 5, canary: 5 },
      }),
    ).rejects.toThrow(
      new RegExp(`canary target group: target group ${foreignCanary.replace(/[/]/g, '\\/')} is in ${other.vpcId}`),
    );
    expect(await listenerRules()).toHaveLength(1);
  });

  it('refuses unequal or out-of-range weights before calling AWS', async () => {
    const alb = new AlbTraffic({ elbv2 });
    const base = { runId: 'run-a', traffic, baselineTargetGroupArn: baselineTg, canaryTargetGroupArn: canaryTg };
    await expect(alb.shift({ ...base, weights: { production: 80, baseline: 5, canary: 15 } })).rejects.toThrow(
      /weights\.canary: baseline and canary must get the same weight/,
    );
    await expect(alb.shift({ ...base, weights: { production: 1000, baseline: 5, canary: 5 } })).rejects.toThrow(
      /weights\.production: an ALB weight is an integer from 0 to 999, got 1000/,
    );
    expect(await listenerRules()).toHaveLength(1);
  });
});

describe('AlbTraffic error paths the emulator cannot produce', () => {
  it('lets a throttling error through with its name, for the workflow to retry', async () => {
    const mocked = mockClient(ElasticLoadBalancingV2Client);
    mocked.on(DescribeListenersCommand).rejects(
      new ElasticLoadBalancingV2ServiceException({
        name: 'Throttling',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const alb = new AlbTraffic({ elbv2: new ElasticLoadBalancingV2Client({}) });
    await expect(
      alb.assertAvailable('run-a', { listenerArn: 'arn:l', productionTargetGroupArn: 'arn:t' }),
    ).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
    });
    mocked.restore();
  });

  it("fault 'vanishing-rule': reads the rules again when another run's rule is gone by the time its tags are read (RuleNotFoundException)", async () => {
    const mocked = mockClient(ElasticLoadBalancingV2Client);
    const listener = 'arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/abc/def';
    const production = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/prod/1';
    const otherRule = 'arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/web/abc/def/other';
    const forward = [{ Type: 'forward' as const, TargetGroupArn: production }];
    mocked.on(DescribeListenersCommand).resolves({
      Listeners: [{ ListenerArn: listener, LoadBalancerArn: 'arn:lb', Protocol: 'HTTP', DefaultActions: forward }],
    });
    const defaultRule = { RuleArn: `${listener}/default`, IsDefault: true, Priority: 'default', Actions: forward };
    // first listing: another run's rule, deleted before its tags are read; second listing: gone
    mocked
      .on(DescribeRulesCommand)
      .resolvesOnce({
        Rules: [defaultRule, { RuleArn: otherRule, IsDefault: false, Priority: '40', Actions: forward }],
      })
      .resolves({ Rules: [defaultRule] });
    mocked.on(DescribeTagsCommand).rejects(
      new ElasticLoadBalancingV2ServiceException({
        name: 'RuleNotFoundException',
        $fault: 'client',
        message: `One or more rules not found`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    mocked.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ VpcId: 'vpc-1' }] });
    mocked.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: production, VpcId: 'vpc-1' }] });
    const alb = new AlbTraffic({ elbv2: new ElasticLoadBalancingV2Client({}) });
    await expect(
      alb.assertAvailable('run-a', { listenerArn: listener, productionTargetGroupArn: production }),
    ).resolves.toBeUndefined();
    expect(mocked.commandCalls(DescribeRulesCommand)).toHaveLength(2);
    expect(mocked.commandCalls(DescribeTagsCommand)).toHaveLength(1);
    mocked.restore();
  });
});
