import { listenerArn, loadBalancerArn, newId, resourceTypeOf, ruleArn, stableId, targetGroupArn } from './arn';
import { RouterError } from './errors';
import type { Condition, ForwardAction, HealthCheckSettings, Tag, TargetInput } from '../../shared/router-api/schemas';
import type { ResourceType } from '../../shared/router-api/views';
import { drainingHealth, registeredHealth, type TargetHealth } from './target-health';
import { SmoothWeightedPicker } from './weighted-picker';

/**
 * The router's control plane: one load balancer with one HTTP listener, target groups with targets, and the
 * listener's rules, with ELBv2's referential rules (a target group in use cannot be deleted, priorities are
 * unique, the default rule cannot be deleted). In memory, no I/O; inputs arrive already shape-checked.
 */

export interface TargetRecord {
  id: string;
  port: number;
  health: TargetHealth;
  inFlight: number;
  drainingUntil?: number;
  /** Epoch ms of the next health check. */
  nextCheckAt: number;
  checking: boolean;
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  healthCheck: HealthCheckSettings;
  deregistrationDelaySeconds: number;
  /** Keyed "id:port", in registration order. */
  targets: Map<string, TargetRecord>;
  roundRobin: number;
}

export interface RuleRecord {
  arn: string;
  listenerArn: string;
  priority: number | 'default';
  conditions: Condition[];
  action: ForwardAction;
  /** Re-created whenever the action changes, so a new split starts a fresh cycle. */
  picker: SmoothWeightedPicker<string>;
}

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  port: number;
  defaultRule: RuleRecord;
}

export interface ElbStateOptions {
  loadBalancerName: string;
  listenerPort: number;
  production: { name: string; healthCheck: HealthCheckSettings; deregistrationDelaySeconds: number };
  now?: () => number;
}

export const targetKey = (t: { id: string; port: number }): string => `${t.id}:${t.port}`;

const pickerFor = (action: ForwardAction): SmoothWeightedPicker<string> =>
  new SmoothWeightedPicker(action.targetGroups.map((t) => ({ item: t.targetGroupArn, weight: t.weight })));

export class ElbState {
  readonly loadBalancerArn: string;
  readonly loadBalancerName: string;
  readonly listener: ListenerRecord;
  readonly productionTargetGroupArn: string;
  private readonly now: () => number;
  private readonly groups = new Map<string, TargetGroupRecord>();
  private readonly rules = new Map<string, RuleRecord>();
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly listenerId: string;
  private readonly loadBalancerId: string;

  constructor(options: ElbStateOptions) {
    this.now = options.now ?? Date.now;
    this.loadBalancerName = options.loadBalancerName;
    // Objects made at start get ids derived from their names, so their ARNs survive a restart.
    this.loadBalancerId = stableId(`loadbalancer/${options.loadBalancerName}`);
    this.listenerId = stableId(`listener/${options.loadBalancerName}/${options.listenerPort}`);
    this.loadBalancerArn = loadBalancerArn(options.loadBalancerName, this.loadBalancerId);
    const production = this.addTargetGroup(
      { ...options.production, tags: [] },
      stableId(`targetgroup/${options.loadBalancerName}/${options.production.name}`),
    );
    this.productionTargetGroupArn = production.arn;
    const arn = listenerArn(options.loadBalancerName, this.loadBalancerId, this.listenerId);
    const action: ForwardAction = { type: 'forward', targetGroups: [{ targetGroupArn: production.arn, weight: 1 }] };
    this.listener = {
      arn,
      loadBalancerArn: this.loadBalancerArn,
      port: options.listenerPort,
      defaultRule: {
        arn: ruleArn(options.loadBalancerName, this.loadBalancerId, this.listenerId, stableId(`${arn}/default`)),
        listenerArn: arn,
        priority: 'default',
        conditions: [],
        action,
        picker: pickerFor(action),
      },
    };
  }

  // ---- target groups ----

  createTargetGroup(input: {
    name: string;
    healthCheck: HealthCheckSettings;
    deregistrationDelaySeconds: number;
    tags: Tag[];
  }): TargetGroupRecord {
    const existing = [...this.groups.values()].find((g) => g.name === input.name);
    if (existing) {
      // ELBv2: creating the same target group twice returns it; different settings under one name are an error.
      const same =
        JSON.stringify(existing.healthCheck) === JSON.stringify(input.healthCheck) &&
        existing.deregistrationDelaySeconds === input.deregistrationDelaySeconds;
      if (!same) {
        throw new RouterError(
          'DuplicateTargetGroupName',
          `a target group named "${input.name}" already exists with other settings`,
        );
      }
      this.addTags([existing.arn], input.tags);
      return existing;
    }
    return this.addTargetGroup(input, newId());
  }

