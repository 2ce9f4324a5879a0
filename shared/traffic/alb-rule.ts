import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RuleConditions, TrafficConfig } from '../config/run-config';
import { ValidationError } from '../config/validation';
import type { Weights } from './traffic';

/** ALB's limits for a weighted forward rule, checked before anything is sent. */
export const ALB_MAX_WEIGHT = 999;
export const ALB_MAX_VALUES_PER_CONDITION = 3;
export const ALB_MAX_VALUES_PER_RULE = 5;
export const ALB_MAX_PRIORITY = 50_000;

/** A rule without conditions matches every request, as the listener's default action does. */
export const MATCH_ALL: RuleCondition[] = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['*'] } }];

export function hasConditions(conditions: RuleConditions | undefined): boolean {
  return Boolean(conditions && Object.values(conditions).some((v) => v !== undefined));
}

export function ruleConditions(conditions: RuleConditions | undefined): RuleCondition[] {
  if (!conditions || !hasConditions(conditions)) return MATCH_ALL;
  const issues: { path: string; message: string }[] = [];
  let total = 0;
  const count = (field: string, values: string[]) => {
    total += values.length;
    if (values.length > ALB_MAX_VALUES_PER_CONDITION) {
      issues.push({
        path: `traffic.conditions.${field}`,
        message: `an ALB condition takes at most ${ALB_MAX_VALUES_PER_CONDITION} values, got ${values.length}`,
      });
    }
  };
  const out: RuleCondition[] = [];
  if (conditions.hostHeader) {
    count('hostHeader', conditions.hostHeader);
    out.push({ Field: 'host-header', HostHeaderConfig: { Values: conditions.hostHeader } });
  }
  if (conditions.pathPattern) {
    count('pathPattern', conditions.pathPattern);
    out.push({ Field: 'path-pattern', PathPatternConfig: { Values: conditions.pathPattern } });
  }
  if (conditions.httpRequestMethod) {
    count('httpRequestMethod', conditions.httpRequestMethod);
    out.push({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: conditions.httpRequestMethod } });
  }
  if (conditions.httpHeader) {
    count('httpHeader.values', conditions.httpHeader.values);
    out.push({
      Field: 'http-header',
      HttpHeaderConfig: { HttpHeaderName: conditions.httpHeader.name, Values: conditions.httpHeader.values },
    });
  }
  if (total > ALB_MAX_VALUES_PER_RULE) {
    issues.push({
      path: 'traffic.conditions',
      message: `an ALB rule takes at most ${ALB_MAX_VALUES_PER_RULE} condition values in all, got ${total}`,
    });
  }
  if (issues.length > 0) throw new ValidationError('run input', issues);
  return out;
}

/** The rule's conditions read back into the run config's shape; undefined for the match-all rule. */
export function conditionsOf(conditions: RuleCondition[] | undefined): RuleConditions | undefined {
  const out: RuleConditions = {};
  for (const c of conditions ?? []) {
    if (c.Field === 'host-header') out.hostHeader = c.HostHeaderConfig?.Values ?? c.Values;
    if (c.Field === 'path-pattern') out.pathPattern = c.PathPatternConfig?.Values ?? c.Values;
    if (c.Field === 'http-request-method') out.httpRequestMethod = c.HttpRequestMethodConfig?.Values;
    if (c.Field === 'http-header' && c.HttpHeaderConfig?.HttpHeaderName) {
      out.httpHeader = { name: c.HttpHeaderConfig.HttpHeaderName, values: c.HttpHeaderConfig.Values ?? [] };
    }
  }
  const matchAll = Object.keys(out).length === 1 && out.pathPattern?.length === 1 && out.pathPattern[0] === '*';
  return Object.keys(out).length === 0 || matchAll ? undefined : out;
}

export interface ForwardTargets {
  productionTargetGroupArn: string;
  baselineTargetGroupArn: string;
  canaryTargetGroupArn: string;
}

/**
 * The weighted forward action; refuses weights ALB would reject or that would judge unfairly. It always
 * names three target groups, within ALB's limit of five per forward action.
 */
export function forwardAction(targets: ForwardTargets, weights: Weights, traffic: TrafficConfig): Action[] {
  const issues: { path: string; message: string }[] = [];
  for (const key of ['production', 'baseline', 'canary'] as const) {
    const w = weights[key];
    if (!Number.isInteger(w) || w < 0 || w > ALB_MAX_WEIGHT) {
      issues.push({
        path: `weights.${key}`,
        message: `an ALB weight is an integer from 0 to ${ALB_MAX_WEIGHT}, got ${w}`,
      });
    }
  }
  if (weights.baseline !== weights.canary) {
    issues.push({
      path: 'weights.canary',
      message: `baseline and canary must get the same weight (got ${weights.baseline} and ${weights.canary})`,
    });
  }
  if (weights.production + weights.baseline + weights.canary === 0) {
    issues.push({ path: 'weights', message: 'at least one weight must be above 0' });
  }
  const arns = [targets.productionTargetGroupArn, targets.baselineTargetGroupArn, targets.canaryTargetGroupArn];
  if (new Set(arns).size !== arns.length) {
    issues.push({
      path: 'targetGroups',
      message: 'production, baseline and canary need three different target groups',
    });
  }
  if (issues.length > 0) throw new ValidationError('traffic shift', issues);
  const stickiness = traffic.stickiness;
  return [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: targets.productionTargetGroupArn, Weight: weights.production },
          { TargetGroupArn: targets.baselineTargetGroupArn, Weight: weights.baseline },
          { TargetGroupArn: targets.canaryTargetGroupArn, Weight: weights.canary },
        ],
        TargetGroupStickinessConfig: stickiness?.enabled
          ? { Enabled: true, DurationSeconds: stickiness.durationSeconds }
          : { Enabled: false },
      },
    },
  ];
}

/** Target group ARN -> weight of a rule's forward action (a plain forward counts as weight 1). */
export function forwardWeights(actions: Action[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const forward = actions?.find((a) => a.Type === 'forward');
  if (!forward) return out;
  if (forward.ForwardConfig?.TargetGroups?.length) {
    for (const tg of forward.ForwardConfig.TargetGroups) {
      if (tg.TargetGroupArn) out.set(tg.TargetGroupArn, tg.Weight ?? 1);
    }
  } else if (forward.TargetGroupArn) {
    out.set(forward.TargetGroupArn, 1);
  }
  return out;
}

/**
 * The priority for the run's rule when the config names none. A rule with conditions takes the lowest
 * free priority. The match-all rule stands in for the default action, so it must be evaluated after every
 * other rule: it takes the lowest free priority above all existing ones (otherwise it would swallow
 * requests other rules route elsewhere).
 */
export function choosePriority(used: number[], matchAll: boolean): number {
  const taken = new Set(used);
  const start = matchAll && used.length > 0 ? Math.max(...used) + 1 : 1;
  for (let p = start; p <= ALB_MAX_PRIORITY; p++) {
    if (!taken.has(p)) return p;
  }
  throw new ValidationError('run input', [
    {
      path: 'traffic.rulePriority',
      message: matchAll
        ? `no free priority after the listener's last rule (${Math.max(...used)}); give traffic.rulePriority`
        : 'the listener has no free rule priority',
    },
  ]);
}
