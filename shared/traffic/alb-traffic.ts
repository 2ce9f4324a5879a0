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
  type Listener,
  type Rule,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TrafficConfig } from '../config/run-config';
import { runInputError, ValidationError } from '../config/validation';
import { isAwsError } from '../aws/errors';
import { runTags, tagValue } from '../aws/tags';
import { ROLE_TAG, RUN_ID_TAG } from '../run/resource-tags';
import { choosePriority, conditionsOf, forwardAction, forwardWeights, hasConditions, ruleConditions } from './alb-rule';
import { TrafficLockedError } from './errors';
import type { ShiftRequest, Traffic, TrafficRule } from './traffic';

export interface AlbTrafficOptions {
  elbv2?: ElasticLoadBalancingV2Client;
}

interface ListenerRule {
  rule: Rule;
  runId?: string;
}

const TAGS_PER_CALL = 20;

/** Traffic on AWS: one listener rule per run whose weighted forward splits production / baseline / canary. */
export class AlbTraffic implements Traffic {
  private readonly elbv2: ElasticLoadBalancingV2Client;

  constructor(options: AlbTrafficOptions = {}) {
    this.elbv2 = options.elbv2 ?? new ElasticLoadBalancingV2Client({});
  }

  async assertAvailable(runId: string, traffic: TrafficConfig): Promise<void> {
    const listener = await this.listener(traffic);
    const rules = await this.rules(listener);
    this.assertUnlocked(runId, listener, rules);
    const vpcId = await this.loadBalancerVpc(listener);
    const production = await this.targetGroup(traffic.productionTargetGroupArn, 'traffic.productionTargetGroupArn');
    this.assertSameVpc(production, vpcId, 'traffic.productionTargetGroupArn');
    if (!hasConditions(traffic.conditions)) this.assertDefaultForwardsToProduction(listener, traffic);
    ruleConditions(traffic.conditions);
    if (traffic.rulePriority !== undefined) {
      const holder = rules.find((r) => r.rule.Priority === String(traffic.rulePriority) && r.runId !== runId);
      if (holder) {
        throw runInputError(
          'traffic.rulePriority',
          `priority ${traffic.rulePriority} is already used by rule ${holder.rule.RuleArn} on the listener`,
        );
      }
    }
  }

