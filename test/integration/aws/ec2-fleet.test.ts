import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsLaunch, VersionSpec } from '../../../shared/config/run-config';
import { Ec2Fleet } from '../../../shared/fleet/ec2-fleet';
import { TargetGroupInUseError } from '../../../shared/fleet/errors';
import { targetGroupName } from '../../../shared/fleet/target-group-name';
import type { LaunchRequest } from '../../../shared/fleet/fleet';
import { AlbTraffic } from '../../../shared/traffic/alb-traffic';
import { runTags } from '../../../shared/aws/tags';
import { createAlbFixture, type AlbFixture } from '../../support/aws-fixtures';
import { startMoto, type Moto } from '../../support/moto';

jest.setTimeout(60_000);

let moto: Moto;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let fx: AlbFixture;

beforeAll(async () => {
  moto = await startMoto();
  ec2 = new EC2Client(moto.config);
  elbv2 = new ElasticLoadBalancingV2Client(moto.config);
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  fx = await createAlbFixture(ec2, elbv2);
});

function spec(version: string, aws: Partial<AwsLaunch> = {}): VersionSpec {
  return {
    version,
    aws: {
      launchTemplate: { launchTemplateId: fx.launchTemplateId, version: version === 'v1' ? '1' : '2' },
      instanceCount: 1,
      ...aws,
    },
  };
}

function request(role: 'baseline' | 'canary', versionSpec: VersionSpec, runId = 'run-1'): LaunchRequest {
  return {
    runId,
    service: 'web',
    role,
    spec: versionSpec,
    productionTargetGroupArn: fx.productionTargetGroupArn,
    healthCheck: { path: '/health', intervalSeconds: 10, timeoutSeconds: 600 },
  };
}

async function instances(ids: string[]) {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }] }));
  return out.Reservations!.flatMap((r) => r.Instances!);
}

async function liveRunInstances(runId: string) {
  const out = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:canary-judge:run-id', Values: [runId] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  );
  return out.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!));
}