  targetGroup(arn: string): TargetGroupRecord {
    const group = this.groups.get(arn);
    if (!group) throw new RouterError('TargetGroupNotFound', `target group ${arn} does not exist`);
    return group;
  }

  targetGroupByName(name: string): TargetGroupRecord {
    const group = [...this.groups.values()].find((g) => g.name === name);
    if (!group) throw new RouterError('TargetGroupNotFound', `no target group is named "${name}"`);
    return group;
  }

  allTargetGroups(): TargetGroupRecord[] {
    return [...this.groups.values()];
  }

  deleteTargetGroup(arn: string): void {
    this.targetGroup(arn);
    const user = this.allRules().find((r) => r.action.targetGroups.some((t) => t.targetGroupArn === arn));
    if (user) {
      throw new RouterError(
        'ResourceInUse',
        `target group ${arn} is used by ${user.priority === 'default' ? "the listener's default action" : `rule ${user.arn}`}; take it out of the forward action first`,
      );
    }
    this.groups.delete(arn);
    this.tags.delete(arn);
  }

  registerTargets(arn: string, targets: TargetInput[]): void {
    const group = this.targetGroup(arn);
    for (const target of targets) {
      const existing = group.targets.get(targetKey(target));
      if (existing) {
        // Registering a draining target again brings it back, as on ELBv2; a registered one is left alone.
        if (existing.health.state === 'draining') {
          existing.health = registeredHealth();
          existing.drainingUntil = undefined;
          existing.nextCheckAt = this.now();
        }
        continue;
      }
      group.targets.set(targetKey(target), {
        id: target.id,
        port: target.port,
        health: registeredHealth(),
        inFlight: 0,
        nextCheckAt: this.now(),
        checking: false,
      });
    }
  }

  deregisterTargets(arn: string, targets: TargetInput[]): void {
    const group = this.targetGroup(arn);
    const unknown = targets.filter((t) => !group.targets.has(targetKey(t)));
    if (unknown.length > 0) {
      throw new RouterError('InvalidTarget', `not registered in ${group.name}: ${unknown.map(targetKey).join(', ')}`);
    }
    for (const target of targets) {
      const record = group.targets.get(targetKey(target));
      if (!record || record.health.state === 'draining') continue;
      record.health = drainingHealth();
      record.drainingUntil = this.now() + group.deregistrationDelaySeconds * 1000;
      this.finishDrainingIfIdle(group, record);
    }
  }

  /** ELBv2 ends draining early once a deregistered target has no request in flight. */
  finishDrainingIfIdle(group: TargetGroupRecord, target: TargetRecord): void {
    if (target.health.state !== 'draining') return;
    if (target.inFlight === 0 || (target.drainingUntil ?? 0) <= this.now()) {
      if (group.targets.get(targetKey(target)) === target) group.targets.delete(targetKey(target));
    }
  }

  // ---- rules ----

  allRules(): RuleRecord[] {
    return [...this.rules.values(), this.listener.defaultRule];
  }

  /** Rules in evaluation order: by priority, the default rule last. */
  orderedRules(): RuleRecord[] {
    return [
      ...[...this.rules.values()].sort((a, b) => (a.priority as number) - (b.priority as number)),
      this.listener.defaultRule,
    ];
  }

  rule(arn: string): RuleRecord {
    const rule = arn === this.listener.defaultRule.arn ? this.listener.defaultRule : this.rules.get(arn);
    if (!rule) throw new RouterError('RuleNotFound', `rule ${arn} does not exist`);
    return rule;
  }

  checkListener(arn: string): ListenerRecord {
    if (arn !== this.listener.arn)
      throw new RouterError(
        'ListenerNotFound',
        `listener ${arn} does not exist (this router has ${this.listener.arn})`,
      );
    return this.listener;
  }

  createRule(input: {
    listenerArn: string;
    priority: number;
    conditions: Condition[];
    actions: ForwardAction[];
    tags: Tag[];
  }): RuleRecord {
    this.checkListener(input.listenerArn);
    const taken = [...this.rules.values()].find((r) => r.priority === input.priority);
    if (taken) throw new RouterError('PriorityInUse', `priority ${input.priority} is in use by rule ${taken.arn}`);
    const action = this.checkAction(input.actions[0]);
    const record: RuleRecord = {
      arn: ruleArn(this.loadBalancerName, this.loadBalancerId, this.listenerId, newId()),
      listenerArn: input.listenerArn,
      priority: input.priority,
      conditions: input.conditions,
      action,
      picker: pickerFor(action),
    };
    this.rules.set(record.arn, record);
    this.addTags([record.arn], input.tags);
    return record;
  }

