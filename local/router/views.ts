import type { ElbState, ListenerRecord, RuleRecord, TargetGroupRecord } from './elb-state';
import type { Condition, ForwardAction, HealthCheckSettings, TargetInput } from './schemas';
import type { TargetReason, TargetState } from './target-health';

/** The admin API's response shapes (camelCase counterparts of ELBv2's Describe* results). */

export interface TargetGroupView {
  targetGroupArn: string;
  targetGroupName: string;
  protocol: 'HTTP';
  targetType: 'ip';
  healthCheck: HealthCheckSettings;
  deregistrationDelaySeconds: number;
  /** ARNs of the rules whose forward action uses the group (ELBv2 lists load balancers here; rules are more useful locally). */
  ruleArns: string[];
}

export interface TargetHealthView {
  target: TargetInput;
  state: TargetState;
  reason?: TargetReason;
  description?: string;
  inFlight: number;
}

export interface RuleView {
  ruleArn: string;
  listenerArn: string;
  priority: number | 'default';
  isDefault: boolean;
  conditions: Condition[];
  actions: ForwardAction[];
}

export interface ListenerView {
  listenerArn: string;
  loadBalancerArn: string;
  protocol: 'HTTP';
  port: number;
  defaultActions: ForwardAction[];
  defaultRuleArn: string;
}

export const targetGroupView = (state: ElbState, group: TargetGroupRecord): TargetGroupView => ({
  targetGroupArn: group.arn,
  targetGroupName: group.name,
  protocol: 'HTTP',
  targetType: 'ip',
  healthCheck: group.healthCheck,
  deregistrationDelaySeconds: group.deregistrationDelaySeconds,
  ruleArns: state
    .allRules()
    .filter((r) => r.action.targetGroups.some((t) => t.targetGroupArn === group.arn))
    .map((r) => r.arn),
});

export const targetHealthViews = (group: TargetGroupRecord): TargetHealthView[] =>
  [...group.targets.values()].map((t) => ({
    target: { id: t.id, port: t.port },
    state: t.health.state,
    ...(t.health.reason ? { reason: t.health.reason } : {}),
    ...(t.health.description ? { description: t.health.description } : {}),
    inFlight: t.inFlight,
  }));

export const ruleView = (rule: RuleRecord): RuleView => ({
  ruleArn: rule.arn,
  listenerArn: rule.listenerArn,
  priority: rule.priority,
  isDefault: rule.priority === 'default',
  conditions: rule.conditions,
  actions: [rule.action],
});

export const listenerView = (listener: ListenerRecord): ListenerView => ({
  listenerArn: listener.arn,
  loadBalancerArn: listener.loadBalancerArn,
  protocol: 'HTTP',
  port: listener.port,
  defaultActions: [listener.defaultRule.action],
  defaultRuleArn: listener.defaultRule.arn,
});
