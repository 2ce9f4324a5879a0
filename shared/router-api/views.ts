import type { Condition, ForwardAction, HealthCheckSettings, TargetInput } from './schemas';

/**
 * The local router's admin API responses (camelCase counterparts of ELBv2's Describe* results and of
 * CloudWatch's GetMetricData). The router (local/router) builds them; the client and the local adapters
 * read them.
 */

/** ELBv2 target health states and reason codes. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export type TargetReason =
  | 'Elb.RegistrationInProgress'
  | 'Elb.InitialHealthChecking'
  | 'Target.ResponseCodeMismatch'
  | 'Target.Timeout'
  | 'Target.FailedHealthChecks'
  | 'Target.DeregistrationInProgress';

export type ResourceType = 'loadbalancer' | 'listener' | 'listener-rule' | 'targetgroup';

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

export interface MetricDataResult {
  id: string;
  label: string;
  /** Epoch ms, in the requested scan order. */
  timestamps: number[];
  values: number[];
  statusCode: 'Complete';
  messages: { code: string; value: string }[];
}
