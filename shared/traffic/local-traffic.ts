import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { runInputError } from '../config/validation';
import type { Tag } from '../aws/tags';
import { RouterAdminClient, RouterApiError } from '../router-api/client';
import type { Condition, ForwardAction, ForwardActionInput } from '../router-api/schemas';
import type { ListenerView, RuleView } from '../router-api/views';
import { PriorityInUseError } from './errors';
import type { CreateRuleRequest, ListenerApi, ListenerInfo, ListenerRule } from './listener-api';
import { RuleTraffic, type LockOptions } from './rule-traffic';

/**
 * Traffic through the local router: the same workflow and rule as on an ALB listener (RuleTraffic), sent
 * to the router's admin API instead of ELBv2. This file only translates between ELBv2's shapes and the
 * router's.
 */

export interface LocalTrafficOptions {
  /** The local router's admin URL (CANARY_JUDGE_ROUTER_URL). */
  routerUrl: string;
  lock?: LockOptions;
}

function toRouterConditions(conditions: RuleCondition[]): Condition[] {
  return conditions.map((c): Condition => {
    switch (c.Field) {
      case 'host-header':
        return { field: 'host-header', values: c.HostHeaderConfig?.Values ?? [] };
      case 'http-request-method':
        return { field: 'http-request-method', values: c.HttpRequestMethodConfig?.Values ?? [] };
      case 'http-header':
        return {
          field: 'http-header',
          httpHeaderName: c.HttpHeaderConfig?.HttpHeaderName ?? '',
          values: c.HttpHeaderConfig?.Values ?? [],
        };
      default:
        return { field: 'path-pattern', values: c.PathPatternConfig?.Values ?? [] };
    }
  });
}

function fromRouterConditions(conditions: Condition[]): RuleCondition[] {
  return conditions.map((c): RuleCondition => {
    switch (c.field) {
      case 'host-header':
        return { Field: c.field, HostHeaderConfig: { Values: c.values } };
      case 'http-request-method':
        return { Field: c.field, HttpRequestMethodConfig: { Values: c.values } };
      case 'http-header':
        return { Field: c.field, HttpHeaderConfig: { HttpHeaderName: c.httpHeaderName, Values: c.values } };
      case 'path-pattern':
        return { Field: c.field, PathPatternConfig: { Values: c.values } };
    }
  });
}

function toRouterForward(actions: Action[]): ForwardActionInput[] {
  const config = actions[0].ForwardConfig;
  const stickiness = config?.TargetGroupStickinessConfig;
  return [
    {
      type: 'forward',
      targetGroups: (config?.TargetGroups ?? []).map((t) => ({
        targetGroupArn: t.TargetGroupArn ?? '',
        weight: t.Weight ?? 1,
      })),
      ...(stickiness?.Enabled
        ? { stickiness: { enabled: true, durationSeconds: stickiness.DurationSeconds ?? 3600 } }
        : {}),
    },
  ];
}

function fromRouterForward(actions: ForwardAction[]): Action[] {
  return actions.map((a) => ({
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: a.targetGroups.map((t) => ({ TargetGroupArn: t.targetGroupArn, Weight: t.weight })),
      TargetGroupStickinessConfig: a.stickiness?.enabled
        ? { Enabled: true, DurationSeconds: a.stickiness.durationSeconds }
        : { Enabled: false },
    },
  }));
}

const toRouterTags = (tags: Tag[]) => tags.map((t) => ({ key: t.Key, value: t.Value }));
const fromRouterTags = (tags: { key: string; value: string }[]): Tag[] =>
  tags.map((t) => ({ Key: t.key, Value: t.value }));

const isRouterError = (error: unknown, code: string): boolean => error instanceof RouterApiError && error.code === code;

/** The listener API in the local router's dialect. */
export class RouterListenerApi implements ListenerApi {
  readonly where = ' in the local router';

  constructor(private readonly router: RouterAdminClient) {}

  async describeListener(listenerArn: string): Promise<ListenerInfo> {
    const listeners = await this.router.describeListeners();
    const listener = listeners.find((l) => l.listenerArn === listenerArn);
    if (!listener) {
      throw runInputError(
        'traffic.listenerArn',
        `listener ${listenerArn} not found in the local router at ${this.router.baseUrl} (it has ${listeners.map((l) => l.listenerArn).join(', ')})`,
      );
    }
    return this.toListener(listener);
  }

  /** The router has no VPCs. */
  async loadBalancerVpc(): Promise<undefined> {
    return undefined;
  }

  async listRules(listener: ListenerInfo): Promise<ListenerRule[]> {
    const rules = await this.router.describeRules({ listenerArn: listener.listenerArn });
    const tags = await this.describeTags(rules.filter((r) => !r.isDefault).map((r) => r.ruleArn));
    return rules.map((rule) => this.toRule(rule, tags.get(rule.ruleArn) ?? []));
  }

  async createRule(request: CreateRuleRequest): Promise<ListenerRule> {
    try {
      const rule = await this.router.createRule({
        listenerArn: request.listenerArn,
        priority: request.priority,
        conditions: toRouterConditions(request.conditions),
        actions: toRouterForward(request.actions),
        tags: toRouterTags(request.tags),
      });
      return this.toRule(rule, request.tags);
    } catch (error) {
      if (isRouterError(error, 'PriorityInUse')) throw new PriorityInUseError(request.priority);
      throw error;
    }
  }

  async modifyRule(rule: ListenerRule, actions: Action[]): Promise<ListenerRule> {
    return this.toRule(
      await this.router.modifyRule({ ruleArn: rule.ruleArn, actions: toRouterForward(actions) }),
      rule.tags,
    );
  }

  async deleteRule(ruleArn: string): Promise<boolean> {
    try {
      await this.router.deleteRule(ruleArn);
      return true;
    } catch (error) {
      if (isRouterError(error, 'RuleNotFound')) return false;
      throw error;
    }
  }

  async describeTargetGroup(arn: string): Promise<{ vpcId?: string } | undefined> {
    try {
      await this.router.describeTargetGroups({ arns: [arn] });
      return {};
    } catch (error) {
      if (isRouterError(error, 'TargetGroupNotFound')) return undefined;
      throw error;
    }
  }

  async describeTags(arns: string[]): Promise<Map<string, Tag[]>> {
    if (arns.length === 0) return new Map();
    const descriptions = await this.router.describeTags(arns);
    return new Map(descriptions.map((d) => [d.resourceArn, fromRouterTags(d.tags)]));
  }

  /** A router that is gone (the run's stand-ins stopped) took its rules with it. */
  isGone(error: unknown): boolean {
    return isRouterError(error, 'Unreachable');
  }

  isRuleGone(error: unknown): boolean {
    return isRouterError(error, 'RuleNotFound');
  }

  private toListener(listener: ListenerView): ListenerInfo {
    return {
      listenerArn: listener.listenerArn,
      loadBalancerArn: listener.loadBalancerArn,
      defaultActions: fromRouterForward(listener.defaultActions),
    };
  }

  private toRule(rule: RuleView, tags: Tag[]): ListenerRule {
    return {
      ruleArn: rule.ruleArn,
      priority: rule.priority,
      conditions: fromRouterConditions(rule.conditions),
      actions: fromRouterForward(rule.actions),
      tags,
    };
  }
}

export class LocalTraffic extends RuleTraffic {
  constructor(options: LocalTrafficOptions) {
    super(new RouterListenerApi(new RouterAdminClient(options.routerUrl)), options.lock);
  }
}
