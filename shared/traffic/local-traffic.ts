import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RouterAdminClient, RouterApiError } from '../router-api/client';
import type { Condition, ForwardActionInput } from '../router-api/schemas';
import type { ListenerView, RuleView } from '../router-api/views';
import type { RuleConditions, TrafficConfig } from '../config/run-config';
import { runInputError } from '../config/validation';
import { ROLE_TAG, RUN_ID_TAG } from '../run/resource-tags';
import { choosePriority, conditionsOf, forwardAction, hasConditions, ruleConditions } from './alb-rule';
import { TrafficLockedError } from './errors';
import type { ShiftRequest, Traffic, TrafficRule } from './traffic';

/**
 * Traffic through the local router: the same rule AlbTraffic puts on an ALB listener (built and validated
 * by the same alb-rule functions), sent to the router's admin API instead of ELBv2.
 */

export interface LocalTrafficOptions {
  /** The local router's admin URL (CANARY_JUDGE_ROUTER_URL). */
  routerUrl: string;
}

interface ListenerRule {
  rule: RuleView;
  runId?: string;
}

/** ELBv2's condition shape (from alb-rule) in the router's shape. */
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

function fromRouterConditions(conditions: Condition[]): RuleConditions | undefined {
  return conditionsOf(
    conditions.map((c): RuleCondition => {
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
    }),
  );
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

const weightOf = (rule: RuleView, arn: string | undefined): number =>
  rule.actions[0].targetGroups.find((t) => t.targetGroupArn === arn)?.weight ?? 0;

export class LocalTraffic implements Traffic {
  private readonly router: RouterAdminClient;

  constructor(options: LocalTrafficOptions) {
    this.router = new RouterAdminClient(options.routerUrl);
  }

  async assertAvailable(runId: string, traffic: TrafficConfig): Promise<void> {
    const listener = await this.listener(traffic);
    const rules = await this.rules();
    this.assertUnlocked(runId, listener, rules);
    await this.assertTargetGroup(traffic.productionTargetGroupArn, 'traffic.productionTargetGroupArn');
    if (!hasConditions(traffic.conditions)) this.assertDefaultForwardsToProduction(listener, traffic);
    ruleConditions(traffic.conditions);
    if (traffic.rulePriority !== undefined) {
      const holder = rules.find((r) => r.rule.priority === traffic.rulePriority && r.runId !== runId);
      if (holder) {
        throw runInputError(
          'traffic.rulePriority',
          `priority ${traffic.rulePriority} is already used by rule ${holder.rule.ruleArn} on the listener`,
        );
      }
    }
  }

  async shift(request: ShiftRequest): Promise<TrafficRule> {
    const { traffic } = request;
    const actions = toRouterForward(
      forwardAction(
        {
          productionTargetGroupArn: traffic.productionTargetGroupArn,
          baselineTargetGroupArn: request.baselineTargetGroupArn,
          canaryTargetGroupArn: request.canaryTargetGroupArn,
        },
        request.weights,
        traffic,
      ),
    );
    const listener = await this.listener(traffic);
    const rules = await this.rules();
    this.assertUnlocked(request.runId, listener, rules);
    // A retried provision finds the rule it created by tag instead of creating a second one.
    const own = rules.filter((r) => r.runId === request.runId);
    const existing = own.find((r) => r.rule.ruleArn === request.ruleArn) ?? own[0];
    if (existing)
      return this.toTrafficRule(await this.router.modifyRule({ ruleArn: existing.rule.ruleArn, actions }), request);
    if (request.ruleArn)
      throw new Error(`the listener rule ${request.ruleArn} of run "${request.runId}" no longer exists`);

    await this.assertTargetGroup(request.baselineTargetGroupArn, 'baseline target group');
    await this.assertTargetGroup(request.canaryTargetGroupArn, 'canary target group');
    const matchAll = !hasConditions(traffic.conditions);
    if (matchAll) this.assertDefaultForwardsToProduction(listener, traffic);
    const conditions = toRouterConditions(ruleConditions(traffic.conditions));
    const used = rules.filter((r) => !r.rule.isDefault).map((r) => r.rule.priority as number);
    const priority = traffic.rulePriority ?? choosePriority(used, matchAll);
    try {
      const rule = await this.router.createRule({
        listenerArn: traffic.listenerArn,
        priority,
        conditions,
        actions,
        tags: [{ key: RUN_ID_TAG, value: request.runId }],
      });
      return this.toTrafficRule(rule, request);
    } catch (error) {
      if (error instanceof RouterApiError && error.code === 'PriorityInUse') {
        throw runInputError(
          'traffic.rulePriority',
          `priority ${priority} is already used on listener ${traffic.listenerArn}`,
        );
      }
      throw error;
    }
  }

  /**
   * Removes every rule tagged with the run id, and the given ARN if that rule carries no other run's tag.
   * A router that is gone took its rules with it: nothing is left to restore.
   */
  async restore(runId: string, _traffic: TrafficConfig, ruleArn?: string): Promise<{ removed: boolean }> {
    let rules: ListenerRule[];
    try {
      rules = await this.rules();
    } catch (error) {
      if (error instanceof RouterApiError && error.code === 'Unreachable') return { removed: false };
      throw error;
    }
    const own = rules.filter(
      (r) => !r.rule.isDefault && (r.runId === runId || (r.rule.ruleArn === ruleArn && r.runId === undefined)),
    );
    let removed = false;
    for (const { rule } of own) {
      try {
        await this.router.deleteRule(rule.ruleArn);
        removed = true;
      } catch (error) {
        if (!(error instanceof RouterApiError && error.code === 'RuleNotFound')) throw error;
      }
    }
    return { removed };
  }

  async describe(runId: string, traffic: TrafficConfig): Promise<TrafficRule | undefined> {
    await this.listener(traffic);
    const own = (await this.rules()).find((r) => r.runId === runId);
    if (!own) return undefined;
    const others = own.rule.actions[0].targetGroups
      .map((t) => t.targetGroupArn)
      .filter((arn) => arn !== traffic.productionTargetGroupArn);
    const tags = others.length > 0 ? await this.router.describeTags(others) : [];
    const arnOf = (role: string) =>
      tags.find((d) => d.tags.some((t) => t.key === ROLE_TAG && t.value === role))?.resourceArn;
    return {
      ruleArn: own.rule.ruleArn,
      weights: {
        production: weightOf(own.rule, traffic.productionTargetGroupArn),
        baseline: weightOf(own.rule, arnOf('baseline')),
        canary: weightOf(own.rule, arnOf('canary')),
      },
      conditions: fromRouterConditions(own.rule.conditions),
    };
  }

  private toTrafficRule(rule: RuleView, request: ShiftRequest): TrafficRule {
    return {
      ruleArn: rule.ruleArn,
      weights: {
        production: weightOf(rule, request.traffic.productionTargetGroupArn),
        baseline: weightOf(rule, request.baselineTargetGroupArn),
        canary: weightOf(rule, request.canaryTargetGroupArn),
      },
      conditions: fromRouterConditions(rule.conditions),
    };
  }

  private async listener(traffic: TrafficConfig): Promise<ListenerView> {
    const listeners = await this.router.describeListeners();
    const listener = listeners.find((l) => l.listenerArn === traffic.listenerArn);
    if (!listener) {
      throw runInputError(
        'traffic.listenerArn',
        `listener ${traffic.listenerArn} not found in the local router at ${this.router.baseUrl} (it has ${listeners.map((l) => l.listenerArn).join(', ')})`,
      );
    }
    return listener;
  }

  /** The listener's rules (the router has one listener) with the run id each is tagged with. */
  private async rules(): Promise<ListenerRule[]> {
    const rules = await this.router.describeRules();
    const arns = rules.filter((r) => !r.isDefault).map((r) => r.ruleArn);
    const tags = arns.length > 0 ? await this.router.describeTags(arns) : [];
    return rules.map((rule) => ({
      rule,
      runId: tags.find((d) => d.resourceArn === rule.ruleArn)?.tags.find((t) => t.key === RUN_ID_TAG)?.value,
    }));
  }

  private assertUnlocked(runId: string, listener: ListenerView, rules: ListenerRule[]): void {
    const other = rules.find((r) => r.runId !== undefined && r.runId !== runId);
    if (other) throw new TrafficLockedError(listener.listenerArn, other.runId ?? '', other.rule.ruleArn);
  }

  private async assertTargetGroup(arn: string, what: string): Promise<void> {
    try {
      await this.router.describeTargetGroups({ arns: [arn] });
    } catch (error) {
      if (error instanceof RouterApiError && error.code === 'TargetGroupNotFound')
        throw runInputError(what, `target group ${arn} not found in the local router`);
      throw error;
    }
  }

  /** The match-all rule sends production's share to the production target group: the default must do the same. */
  private assertDefaultForwardsToProduction(listener: ListenerView, traffic: TrafficConfig): void {
    const targets = listener.defaultActions[0].targetGroups.map((t) => t.targetGroupArn);
    if (targets.length !== 1 || targets[0] !== traffic.productionTargetGroupArn) {
      throw runInputError(
        'traffic.conditions',
        `without conditions the rule replaces the listener's default action, which forwards to ${targets.join(', ')} instead of ` +
          `traffic.productionTargetGroupArn ${traffic.productionTargetGroupArn}; give conditions for the canary rule`,
      );
    }
  }
}
