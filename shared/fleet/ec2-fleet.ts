import { createHash } from 'node:crypto';
import {
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
  type _InstanceType,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetGroup,
  type TargetHealth,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsLaunch } from '../config/run-config';
import { runInputError } from '../config/validation';
import { isAwsError } from '../aws/errors';
import { runTags, tagValue, type Tag } from '../aws/tags';
import { RUN_ID_TAG } from '../run-model/resource-tags';
import { forwardWeights } from '../traffic/alb-rule';
import type { Role, VersionResources } from '../run-model/run-state';
import { TargetGroupInUseError } from './errors';
import { fleetHealth, NO_INSTANCES, targetGroupGone, type InstanceObservation } from './fleet-health';
import type { Fleet, LaunchRequest, TeardownReport, VersionHealth } from './fleet';
import { targetGroupName } from './target-group-name';

export interface Ec2FleetOptions {
  ec2?: EC2Client;
  elbv2?: ElasticLoadBalancingV2Client;
}

const ROLES: Role[] = ['baseline', 'canary'];
/** Instances in these states will never become healthy. */
const DEAD_STATES = new Set(['shutting-down', 'terminated', 'stopping', 'stopped']);
const GONE_STATES = new Set(['shutting-down', 'terminated']);

/** Idempotency token of one RunInstances call: a retried launch returns the same instances. */
function clientToken(runId: string, role: Role, subnetIndex: number): string {
  return createHash('sha256').update(`${runId}/${role}/${subnetIndex}`).digest('hex').slice(0, 64);
}

/**
 * Why a registered target is `unused`. ALB health-checks a target group only while a listener rule forwards
 * to it (provision attaches the run's groups at weight 0 for this), and a target only in the load
 * balancer's enabled availability zones.
 */
function unusedDetail(health: TargetHealth): string {
  const code = `unused (${health.Reason ?? 'no reason given'})`;
  if (health.Reason === 'Target.NotInUse') {
    return (
      `${code}, not health-checked: its target group is not attached to a listener rule of the load balancer, ` +
      `or the instance's availability zone is not enabled on the load balancer`
    );
  }
  return health.Description ? `${code}: ${health.Description}` : code;
}

/** One instance as ALB and EC2 see it; `instances` is undefined when every target is healthy. */
function observeInstance(
  id: string,
  target: TargetHealth | undefined,
  instances: Map<string, Instance> | undefined,
): InstanceObservation {
  if (!instances) return { id, kind: 'healthy' };
  const instance = instances.get(id);
  const state = instance?.State?.Name;
  if (!instance || (state && DEAD_STATES.has(state))) {
    const why = instance?.StateReason?.Message ? ` (${instance.StateReason.Message})` : '';
    return { id, kind: 'dead', note: `${state ?? 'not found'}${why}` };
  }
  if (!target || target.Reason === 'Target.NotRegistered') {
    return {
      id,
      kind: state === 'running' ? 'unregistered' : 'pending',
      note: `instance ${state}, not registered yet`,
    };
  }
  if (target.State === 'unused') return { id, kind: 'pending', note: unusedDetail(target) };
  if (target.State !== 'healthy') {
    return { id, kind: 'pending', note: `${target.State}${target.Reason ? ` ${target.Reason}` : ''}` };
  }
  return { id, kind: 'healthy' };
}

interface RunTargetGroup {
  arn: string;
  runId?: string;
  loadBalancerArns: string[];
}

interface Placement {
  subnetIds: string[];
  securityGroupIds?: string[];
}

/** Fleet on AWS: instances from the service's launch template in their own target group per version. */
export class Ec2Fleet implements Fleet {
  private readonly ec2: EC2Client;
  private readonly elbv2: ElasticLoadBalancingV2Client;

  constructor(options: Ec2FleetOptions = {}) {
    this.ec2 = options.ec2 ?? new EC2Client({});
    this.elbv2 = options.elbv2 ?? new ElasticLoadBalancingV2Client({});
  }

