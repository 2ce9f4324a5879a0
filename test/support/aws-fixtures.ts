import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RunInputRaw } from '../../shared/config/run-config';

/**
 * What a service in production looks like on AWS, created in moto: a VPC with two subnets, an ALB whose
 * listener forwards everything to the production target group, two production instances in it, and the
 * service's launch template with two versions (current AMI, new AMI).
 */
export interface AlbFixture {
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  loadBalancerArn: string;
  listenerArn: string;
  productionTargetGroupArn: string;
  productionInstanceIds: string[];
  launchTemplateId: string;
  currentAmi: string;
  newAmi: string;
}

/** Two of the AMIs moto always has (asking for all ~1200 of them takes seconds). */
const MOTO_AMIS = ['ami-03cf127a', 'ami-12c6146b'];

export async function createAlbFixture(
  ec2: EC2Client,
  elbv2: ElasticLoadBalancingV2Client,
  name = 'web',
  cidr = '10.0',
): Promise<AlbFixture> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `${cidr}.0.0/16` }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries()) {
    const out = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${cidr}.${i + 1}.0/24`, AvailabilityZone: az }),
    );
    subnetIds.push(out.Subnet!.SubnetId!);
  }
  const securityGroupId = (
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${name}-sg`, Description: name, VpcId: vpcId }))
  ).GroupId!;
  const loadBalancerArn = (
    await elbv2.send(
      new CreateLoadBalancerCommand({ Name: name, Subnets: subnetIds, SecurityGroups: [securityGroupId] }),
    )
  ).LoadBalancers![0].LoadBalancerArn!;
  const productionTargetGroupArn = (
    await elbv2.send(
      new CreateTargetGroupCommand({
        Name: `${name}-prod`,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: vpcId,
        HealthCheckPath: '/healthz',
        HealthCheckIntervalSeconds: 15,
        HealthyThresholdCount: 3,
        Matcher: { HttpCode: '200-299' },
      }),
    )
  ).TargetGroups![0].TargetGroupArn!;
  const listenerArn = (
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: productionTargetGroupArn }],
      }),
    )
  ).Listeners![0].ListenerArn!;
  const images = (await ec2.send(new DescribeImagesCommand({ ImageIds: MOTO_AMIS }))).Images!;
  const [currentAmi, newAmi] = MOTO_AMIS.map((id) => images.find((i) => i.ImageId === id)!.ImageId!);
  const launchTemplateId = (
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${name}-lt`,
        LaunchTemplateData: { ImageId: currentAmi, InstanceType: 't3.micro' },
      }),
    )
  ).LaunchTemplate!.LaunchTemplateId!;
  await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: launchTemplateId,
      LaunchTemplateData: { ImageId: newAmi, InstanceType: 't3.micro' },
    }),
  );
  const production = await ec2.send(
    new RunInstancesCommand({
      MinCount: 2,
      MaxCount: 2,
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: '1' },
      SubnetId: subnetIds[1],
      SecurityGroupIds: [securityGroupId],
    }),
  );
  const productionInstanceIds = production.Instances!.map((i) => i.InstanceId!);
  await elbv2.send(
    new RegisterTargetsCommand({
      TargetGroupArn: productionTargetGroupArn,
      Targets: productionInstanceIds.map((Id) => ({ Id })),
    }),
  );
  return {
    vpcId,
    subnetIds,
    securityGroupId,
    loadBalancerArn,
    listenerArn,
    productionTargetGroupArn,
    productionInstanceIds,
    launchTemplateId,
    currentAmi,
    newAmi,
  };
}

/** The fixture with EC2 and ELBv2 clients built from the environment (AWS_ENDPOINT_URL), as the Lambda functions build theirs. */
export async function createAlbFixtureFromEnv(): Promise<{
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
  fx: AlbFixture;
}> {
  const ec2 = new EC2Client({});
  const elbv2 = new ElasticLoadBalancingV2Client({});
  return { ec2, elbv2, fx: await createAlbFixture(ec2, elbv2) };
}

/** Everything that still exists and carries the run's tag: instances (`instance i-…`), target groups, the listener's rules. */
export async function runLeftovers(
  ec2: EC2Client,
  elbv2: ElasticLoadBalancingV2Client,
  listenerArn: string,
  runId: string,
): Promise<string[]> {
  const instances = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:canary-judge:run-id', Values: [runId] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  );
  const left = instances.Reservations!.flatMap((r) => r.Instances!.map((i) => `instance ${i.InstanceId}`));
  const groups = (await elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups!;
  const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules!.filter(
    (r) => !r.IsDefault,
  );
  const arns = [...groups.map((g) => g.TargetGroupArn!), ...rules.map((r) => r.RuleArn!)];
  const tags = await elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }));
  for (const d of tags.TagDescriptions!) {
    if (d.Tags!.some((t) => t.Key === 'canary-judge:run-id' && t.Value === runId)) left.push(d.ResourceArn!);
  }
  return left;
}

/**
 * A run of the fixture's service on AWS: baseline and canary from versions 1 and 2 of its launch template, the
 * fixture's listener, CloudWatch metrics; `overrides` name the steps, metrics and the rest.
 */
export function fixtureRunInput(fx: AlbFixture, overrides: Partial<RunInputRaw>, instanceCount = 1): RunInputRaw {
  const launch = (version: string) => ({
    launchTemplate: { launchTemplateId: fx.launchTemplateId, version },
    instanceCount,
  });
  return {
    target: 'aws',
    service: 'web',
    baseline: { version: '1.41.0', aws: launch('1') },
    canary: { version: '1.42.0', aws: launch('2') },
    traffic: { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn },
    healthCheck: { path: '/healthz', intervalSeconds: 1, timeoutSeconds: 30 },
    steps: [{ weight: 5, durationSeconds: 2 }],
    metricsSource: { type: 'cloudwatch', periodSeconds: 60 },
    canaryConfig: { metrics: [{ name: 'errors', preset: 'error-rate-5xx' }] },
    ...overrides,
  };
}
