import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TrafficConfig } from '../config/run-config';
import { runInputError, ValidationError } from '../config/validation';
import { runTags, tagValue } from '../aws/tags';
import { REQUESTED_AT_TAG, ROLE_TAG, RUN_ID_TAG } from '../run-model/resource-tags';
import { choosePriority, conditionsOf, forwardAction, forwardWeights, hasConditions, ruleConditions } from './alb-rule';
import { PriorityInUseError, TrafficLockedError } from './errors';
import type { ListenerApi, ListenerInfo, ListenerRule } from './listener-api';
import type { ShiftRequest, Traffic, TrafficRule } from './traffic';

/**
 * The traffic workflow, written once over a ListenerApi: one listener rule per run whose weighted forward
 * splits production / baseline / canary, tagged with the run id, and the listener lock that keeps two runs
 * from judging each other's traffic. AlbTraffic and LocalTraffic only supply the wire.
 *
 * The lock is the run's rule itself. Checking for other runs' rules before creating one is not enough (two
 * runs can both check, then both create), so a run that creates its rule reads the listener again and
 * keeps the rule only when no other run's rule is there. When two rules meet, the run that asked first
 * (REQUESTED_AT_TAG) keeps the listener: the other one deletes its rule and fails with TrafficLocked.
 * Safe whatever the clocks say: a run goes on only after a read that showed no other run's rule, and of two
 * runs the one that created its rule last always sees the other's.
 */

export interface LockOptions {
  /** How long a run that asked first waits for a later one to take its rule away again. Default 10 s. */
  settleMs?: number;
  /** Pause between reads of the listener while waiting. Default 100 ms. */
  pollMs?: number;
}

interface RunRule {
  rule: ListenerRule;
  runId?: string;
  requestedAt?: string;
}

/** Attempts at creating the rule when its priority is taken by a rule that is gone again when looked at. */
const CREATE_ATTEMPTS = 3;
/** Listings of the rules when rules vanish while they are read (each vanishing needs another run to back off). */
const LIST_ATTEMPTS = 5;