  async launch(request: LaunchRequest): Promise<VersionResources> {
    const spec = request.spec.aws;
    if (!spec) throw runInputError(`${request.role}.aws`, 'an aws launch spec is required for target "aws"');
    const production = await this.productionTargetGroup(request.productionTargetGroupArn);
    const placement = await this.placement(request.role, spec, production);
    const tags = runTags(request.runId, { service: request.service, role: request.role });
    const targetGroupArn = await this.createTargetGroup(targetGroupName(request.runId, request.role), production, tags);
    const instanceIds = await this.runInstances(request, spec, placement, tags);
    await this.register(targetGroupArn, instanceIds);
    return {
      role: request.role,
      version: request.spec.version,
      targetGroupArn,
      instanceIds,
      loadBalancerArn: production.LoadBalancerArns?.[0],
    };
  }

  async health(resources: VersionResources): Promise<VersionHealth> {
    const ids = resources.instanceIds;
    if (ids.length === 0) return NO_INSTANCES;
    let descriptions: TargetHealthDescription[];
    try {
      const out = await this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: resources.targetGroupArn }));
      descriptions = out.TargetHealthDescriptions ?? [];
    } catch (error) {
      if (isAwsError(error, 'TargetGroupNotFoundException')) return targetGroupGone(resources.targetGroupArn);
      throw error;
    }
    const byId = new Map(descriptions.map((d) => [d.Target?.Id ?? '', d.TargetHealth]));
    // The instances are asked about only when a target is not healthy.
    const allHealthy = ids.every((id) => byId.get(id)?.State === 'healthy');
    const instances = allHealthy ? undefined : await this.instancesById(ids);
    const { health, register } = fleetHealth(ids.map((id) => observeInstance(id, byId.get(id), instances)));
    // Registration that launch left to later (instances not yet running then) happens here.
    if (register.length > 0) await this.register(resources.targetGroupArn, register);
    return health;
  }

  /**
   * Order-safe: while a listener rule still forwards to one of the run's target groups (Traffic.restore has
   * not run or not finished), nothing is touched and a retryable error says which rule is in the way, so
   * no request is ever sent to a deregistered or terminated instance.
   */
  async teardown(runId: string, known: VersionResources[]): Promise<TeardownReport> {
    const report: TeardownReport = { removed: [], alreadyGone: [] };
    const groups = await this.runTargetGroups(runId, known, report);
    const users = await this.rulesUsing(groups);
    if (users.length > 0) throw new TargetGroupInUseError(users);
    for (const group of groups) await this.deregisterAll(group.arn);

    const knownIds = known.flatMap((k) => k.instanceIds);
    const instances = await this.runInstancesToTerminate(runId, knownIds, report);
    if (instances.length > 0) {
      await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: instances }));
      report.removed.push(...instances.map((id) => `instance ${id}`));
    }

    for (const group of groups) {
      try {
        await this.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: group.arn }));
        report.removed.push(`target group ${group.arn}`);
      } catch (error) {
        if (isAwsError(error, 'TargetGroupNotFoundException')) report.alreadyGone.push(`target group ${group.arn}`);
        else if (isAwsError(error, 'ResourceInUseException')) throw new TargetGroupInUseError([group.arn]);
        else throw error;
      }
    }
    return report;
  }

  async existing(runId: string): Promise<string[]> {
    const groups = (await this.targetGroupsByName(ROLES.map((role) => targetGroupName(runId, role)))).filter(
      (g) => g.runId === runId,
    );
    const instances = await this.describeInstances([{ Name: `tag:${RUN_ID_TAG}`, Values: [runId] }]);
    const live = [...instances.values()].filter((i) => !GONE_STATES.has(i.State?.Name ?? ''));
    return [...groups.map((g) => `target group ${g.arn}`), ...live.map((i) => `instance ${i.InstanceId}`)];
  }

  private async productionTargetGroup(arn: string): Promise<TargetGroup> {
    let group: TargetGroup | undefined;
    try {
      group = (await this.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))).TargetGroups?.[0];
    } catch (error) {
      if (!isAwsError(error, 'TargetGroupNotFoundException', 'ValidationError')) throw error;
    }
    if (!group) throw runInputError('traffic.productionTargetGroupArn', `target group ${arn} not found`);
    if (group.TargetType !== 'instance') {
      throw runInputError(
        'traffic.productionTargetGroupArn',
        `target group ${arn} has target type ${group.TargetType}; canary-judge launches instances`,
      );
    }
    return group;
  }

  /**
   * Subnets and security groups: as given, else those of the production instances (the canary runs where
   * production runs), else the load balancer's subnets and the launch template's security groups.
   */
  private async placement(role: Role, spec: AwsLaunch, production: TargetGroup): Promise<Placement> {
    let subnetIds = spec.subnetIds?.length ? spec.subnetIds : undefined;
    let securityGroupIds = spec.securityGroupIds?.length ? spec.securityGroupIds : undefined;
    if (!subnetIds || !securityGroupIds) {
      const health = await this.elbv2.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: production.TargetGroupArn }),
      );
      const ids = (health.TargetHealthDescriptions ?? []).map((d) => d.Target?.Id ?? '').filter(Boolean);
      const instances = [...(await this.instancesById(ids)).values()];
      const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => Boolean(v)))];
      const prodSubnets = unique(instances.map((i) => i.SubnetId));
      const prodGroups = unique(instances.flatMap((i) => (i.SecurityGroups ?? []).map((g) => g.GroupId)));
      subnetIds ??= prodSubnets.length > 0 ? prodSubnets : undefined;
      securityGroupIds ??= prodGroups.length > 0 ? prodGroups : undefined;
    }
    if (!subnetIds) {
      const lb = production.LoadBalancerArns?.[0];
      if (lb) {
        const out = await this.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb] }));
        const fromLb = (out.LoadBalancers?.[0]?.AvailabilityZones ?? []).map((z) => z.SubnetId ?? '').filter(Boolean);
        subnetIds = fromLb.length > 0 ? fromLb : undefined;
      }
    }
    if (!subnetIds) {
      throw runInputError(`${role}.aws.subnetIds`, 'no subnets found from production; give the subnets to launch into');
    }
    const subnets = await this.ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }));
    for (const subnet of subnets.Subnets ?? []) {
      if (subnet.VpcId !== production.VpcId) {
        throw runInputError(
          `${role}.aws.subnetIds`,
          `subnet ${subnet.SubnetId} is in ${subnet.VpcId}, but the production target group is in ${production.VpcId}`,
        );
      }
    }
    return { subnetIds, securityGroupIds };
  }

  /** A target group copying production's protocol, port, VPC and health check. */
  private async createTargetGroup(name: string, production: TargetGroup, tags: Tag[]): Promise<string> {
    try {
      const out = await this.elbv2.send(
        new CreateTargetGroupCommand({
          Name: name,
          TargetType: 'instance',
          Protocol: production.Protocol,
          ProtocolVersion: production.ProtocolVersion,
          Port: production.Port,
          VpcId: production.VpcId,
          IpAddressType: production.IpAddressType,
          HealthCheckEnabled: production.HealthCheckEnabled,
          HealthCheckProtocol: production.HealthCheckProtocol,
          HealthCheckPort: production.HealthCheckPort,
          HealthCheckPath: production.HealthCheckPath,
          HealthCheckIntervalSeconds: production.HealthCheckIntervalSeconds,
          HealthCheckTimeoutSeconds: production.HealthCheckTimeoutSeconds,
          HealthyThresholdCount: production.HealthyThresholdCount,
          UnhealthyThresholdCount: production.UnhealthyThresholdCount,
          Matcher: production.Matcher,
          Tags: tags,
        }),
      );
      const arn = out.TargetGroups?.[0]?.TargetGroupArn;
      if (!arn) throw new Error(`CreateTargetGroup ${name} returned no target group`);
      return arn;
    } catch (error) {
      if (!isAwsError(error, 'DuplicateTargetGroupNameException')) throw error;
      // A retried launch: reuse the group if (and only if) this run created it.
      const existing = await this.targetGroupsByName([name]);
      const runId = tagValue(tags, RUN_ID_TAG);
      const own = existing.find((g) => g.runId === runId);
      if (!own) throw new Error(`a target group named ${name} exists but is not tagged with run ${runId}`);
      return own.arn;
    }
  }

  private async runInstances(
    request: LaunchRequest,
    spec: AwsLaunch,
    placement: Placement,
    tags: Tag[],
  ): Promise<string[]> {
    const { launchTemplateId, launchTemplateName, version } = spec.launchTemplate;
    const nameTag = { Key: 'Name', Value: `${request.service}-${request.role} (canary-judge ${request.runId})` };
    // Spread the instances over the subnets (availability zones) round robin: one call per subnet.
    const perSubnet = placement.subnetIds.map(
      (_, i) =>
        Math.floor(spec.instanceCount / placement.subnetIds.length) +
        (i < spec.instanceCount % placement.subnetIds.length ? 1 : 0),
    );
    const ids: string[] = [];
    for (const [i, count] of perSubnet.entries()) {
      if (count === 0) continue;
      const input: RunInstancesCommandInput = {
        MinCount: count,
        MaxCount: count,
        ClientToken: clientToken(request.runId, request.role, i),
        LaunchTemplate: launchTemplateId
          ? { LaunchTemplateId: launchTemplateId, Version: version }
          : { LaunchTemplateName: launchTemplateName, Version: version },
        ImageId: spec.imageId,
        InstanceType: spec.instanceType as _InstanceType | undefined,
        UserData: spec.userData === undefined ? undefined : Buffer.from(spec.userData, 'utf8').toString('base64'),
        SubnetId: placement.subnetIds[i],
        SecurityGroupIds: placement.securityGroupIds,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [...tags, nameTag] },
          { ResourceType: 'volume', Tags: tags },
        ],
      };
      const out = await this.ec2.send(new RunInstancesCommand(input));
      ids.push(...(out.Instances ?? []).map((inst) => inst.InstanceId ?? '').filter(Boolean));
    }
    return ids;
  }

  private async register(targetGroupArn: string, instanceIds: string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    try {
      await this.elbv2.send(
        new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: instanceIds.map((Id) => ({ Id })) }),
      );
    } catch (error) {
      // Instances still pending cannot be registered yet; health() registers them once they run.
      if (!isAwsError(error, 'InvalidTargetException')) throw error;
    }
  }

  private async instancesById(ids: string[]): Promise<Map<string, Instance>> {
    if (ids.length === 0) return new Map();
    // A filter (unlike InstanceIds) does not fail the whole call on an id that no longer exists.
    return this.describeInstances([{ Name: 'instance-id', Values: ids }]);
  }

  private async describeInstances(filters: { Name: string; Values: string[] }[]): Promise<Map<string, Instance>> {
    const out = new Map<string, Instance>();
    let token: string | undefined;
    do {
      const page = await this.ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken: token }));
      for (const r of page.Reservations ?? [])
        for (const i of r.Instances ?? []) if (i.InstanceId) out.set(i.InstanceId, i);
      token = page.NextToken;
    } while (token);
    return out;
  }

  private async targetGroupsByName(names: string[]): Promise<RunTargetGroup[]> {
    let groups: TargetGroup[] = [];
    try {
      groups = (await this.elbv2.send(new DescribeTargetGroupsCommand({ Names: names }))).TargetGroups ?? [];
    } catch (error) {
      if (!isAwsError(error, 'TargetGroupNotFoundException')) throw error;
      // One missing name fails the whole call: ask one by one.
      if (names.length > 1) return (await Promise.all(names.map((n) => this.targetGroupsByName([n])))).flat();
    }
    return this.withRunIds(groups);
  }

  private async targetGroupsByArn(arns: string[]): Promise<RunTargetGroup[]> {
    const groups: TargetGroup[] = [];
    for (const arn of arns) {
      try {
        const out = await this.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
        groups.push(...(out.TargetGroups ?? []));
      } catch (error) {
        if (!isAwsError(error, 'TargetGroupNotFoundException')) throw error;
      }
    }
    return this.withRunIds(groups);
  }

  private async withRunIds(groups: TargetGroup[]): Promise<RunTargetGroup[]> {
    if (groups.length === 0) return [];
    const arns = groups.map((g) => g.TargetGroupArn ?? '');
    const tags = await this.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }));
    return groups.map((g) => ({
      arn: g.TargetGroupArn ?? '',
      runId: tagValue(tags.TagDescriptions?.find((d) => d.ResourceArn === g.TargetGroupArn)?.Tags, RUN_ID_TAG),
      loadBalancerArns: [...new Set(g.LoadBalancerArns ?? [])],
    }));
  }

  /** The run's target groups: the known ARNs and the names derived from the run id, only if tagged with it. */
  private async runTargetGroups(
    runId: string,
    known: VersionResources[],
    report: TeardownReport,
  ): Promise<RunTargetGroup[]> {
    const byName = await this.targetGroupsByName(ROLES.map((role) => targetGroupName(runId, role)));
    const knownArns = [...new Set(known.map((k) => k.targetGroupArn))].filter(
      (arn) => !byName.some((g) => g.arn === arn),
    );
    const fromKnown = await this.targetGroupsByArn(knownArns);
    for (const arn of knownArns) {
      if (!fromKnown.some((g) => g.arn === arn)) report.alreadyGone.push(`target group ${arn}`);
    }
    return [...byName, ...fromKnown].filter((g) => g.runId === runId);
  }

  /** Listener rules (and default actions) of the groups' load balancers that still forward to one of them. */
  private async rulesUsing(groups: RunTargetGroup[]): Promise<string[]> {
    const arns = new Set(groups.map((g) => g.arn));
    const users: string[] = [];
    for (const lb of new Set(groups.flatMap((g) => g.loadBalancerArns))) {
      const listeners = await this.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb }));
      for (const listener of listeners.Listeners ?? []) {
        let marker: string | undefined;
        do {
          const out = await this.elbv2.send(
            new DescribeRulesCommand({ ListenerArn: listener.ListenerArn, Marker: marker }),
          );
          for (const rule of out.Rules ?? []) {
            const used = [...forwardWeights(rule.Actions).keys()].filter((arn) => arns.has(arn));
            if (used.length > 0) users.push(`rule ${rule.RuleArn} forwards to ${used.join(', ')}`);
          }
          marker = out.NextMarker;
        } while (marker);
      }
    }
    return users;
  }

  private async deregisterAll(targetGroupArn: string): Promise<void> {
    try {
      const out = await this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      const targets = (out.TargetHealthDescriptions ?? []).map((d) => d.Target).filter((t) => t?.Id);
      if (targets.length === 0) return;
      await this.elbv2.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: targetGroupArn,
          Targets: targets.map((t) => ({ Id: t?.Id, Port: t?.Port })),
        }),
      );
    } catch (error) {
      if (!isAwsError(error, 'TargetGroupNotFoundException', 'InvalidTargetException')) throw error;
    }
  }

  /**
   * Instances tagged with the run id plus the known ids that carry that tag (an instance the run did not
   * tag is never terminated, whatever the state says); those already terminating count as gone.
   */
  private async runInstancesToTerminate(runId: string, knownIds: string[], report: TeardownReport): Promise<string[]> {
    const tagged = await this.describeInstances([{ Name: `tag:${RUN_ID_TAG}`, Values: [runId] }]);
    const known = await this.instancesById(knownIds.filter((id) => !tagged.has(id)));
    for (const id of knownIds) {
      if (!tagged.has(id) && !known.has(id)) report.alreadyGone.push(`instance ${id}`);
    }
    const toTerminate: string[] = [];
    for (const instance of [...tagged.values(), ...known.values()]) {
      const id = instance.InstanceId ?? '';
      if (tagValue(instance.Tags, RUN_ID_TAG) !== runId) continue;
      if (GONE_STATES.has(instance.State?.Name ?? '')) report.alreadyGone.push(`instance ${id}`);
      else toTerminate.push(id);
    }
    return toTerminate;
  }
}