  modifyRule(input: { ruleArn: string; conditions?: Condition[]; actions?: ForwardAction[] }): RuleRecord {
    const rule = this.rule(input.ruleArn);
    if (input.conditions && rule.priority === 'default') {
      throw new RouterError('OperationNotPermitted', 'the default rule has no conditions; change only its actions');
    }
    if (input.actions) {
      rule.action = this.checkAction(input.actions[0]);
      rule.picker = pickerFor(rule.action);
    }
    if (input.conditions) rule.conditions = input.conditions;
    return rule;
  }

  deleteRule(arn: string): void {
    const rule = this.rule(arn);
    if (rule.priority === 'default')
      throw new RouterError('OperationNotPermitted', 'the default rule cannot be deleted');
    this.rules.delete(arn);
    this.tags.delete(arn);
  }

  modifyListener(arn: string, actions: ForwardAction[]): ListenerRecord {
    this.checkListener(arn);
    this.modifyRule({ ruleArn: this.listener.defaultRule.arn, actions });
    return this.listener;
  }

  // ---- tags ----

  addTags(arns: string[], tags: Tag[]): void {
    for (const arn of arns) this.checkExists(arn);
    for (const arn of arns) {
      const map = this.tags.get(arn) ?? new Map<string, string>();
      for (const tag of tags) map.set(tag.key, tag.value);
      if (map.size > 50) throw new RouterError('ValidationError', `${arn} would have more than 50 tags`);
      this.tags.set(arn, map);
    }
  }

  removeTags(arns: string[], keys: string[]): void {
    for (const arn of arns) this.checkExists(arn);
    for (const arn of arns) for (const key of keys) this.tags.get(arn)?.delete(key);
  }

  tagsOf(arn: string): Tag[] {
    this.checkExists(arn);
    return [...(this.tags.get(arn) ?? new Map<string, string>()).entries()].map(([key, value]) => ({ key, value }));
  }

  /** Like the Resource Groups Tagging API's GetResources: resources carrying every given tag (any value when value is absent). */
  findByTags(
    filters: { key: string; value?: string }[],
    type?: ResourceType,
  ): { resourceArn: string; type: ResourceType; tags: Tag[] }[] {
    const arns = [this.loadBalancerArn, this.listener.arn, ...this.groups.keys(), ...this.allRules().map((r) => r.arn)];
    return arns
      .filter((arn) => !type || resourceTypeOf(arn) === type)
      .filter((arn) => {
        const map = this.tags.get(arn);
        return filters.every((f) => map?.has(f.key) && (f.value === undefined || map.get(f.key) === f.value));
      })
      .map((arn) => ({ resourceArn: arn, type: resourceTypeOf(arn) as ResourceType, tags: this.tagsOf(arn) }));
  }

  private checkExists(arn: string): void {
    const known =
      arn === this.loadBalancerArn ||
      arn === this.listener.arn ||
      this.groups.has(arn) ||
      arn === this.listener.defaultRule.arn ||
      this.rules.has(arn);
    if (!known) {
      const type = resourceTypeOf(arn);
      if (type === 'targetgroup') throw new RouterError('TargetGroupNotFound', `target group ${arn} does not exist`);
      if (type === 'listener-rule') throw new RouterError('RuleNotFound', `rule ${arn} does not exist`);
      throw new RouterError('NotFound', `no resource ${arn}`);
    }
  }

  private checkAction(action: ForwardAction): ForwardAction {
    for (const t of action.targetGroups) this.targetGroup(t.targetGroupArn);
    return action;
  }

  private addTargetGroup(
    input: { name: string; healthCheck: HealthCheckSettings; deregistrationDelaySeconds: number; tags: Tag[] },
    id: string,
  ): TargetGroupRecord {
    const record: TargetGroupRecord = {
      arn: targetGroupArn(input.name, id),
      name: input.name,
      healthCheck: input.healthCheck,
      deregistrationDelaySeconds: input.deregistrationDelaySeconds,
      targets: new Map(),
      roundRobin: 0,
    };
    this.groups.set(record.arn, record);
    if (input.tags.length > 0) this.addTags([record.arn], input.tags);
    return record;
  }
}
