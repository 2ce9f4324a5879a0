import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetHealth,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2Fleet } from '../../../shared/fleet/ec2-fleet';
import type { VersionResources } from '../../../shared/run-model/run-state';

/** Target health states moto never reports (it calls every registered target healthy at once). */

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/cj-0123456789ab-canary/cccccccccccccccc';
const canary: VersionResources = { role: 'canary', version: 'v2', targetGroupArn: TG, instanceIds: ['i-1', 'i-2'] };

const ec2 = mockClient(EC2Client);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

function respond(health: Record<string, TargetHealth | undefined>): void {
  elbv2.on(DescribeTargetHealthCommand).resolves({
    TargetHealthDescriptions: Object.entries(health)
      .filter(([, h]) => h !== undefined)
      .map(([Id, TargetHealth]) => ({ Target: { Id, Port: 80 }, TargetHealth })),
  });
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [
      { Instances: Object.keys(health).map((InstanceId) => ({ InstanceId, State: { Name: 'running' } })) },
    ],
  });
  elbv2.on(RegisterTargetsCommand).resolves({});
}

const fleet = () => new Ec2Fleet({ ec2: new EC2Client({}), elbv2: new ElasticLoadBalancingV2Client({}) });

beforeEach(() => {
  ec2.reset();
  elbv2.reset();
});

describe('Ec2Fleet.health', () => {
  it('says why a registered target is unused (target group not attached to a listener), without registering it again', async () => {
    respond({
      'i-1': { State: 'healthy' },
      'i-2': {
        State: 'unused',
        Reason: 'Target.NotInUse',
        Description: 'Target group is not configured to receive traffic from the load balancer',
      },
    });
    const health = await fleet().health(canary);
    expect(health).toEqual({
      status: 'pending',
      detail:
        '1/2 healthy; i-2: unused (Target.NotInUse), not health-checked: its target group is not attached to a ' +
        "listener rule of the load balancer, or the instance's availability zone is not enabled on the load balancer",
    });
    expect(elbv2.commandCalls(RegisterTargetsCommand)).toHaveLength(0);
  });

  it('registers running instances that are not registered yet (late registration), whichever way ALB says so', async () => {
    respond({
      'i-1': undefined,
      'i-2': { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered' },
    });
    const health = await fleet().health(canary);
    expect(health).toEqual({
      status: 'pending',
      detail: '0/2 healthy; i-1: instance running, not registered yet; i-2: instance running, not registered yet',
    });
    const calls = elbv2.commandCalls(RegisterTargetsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { TargetGroupArn: TG, Targets: [{ Id: 'i-1' }, { Id: 'i-2' }] },
    ]);
  });

  it('keeps the reason code and description of any other unused target', async () => {
    respond({
      'i-1': { State: 'healthy' },
      'i-2': { State: 'unused', Reason: 'Target.IpUnusable', Description: 'The target IP address is reserved' },
    });
    expect((await fleet().health(canary)).detail).toBe(
      '1/2 healthy; i-2: unused (Target.IpUnusable): The target IP address is reserved',
    );
  });
});
