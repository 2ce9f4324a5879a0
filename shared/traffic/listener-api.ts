import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Tag } from '../aws/tags';

/**
 * The narrow listener API the traffic workflow (RuleTraffic) runs on: what it reads and writes of one load
 * balancer listener, in ELBv2's shapes (the domain's rule builders in alb-rule.ts produce them). One
 * implementation speaks ELBv2 (alb-traffic.ts), one the local router's admin API (local-traffic.ts).
 */

export interface ListenerInfo {
  listenerArn: string;
  loadBalancerArn?: string;
  defaultActions: Action[];
}

export interface ListenerRule {
  ruleArn: string;
  priority: number | 'default';
  conditions: RuleCondition[];
  actions: Action[];
  tags: Tag[];
}

export interface CreateRuleRequest {
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: Action[];
  tags: Tag[];
}

export interface ListenerApi {
  /** "" on AWS; " in the local router" locally: appended to "target group … not found". */
  readonly where: string;
  /** The listener; a ValidationError naming `traffic.listenerArn` when there is none. */
  describeListener(listenerArn: string): Promise<ListenerInfo>;
  /** The VPC of the listener's load balancer (undefined where there are no VPCs). */
  loadBalancerVpc(listener: ListenerInfo): Promise<string | undefined>;
  /** Every rule of the listener (the default one included) with its tags. */
  listRules(listener: ListenerInfo): Promise<ListenerRule[]>;
  /** Throws PriorityInUseError when another rule has the priority. */
  createRule(request: CreateRuleRequest): Promise<ListenerRule>;
  modifyRule(rule: ListenerRule, actions: Action[]): Promise<ListenerRule>;
  /** false when the rule was already gone. */
  deleteRule(ruleArn: string): Promise<boolean>;
  /** undefined when there is no such target group. */
  describeTargetGroup(arn: string): Promise<{ vpcId?: string } | undefined>;
  describeTags(arns: string[]): Promise<Map<string, Tag[]>>;
  /** The load balancer itself is gone (and its rules with it), so there is nothing to restore. */
  isGone(error: unknown): boolean;
  /** A rule was deleted while it was being read (another run took its rule away between listing and tagging). */
  isRuleGone(error: unknown): boolean;
}