  async shift(request: ShiftRequest): Promise<TrafficRule> {
    const { traffic } = request;
    const actions = forwardAction(
      {
        productionTargetGroupArn: traffic.productionTargetGroupArn,
        baselineTargetGroupArn: request.baselineTargetGroupArn,
        canaryTargetGroupArn: request.canaryTargetGroupArn,
      },
      request.weights,
      traffic,
    );
    const listener = await this.listener(traffic);
    const rules = await this.rules(listener);
    this.assertUnlocked(request.runId, listener, rules);
    // A retried provision finds the rule it created by tag instead of creating a second one.
    const own = rules.filter((r) => r.runId === request.runId);
    const existing = own.find((r) => r.rule.RuleArn === request.ruleArn) ?? own[0];
    if (existing?.rule.RuleArn) {
      const out = await this.elbv2.send(new ModifyRuleCommand({ RuleArn: existing.rule.RuleArn, Actions: actions }));
      return this.toTrafficRule(out.Rules?.[0] ?? existing.rule, request);
    }
    if (request.ruleArn) {
      throw new Error(`the listener rule ${request.ruleArn} of run "${request.runId}" no longer exists`);
    }

    const vpcId = await this.loadBalancerVpc(listener);
    const checks: [string, string][] = [
      [traffic.productionTargetGroupArn, 'traffic.productionTargetGroupArn'],
      [request.baselineTargetGroupArn, 'baseline target group'],
      [request.canaryTargetGroupArn, 'canary target group'],
    ];
    for (const [arn, what] of checks) this.assertSameVpc(await this.targetGroup(arn, what), vpcId, what);
    const conditions = ruleConditions(traffic.conditions);
    const matchAll = !hasConditions(traffic.conditions);
    if (matchAll) this.assertDefaultForwardsToProduction(listener, traffic);
    const used = rules.filter((r) => !r.rule.IsDefault).map((r) => Number(r.rule.Priority));
    const priority = traffic.rulePriority ?? choosePriority(used, matchAll);
    try {
      const out = await this.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: traffic.listenerArn,
          Priority: priority,
          Conditions: conditions,
          Actions: actions,
          Tags: runTags(request.runId),
        }),
      );
      const rule = out.Rules?.[0];
      if (!rule) throw new Error(`CreateRule on ${traffic.listenerArn} returned no rule`);
      return this.toTrafficRule(rule, request);
    } catch (error) {
      if (isAwsError(error, 'PriorityInUseException')) {
        throw runInputError(
          'traffic.rulePriority',
          `priority ${priority} is already used on listener ${traffic.listenerArn}`,
        );
      }
      throw error;
    }
  }

  /**
   * The rule is always found by its run-id tag, so a stale or wrong ARN can never remove another run's
   * rule; the ARN the workflow knows adds nothing.
   */
  async restore(runId: string, traffic: TrafficConfig, _ruleArn?: string): Promise<{ removed: boolean }> {
    let rules: ListenerRule[];
    try {
      rules = await this.rules(await this.listener(traffic));
    } catch (error) {
      // A deleted listener took its rules with it: nothing is left to restore.
      if (error instanceof ValidationError) return { removed: false };
      throw error;
    }
    const own = rules.filter((r) => r.runId === runId);
    let removed = false;
    for (const { rule } of own) {
      try {
        await this.elbv2.send(new DeleteRuleCommand({ RuleArn: rule.RuleArn }));
        removed = true;
      } catch (error) {
        if (!isAwsError(error, 'RuleNotFoundException')) throw error;
      }
    }
    return { removed };
  }

  async describe(runId: string, traffic: TrafficConfig): Promise<TrafficRule | undefined> {
    const rules = await this.rules(await this.listener(traffic));
    const own = rules.find((r) => r.runId === runId);
    if (!own?.rule.RuleArn) return undefined;
    const weights = forwardWeights(own.rule.Actions);
    const others = [...weights.keys()].filter((arn) => arn !== traffic.productionTargetGroupArn);
    const roles = await this.tags(others);
    const arnOf = (role: string) => others.find((arn) => tagValue(roles.get(arn), ROLE_TAG) === role);
    const baselineArn = arnOf('baseline');
    const canaryArn = arnOf('canary');
    return {
      ruleArn: own.rule.RuleArn,
      weights: {
        production: weights.get(traffic.productionTargetGroupArn) ?? 0,
        baseline: baselineArn ? (weights.get(baselineArn) ?? 0) : 0,
        canary: canaryArn ? (weights.get(canaryArn) ?? 0) : 0,
      },
      conditions: conditionsOf(own.rule.Conditions),
    };
  }

  private toTrafficRule(rule: Rule, request: ShiftRequest): TrafficRule {
    const weights = forwardWeights(rule.Actions);
    return {
      ruleArn: rule.RuleArn ?? '',
      weights: {
        production: weights.get(request.traffic.productionTargetGroupArn) ?? 0,
        baseline: weights.get(request.baselineTargetGroupArn) ?? 0,
        canary: weights.get(request.canaryTargetGroupArn) ?? 0,
      },
      conditions: conditionsOf(rule.Conditions),
    };
  }

  private async listener(traffic: TrafficConfig): Promise<Listener> {
    let listener: Listener | undefined;
    try {
      const out = await this.elbv2.send(new DescribeListenersCommand({ ListenerArns: [traffic.listenerArn] }));
      listener = out.Listeners?.[0];
    } catch (error) {
      if (isAwsError(error, 'ListenerNotFoundException', 'ValidationError')) {
        throw runInputError(
          'traffic.listenerArn',
          `listener ${traffic.listenerArn} not found (${(error as Error).message})`,
        );
      }
      throw error;
    }
    if (!listener) throw runInputError('traffic.listenerArn', `listener ${traffic.listenerArn} not found`);
    if (listener.Protocol !== 'HTTP' && listener.Protocol !== 'HTTPS') {
      throw runInputError(
        'traffic.listenerArn',
        `listener ${traffic.listenerArn} uses ${listener.Protocol}; weighted rules need an Application Load Balancer listener (HTTP or HTTPS)`,
      );
    }
    return listener;
  }

  /** All rules of the listener with the run id each is tagged with. */
  private async rules(listener: Listener): Promise<ListenerRule[]> {
    const rules: Rule[] = [];
    let marker: string | undefined;
    do {
      const out = await this.elbv2.send(
        new DescribeRulesCommand({ ListenerArn: listener.ListenerArn, Marker: marker }),
      );
      rules.push(...(out.Rules ?? []));
      marker = out.NextMarker;
    } while (marker);
    const tags = await this.tags(rules.filter((r) => !r.IsDefault && r.RuleArn).map((r) => r.RuleArn as string));
    return rules.map((rule) => ({ rule, runId: tagValue(tags.get(rule.RuleArn ?? ''), RUN_ID_TAG) }));
  }

  private async tags(arns: string[]): Promise<Map<string, { Key?: string; Value?: string }[]>> {
    const out = new Map<string, { Key?: string; Value?: string }[]>();
    for (let i = 0; i < arns.length; i += TAGS_PER_CALL) {
      const page = await this.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + TAGS_PER_CALL) }));
      for (const d of page.TagDescriptions ?? []) if (d.ResourceArn) out.set(d.ResourceArn, d.Tags ?? []);
    }
    return out;
  }

  private assertUnlocked(runId: string, listener: Listener, rules: ListenerRule[]): void {
    const other = rules.find((r) => r.runId !== undefined && r.runId !== runId);
    if (other) throw new TrafficLockedError(listener.ListenerArn ?? '', other.runId ?? '', other.rule.RuleArn ?? '');
  }

  private async loadBalancerVpc(listener: Listener): Promise<string | undefined> {
    const out = await this.elbv2.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [listener.LoadBalancerArn ?? ''] }),
    );
    return out.LoadBalancers?.[0]?.VpcId;
  }

  /** A target group by ARN; a missing one is a clear error naming what it is. */
  private async targetGroup(arn: string, what: string): Promise<TargetGroup> {
    let group: TargetGroup | undefined;
    try {
      const out = await this.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
      group = out.TargetGroups?.[0];
    } catch (error) {
      if (!isAwsError(error, 'TargetGroupNotFoundException', 'ValidationError')) throw error;
    }
    if (!group) throw runInputError(what, `target group ${arn} not found`);
    return group;
  }

  private assertSameVpc(group: TargetGroup, vpcId: string | undefined, what: string): void {
    if (vpcId && group.VpcId !== vpcId) {
      throw runInputError(
        what,
        `target group ${group.TargetGroupArn} is in ${group.VpcId}, but the listener's load balancer is in ${vpcId}`,
      );
    }
  }

  /** The match-all rule sends production's share to the production target group: the default must do the same. */
  private assertDefaultForwardsToProduction(listener: Listener, traffic: TrafficConfig): void {
    const targets = [...forwardWeights(listener.DefaultActions).keys()];
    if (targets.length !== 1 || targets[0] !== traffic.productionTargetGroupArn) {
      const actual =
        targets.length > 0 ? `forwards to ${targets.join(', ')}` : `is ${listener.DefaultActions?.[0]?.Type}`;
      throw runInputError(
        'traffic.conditions',
        `without conditions the rule replaces the listener's default action, which ${actual} instead of ` +
          `traffic.productionTargetGroupArn ${traffic.productionTargetGroupArn}; give conditions for the canary rule`,
      );
    }
  }
}
