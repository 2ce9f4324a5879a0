import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
  type Action,
  type Listener,
  type Rule,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { runInputError } from '../config/validation';
import { isAwsError } from '../aws/errors';
import type { Tag } from '../aws/tags';
import { PriorityInUseError } from './errors';
import type { CreateRuleRequest, ListenerApi, ListenerInfo, ListenerRule } from './listener-api';
import { RuleTraffic, type LockOptions } from './rule-traffic';

export interface AlbTrafficOptions {
  elbv2?: ElasticLoadBalancingV2Client;
  lock?: LockOptions;
}

const TAGS_PER_CALL = 20;

const asTags = (tags: { Key?: string; Value?: string }[] | undefined): Tag[] =>
  (tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));

/** The listener API in ELBv2's dialect. */
export class Elbv2ListenerApi implements ListenerApi {
  readonly where = '';

  constructor(private readonly elbv2: ElasticLoadBalancingV2Client) {}

  async describeListener(listenerArn: string): Promise<ListenerInfo> {
    let listener: Listener | undefined;
    try {
      listener = (await this.elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))).Listeners?.[0];
    } catch (error) {
      if (isAwsError(error, 'ListenerNotFoundException', 'ValidationError')) {
        throw runInputError('traffic.listenerArn', `listener ${listenerArn} not found (${(error as Error).message})`);
      }
      throw error;
    }
    if (!listener) throw runInputError('traffic.listenerArn', `listener ${listenerArn} not found`);
    if (listener.Protocol !== 'HTTP' && listener.Protocol !== 'HTTPS') {
      throw runInputError(
        'traffic.listenerArn',
        `listener ${listenerArn} uses ${listener.Protocol}; weighted rules need an Application Load Balancer listener (HTTP or HTTPS)`,
      );
    }
    return {
      listenerArn: listener.ListenerArn ?? listenerArn,
      loadBalancerArn: listener.LoadBalancerArn,
      defaultActions: listener.DefaultActions ?? [],
    };
  }

  async loadBalancerVpc(listener: ListenerInfo): Promise<string | undefined> {
    const out = await this.elbv2.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [listener.loadBalancerArn ?? ''] }),
    );
    return out.LoadBalancers?.[0]?.VpcId;
  }

  async listRules(listener: ListenerInfo): Promise<ListenerRule[]> {
    const rules: Rule[] = [];
    let marker: string | undefined;
    do {
      const out = await this.elbv2.send(
        new DescribeRulesCommand({ ListenerArn: listener.listenerArn, Marker: marker }),
      );
      rules.push(...(out.Rules ?? []));
      marker = out.NextMarker;
    } while (marker);
    const tags = await this.describeTags(rules.filter((r) => !r.IsDefault && r.RuleArn).map((r) => r.RuleArn ?? ''));
    return rules.map((rule) => this.toRule(rule, tags.get(rule.RuleArn ?? '') ?? []));
  }

  async createRule(request: CreateRuleRequest): Promise<ListenerRule> {
    try {
      const out = await this.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: request.listenerArn,
          Priority: request.priority,
          Conditions: request.conditions,
          Actions: request.actions,
          Tags: request.tags,
        }),
      );
      const rule = out.Rules?.[0];
      if (!rule) throw new Error(`CreateRule on ${request.listenerArn} returned no rule`);
      return this.toRule(rule, request.tags);
    } catch (error) {
      if (isAwsError(error, 'PriorityInUseException')) throw new PriorityInUseError(request.priority);
      throw error;
    }
  }

  async modifyRule(rule: ListenerRule, actions: Action[]): Promise<ListenerRule> {
    const out = await this.elbv2.send(new ModifyRuleCommand({ RuleArn: rule.ruleArn, Actions: actions }));
    const modified = out.Rules?.[0];
    return modified ? this.toRule(modified, rule.tags) : rule;
  }

  async deleteRule(ruleArn: string): Promise<boolean> {
    try {
      await this.elbv2.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
      return true;
    } catch (error) {
      if (isAwsError(error, 'RuleNotFoundException')) return false;
      throw error;
    }
  }

  async describeTargetGroup(arn: string): Promise<{ vpcId?: string } | undefined> {
    let group: TargetGroup | undefined;
    try {
      group = (await this.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))).TargetGroups?.[0];
    } catch (error) {
      if (!isAwsError(error, 'TargetGroupNotFoundException', 'ValidationError')) throw error;
    }
    return group && { vpcId: group.VpcId };
  }

  async describeTags(arns: string[]): Promise<Map<string, Tag[]>> {
    const out = new Map<string, Tag[]>();
    for (let i = 0; i < arns.length; i += TAGS_PER_CALL) {
      const page = await this.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + TAGS_PER_CALL) }));
      for (const d of page.TagDescriptions ?? []) if (d.ResourceArn) out.set(d.ResourceArn, asTags(d.Tags));
    }
    return out;
  }

  /** On AWS a deleted listener is a ValidationError of describeListener; nothing else means "gone". */
  isGone(): boolean {
    return false;
  }

  isRuleGone(error: unknown): boolean {
    return isAwsError(error, 'RuleNotFoundException');
  }

  private toRule(rule: Rule, tags: Tag[]): ListenerRule {
    return {
      ruleArn: rule.RuleArn ?? '',
      priority: rule.IsDefault ? 'default' : Number(rule.Priority),
      conditions: rule.Conditions ?? [],
      actions: rule.Actions ?? [],
      tags,
    };
  }
}

/** Traffic on AWS: one listener rule per run whose weighted forward splits production / baseline / canary. */
export class AlbTraffic extends RuleTraffic {
  constructor(options: AlbTrafficOptions = {}) {
    super(new Elbv2ListenerApi(options.elbv2 ?? new ElasticLoadBalancingV2Client({})), options.lock);
  }
}