/** Does `a` hold the listener before `b`? A rule without the stamp is older than any with it. */
function asksFirst(a: RunRule, b: RunRule): boolean {
  if (a.requestedAt === undefined || b.requestedAt === undefined) return a.requestedAt === undefined;
  if (a.requestedAt !== b.requestedAt) return a.requestedAt < b.requestedAt;
  return (a.runId ?? '') < (b.runId ?? '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RuleTraffic implements Traffic {
  private readonly settleMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly api: ListenerApi,
    lock: LockOptions = {},
  ) {
    this.settleMs = lock.settleMs ?? 10_000;
    this.pollMs = lock.pollMs ?? 100;
  }

  async assertAvailable(runId: string, traffic: TrafficConfig): Promise<void> {
    const listener = await this.api.describeListener(traffic.listenerArn);
    const rules = await this.rules(listener);
    this.assertUnlocked(runId, listener, rules);
    const vpcId = await this.api.loadBalancerVpc(listener);
    await this.assertTargetGroup(traffic.productionTargetGroupArn, 'traffic.productionTargetGroupArn', vpcId);
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
    const actions = forwardAction(
      {
        productionTargetGroupArn: traffic.productionTargetGroupArn,
        baselineTargetGroupArn: request.baselineTargetGroupArn,
        canaryTargetGroupArn: request.canaryTargetGroupArn,
      },
      request.weights,
      traffic,
    );
    const listener = await this.api.describeListener(traffic.listenerArn);
    const rules = await this.rules(listener);
    const own = rules.filter((r) => r.runId === request.runId);
    const existing = own.find((r) => r.rule.ruleArn === request.ruleArn) ?? own[0];
    if (existing && request.ruleArn) {
      // The workflow knows the rule: the run holds the listener, and a rule another run adds now is a
      // latecomer that will see this one and go.
      return this.toTrafficRule(await this.api.modifyRule(existing.rule, actions), request);
    }
    if (request.ruleArn) {
      throw new Error(`the listener rule ${request.ruleArn} of run "${request.runId}" no longer exists`);
    }
    if (existing) {
      // A retried provision finds the rule it created by tag instead of creating a second one; the
      // attempt before may have stopped before it knew that the listener was its own.
      await this.settleLock(listener, existing);
      return this.toTrafficRule(await this.api.modifyRule(existing.rule, actions), request);
    }
    this.assertUnlocked(request.runId, listener, rules);

    const vpcId = await this.api.loadBalancerVpc(listener);
    await this.assertTargetGroup(traffic.productionTargetGroupArn, 'traffic.productionTargetGroupArn', vpcId);
    await this.assertTargetGroup(request.baselineTargetGroupArn, 'baseline target group', vpcId);
    await this.assertTargetGroup(request.canaryTargetGroupArn, 'canary target group', vpcId);
    const conditions = ruleConditions(traffic.conditions);
    const matchAll = !hasConditions(traffic.conditions);
    if (matchAll) this.assertDefaultForwardsToProduction(listener, traffic);
    const created = await this.createRule(request, listener, rules, conditions, actions);
    await this.settleLock(listener, created);
    return this.toTrafficRule(created.rule, request);
  }

  /**
   * The rule is always found by its run-id tag, so a stale or wrong ARN can never remove another run's
   * rule (or an untagged one); the ARN the workflow knows adds nothing. A listener or load balancer that is
   * gone took its rules with it: nothing is left to restore.
   */
  async restore(runId: string, traffic: TrafficConfig, _ruleArn?: string): Promise<{ removed: boolean }> {
    let rules: RunRule[];
    try {
      rules = await this.rules(await this.api.describeListener(traffic.listenerArn));
    } catch (error) {
      if (error instanceof ValidationError || this.api.isGone(error)) return { removed: false };
      throw error;
    }
    let removed = false;
    for (const { rule } of rules.filter((r) => r.runId === runId)) {
      if (await this.api.deleteRule(rule.ruleArn)) removed = true;
    }
    return { removed };
  }

  async describe(runId: string, traffic: TrafficConfig): Promise<TrafficRule | undefined> {
    const own = (await this.rules(await this.api.describeListener(traffic.listenerArn))).find((r) => r.runId === runId);
    if (!own) return undefined;
    const weights = forwardWeights(own.rule.actions);
    const others = [...weights.keys()].filter((arn) => arn !== traffic.productionTargetGroupArn);
    const roles = others.length > 0 ? await this.api.describeTags(others) : new Map();
    const arnOf = (role: string) => others.find((arn) => tagValue(roles.get(arn), ROLE_TAG) === role);
    const weightOf = (arn: string | undefined) => (arn ? (weights.get(arn) ?? 0) : 0);
    return {
      ruleArn: own.rule.ruleArn,
      weights: {
        production: weightOf(traffic.productionTargetGroupArn),
        baseline: weightOf(arnOf('baseline')),
        canary: weightOf(arnOf('canary')),
      },
      conditions: conditionsOf(own.rule.conditions),
    };
  }

  /**
   * Creates the run's rule at the configured or the lowest fitting free priority. A priority taken meanwhile
   * by another run's rule means the listener is taken (TrafficLocked); by a rule that is gone again
   * (another run that backed off), the next free priority is tried.
   */
  private async createRule(
    request: ShiftRequest,
    listener: ListenerInfo,
    rules: RunRule[],
    conditions: ReturnType<typeof ruleConditions>,
    actions: Action[],
  ): Promise<RunRule> {
    const { traffic, runId } = request;
    const matchAll = !hasConditions(traffic.conditions);
    let current = rules;
    for (let attempt = 1; ; attempt++) {
      const used = current.filter((r) => r.rule.priority !== 'default').map((r) => r.rule.priority as number);
      const priority = traffic.rulePriority ?? choosePriority(used, matchAll);
      const requestedAt = new Date().toISOString();
      try {
        const rule = await this.api.createRule({
          listenerArn: listener.listenerArn,
          priority,
          conditions,
          actions,
          tags: [...runTags(runId), { Key: REQUESTED_AT_TAG, Value: requestedAt }],
        });
        return { rule, runId, requestedAt };
      } catch (error) {
        if (!(error instanceof PriorityInUseError)) throw error;
        current = await this.rules(listener);
        this.assertUnlocked(runId, listener, current, priority);
        const holder = current.find((r) => r.rule.priority === priority);
        if (holder || attempt >= CREATE_ATTEMPTS) {
          throw runInputError(
            'traffic.rulePriority',
            `priority ${priority} is already used${holder ? ` by rule ${holder.rule.ruleArn}` : ''} on listener ${listener.listenerArn}`,
          );
        }
      }
    }
  }

  /**
   * After creating (or finding) the run's rule: keep it only once a read of the listener shows no other
   * run's rule. A rule that asked first wins at once; a later one is given `settleMs` to take its rule
   * away (it sees this one and will). Losing deletes the run's own rule, then throws TrafficLocked.
   */
  private async settleLock(listener: ListenerInfo, own: RunRule): Promise<void> {
    const deadline = Date.now() + this.settleMs;
    for (;;) {
      const others = (await this.rules(listener)).filter((r) => r.runId !== undefined && r.runId !== own.runId);
      if (others.length === 0) return;
      const first = others.find((other) => asksFirst(other, own));
      if (first || Date.now() >= deadline) {
        const holder = first ?? others[0];
        await this.api.deleteRule(own.rule.ruleArn);
        throw new TrafficLockedError(listener.listenerArn, holder.runId ?? '', holder.rule.ruleArn);
      }
      await sleep(this.pollMs);
    }
  }

  private toTrafficRule(rule: ListenerRule, request: ShiftRequest): TrafficRule {
    const weights = forwardWeights(rule.actions);
    return {
      ruleArn: rule.ruleArn,
      weights: {
        production: weights.get(request.traffic.productionTargetGroupArn) ?? 0,
        baseline: weights.get(request.baselineTargetGroupArn) ?? 0,
        canary: weights.get(request.canaryTargetGroupArn) ?? 0,
      },
      conditions: conditionsOf(rule.conditions),
    };
  }

  /**
   * All rules of the listener with the run id (and lock stamp) each is tagged with. Listing reads the rules, then their
   * tags: a rule another run deletes in between (a later run backing off) fails the tags call, so the listing is
   * read again.
   */
  private async rules(listener: ListenerInfo): Promise<RunRule[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.api.listRules(listener)).map((rule) => ({
          rule,
          runId: tagValue(rule.tags, RUN_ID_TAG),
          requestedAt: tagValue(rule.tags, REQUESTED_AT_TAG),
        }));
      } catch (error) {
        if (attempt >= LIST_ATTEMPTS || !this.api.isRuleGone(error)) throw error;
      }
    }
  }

  /** TrafficLocked when another run's rule is on the listener (the one at `priority` named first). */
  private assertUnlocked(runId: string, listener: ListenerInfo, rules: RunRule[], priority?: number): void {
    const others = rules.filter((r) => r.runId !== undefined && r.runId !== runId);
    const other = others.find((r) => r.rule.priority === priority) ?? others[0];
    if (other) throw new TrafficLockedError(listener.listenerArn, other.runId ?? '', other.rule.ruleArn);
  }

  /** A missing target group, or one in another VPC than the load balancer, is a clear error naming `what`. */
  private async assertTargetGroup(arn: string, what: string, vpcId: string | undefined): Promise<void> {
    const group = await this.api.describeTargetGroup(arn);
    if (!group) throw runInputError(what, `target group ${arn} not found${this.api.where}`);
    if (vpcId && group.vpcId !== vpcId) {
      throw runInputError(
        what,
        `target group ${arn} is in ${group.vpcId}, but the listener's load balancer is in ${vpcId}`,
      );
    }
  }

  /** The match-all rule sends production's share to the production target group: the default must do the same. */
  private assertDefaultForwardsToProduction(listener: ListenerInfo, traffic: TrafficConfig): void {
    const targets = [...forwardWeights(listener.defaultActions).keys()];
    if (targets.length !== 1 || targets[0] !== traffic.productionTargetGroupArn) {
      const actual =
        targets.length > 0 ? `forwards to ${targets.join(', ')}` : `is ${listener.defaultActions[0]?.Type}`;
      throw runInputError(
        'traffic.conditions',
        `without conditions the rule replaces the listener's default action, which ${actual} instead of ` +
          `traffic.productionTargetGroupArn ${traffic.productionTargetGroupArn}; give conditions for the canary rule`,
      );
    }
  }
}