describe('Ec2Fleet against moto', () => {
  it("launches a version from its launch template version into production's subnets, security groups and VPC", async () => {
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    const canary = await fleet.launch(request('canary', spec('v2', { instanceCount: 3 })));

    expect(canary).toMatchObject({ role: 'canary', version: 'v2', loadBalancerArn: fx.loadBalancerArn });
    expect(canary.instanceIds).toHaveLength(3);
    const launched = await instances(canary.instanceIds);
    expect(launched.map((i) => i.ImageId)).toEqual([fx.newAmi, fx.newAmi, fx.newAmi]);
    // Production runs in the second subnet with the fixture's security group: the canary goes there too.
    expect(new Set(launched.map((i) => i.SubnetId))).toEqual(new Set([fx.subnetIds[1]]));
    expect(launched.every((i) => i.SecurityGroups!.some((g) => g.GroupId === fx.securityGroupId))).toBe(true);
    for (const i of launched) {
      expect(i.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'canary-judge:run-id', Value: 'run-1' },
          { Key: 'canary-judge:service', Value: 'web' },
          { Key: 'canary-judge:role', Value: 'canary' },
          { Key: 'aws:ec2launchtemplate:version', Value: '2' },
        ]),
      );
    }

    const tg = (await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [canary.targetGroupArn] })))
      .TargetGroups![0];
    expect(tg).toMatchObject({
      TargetGroupName: targetGroupName('run-1', 'canary'),
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: fx.vpcId,
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 15,
      HealthyThresholdCount: 3,
      Matcher: { HttpCode: '200-299' },
    });
    const tags = await elbv2.send(new DescribeTagsCommand({ ResourceArns: [canary.targetGroupArn] }));
    expect(tags.TagDescriptions![0].Tags).toEqual(
      expect.arrayContaining([
        { Key: 'canary-judge:run-id', Value: 'run-1' },
        { Key: 'canary-judge:service', Value: 'web' },
        { Key: 'canary-judge:role', Value: 'canary' },
      ]),
    );
    const registered = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: canary.targetGroupArn }));
    expect(registered.TargetHealthDescriptions!.map((d) => d.Target!.Id).sort()).toEqual(
      [...canary.instanceIds].sort(),
    );
    expect(await fleet.health(canary)).toEqual({ status: 'healthy', detail: '3/3 healthy' });
  });

  it('spreads instances over the given subnets and applies AMI, type and user-data overrides', async () => {
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    const baseline = await fleet.launch(
      request(
        'baseline',
        spec('v1', {
          instanceCount: 3,
          subnetIds: fx.subnetIds,
          securityGroupIds: [fx.securityGroupId],
          imageId: fx.newAmi,
          instanceType: 't3.large',
          userData: '#!/bin/sh\necho canary\n',
        }),
      ),
    );
    const launched = await instances(baseline.instanceIds);
    expect(launched.map((i) => i.SubnetId).sort()).toEqual([fx.subnetIds[0], fx.subnetIds[0], fx.subnetIds[1]].sort());
    expect(launched.map((i) => [i.ImageId, i.InstanceType])).toEqual([
      [fx.newAmi, 't3.large'],
      [fx.newAmi, 't3.large'],
      [fx.newAmi, 't3.large'],
    ]);
    const userData = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: baseline.instanceIds[0], Attribute: 'userData' }),
    );
    expect(Buffer.from(userData.UserData!.Value!, 'base64').toString('utf8')).toBe('#!/bin/sh\necho canary\n');
  });

  it('refuses subnets outside the production VPC before creating anything', async () => {
    const other = await createAlbFixture(ec2, elbv2, 'other', '10.7');
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    await expect(fleet.launch(request('baseline', spec('v1', { subnetIds: [other.subnetIds[0]] })))).rejects.toThrow(
      new RegExp(
        `baseline\\.aws\\.subnetIds: subnet ${other.subnetIds[0]} is in ${other.vpcId}, but the production target group is in ${fx.vpcId}`,
      ),
    );
    expect(await liveRunInstances('run-1')).toEqual([]);
    await expect(
      elbv2.send(new DescribeTargetGroupsCommand({ Names: [targetGroupName('run-1', 'baseline')] })),
    ).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
  });

  it('names the field when the production target group does not exist', async () => {
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    const missing = {
      ...request('canary', spec('v2')),
      productionTargetGroupArn: fx.productionTargetGroupArn.replace(/[0-9a-f]{16}$/, '0000000000000000'),
    };
    await expect(fleet.launch(missing)).rejects.toThrow(/traffic\.productionTargetGroupArn: target group .* not found/);
  });

  it('reports an instance that died as unhealthy, naming it', async () => {
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    const canary = await fleet.launch(request('canary', spec('v2', { instanceCount: 2 })));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [canary.instanceIds[0]] }));
    const health = await fleet.health(canary);
    expect(health.status).toBe('unhealthy');
    expect(health.detail).toMatch(new RegExp(`^1/2 healthy; ${canary.instanceIds[0]}: (terminated|shutting-down)`));
  });

  it('tears down from a half-done provision (target group created, instances never recorded), twice', async () => {
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    const baseline = await fleet.launch(request('baseline', spec('v1')));
    await fleet.launch(request('canary', spec('v2', { instanceCount: 2 })));
    // The state only knows the baseline: the canary is found by its tag and derived name.
    const first = await fleet.teardown('run-1', [baseline]);
    expect(first.removed.filter((r) => r.startsWith('instance'))).toHaveLength(3);
    expect(first.removed.filter((r) => r.startsWith('target group'))).toHaveLength(2);
    expect(first.alreadyGone).toEqual([]);
    expect(await liveRunInstances('run-1')).toEqual([]);

    const second = await fleet.teardown('run-1', [baseline]);
    expect(second.removed).toEqual([]);
    expect(second.alreadyGone).toEqual(
      expect.arrayContaining([`target group ${baseline.targetGroupArn}`, `instance ${baseline.instanceIds[0]}`]),
    );
    // Production is untouched.
    expect((await instances(fx.productionInstanceIds)).map((i) => i.State!.Name)).toEqual(['running', 'running']);
  });

  it('never terminates or deletes what the run did not tag, even when the state names it', async () => {
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    const foreignTg = (
      await elbv2.send(
        new CreateTargetGroupCommand({
          Name: 'other-run',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: fx.vpcId,
          Tags: runTags('run-2'),
        }),
      )
    ).TargetGroups![0].TargetGroupArn!;
    const report = await fleet.teardown('run-1', [
      {
        role: 'baseline',
        version: 'v1',
        targetGroupArn: fx.productionTargetGroupArn,
        instanceIds: fx.productionInstanceIds,
      },
      { role: 'canary', version: 'v2', targetGroupArn: foreignTg, instanceIds: [] },
    ]);
    expect(report.removed).toEqual([]);
    expect((await instances(fx.productionInstanceIds)).map((i) => i.State!.Name)).toEqual(['running', 'running']);
    const groups = await elbv2.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [fx.productionTargetGroupArn, foreignTg] }),
    );
    expect(groups.TargetGroups).toHaveLength(2);
  });

  it('waits (retryable error naming the rule) while the traffic rule still forwards to the run, touching nothing', async () => {
    const fleet = new Ec2Fleet({ ec2, elbv2 });
    const traffic = new AlbTraffic({ elbv2 });
    const config = { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn };
    const baseline = await fleet.launch(request('baseline', spec('v1')));
    const canary = await fleet.launch(request('canary', spec('v2')));
    const rule = await traffic.shift({
      runId: 'run-1',
      traffic: config,
      baselineTargetGroupArn: baseline.targetGroupArn,
      canaryTargetGroupArn: canary.targetGroupArn,
      weights: { production: 90, baseline: 5, canary: 5 },
    });

    const blocked = fleet.teardown('run-1', [baseline, canary]);
    await expect(blocked).rejects.toBeInstanceOf(TargetGroupInUseError);
    await expect(fleet.teardown('run-1', [baseline, canary])).rejects.toMatchObject({
      name: 'RetryableError',
      message: expect.stringContaining(`rule ${rule.ruleArn} forwards to`),
    });
    expect((await liveRunInstances('run-1')).sort()).toEqual([...baseline.instanceIds, ...canary.instanceIds].sort());
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: canary.targetGroupArn }));
    expect(health.TargetHealthDescriptions).toHaveLength(1);

    await traffic.restore('run-1', config);
    const report = await fleet.teardown('run-1', [baseline, canary]);
    expect(report.removed).toHaveLength(4);
  });
});
