import type { ListenerView, RuleView, TargetGroupView, TargetHealthView } from '../../shared/router-api/views';
import type { ElbState, ListenerRecord, RuleRecord, TargetGroupRecord } from './elb-state';

/** Builds the admin API's response shapes (shared/router-api/views.ts) from the router's state. */

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
