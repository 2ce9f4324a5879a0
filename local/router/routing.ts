import { matchesConditions, type RequestFacts } from './conditions';
import type { ElbState, RuleRecord, TargetGroupRecord, TargetRecord } from './elb-state';

/**
 * The data plane's decisions, without I/O: which rule a request matches, which target group of the
 * rule's weighted forward serves it (honouring target-group stickiness), and which target in that group.
 */

/** ALB's target-group stickiness cookie for weighted forwards. */
export const STICKY_COOKIE = 'AWSALBTG';

export function matchRule(state: ElbState, facts: RequestFacts): RuleRecord {
  return state.orderedRules().find((rule) => rule.priority === 'default' || matchesConditions(rule.conditions, facts))!;
}

export interface GroupChoice {
  group: TargetGroupRecord;
  /** Set-Cookie value to send when the rule's stickiness is on. */
  setCookie?: string;
}

/**
 * A sticky client keeps its target group while the cookie is valid and the group is still in the forward
 * with a weight above 0; everyone else gets the next pick of the smooth weighted round-robin.
 */
export function chooseTargetGroup(
  state: ElbState,
  rule: RuleRecord,
  cookieHeader: string | undefined,
  nowMs: number,
): GroupChoice {
  const stickiness = rule.action.stickiness;
  let arn: string | undefined;
  if (stickiness?.enabled) {
    const sticky = decodeSticky(readCookie(cookieHeader, STICKY_COOKIE));
    if (
      sticky &&
      sticky.expiresMs > nowMs &&
      rule.action.targetGroups.some((t) => t.targetGroupArn === sticky.arn && t.weight > 0)
    ) {
      arn = sticky.arn;
    }
  }
  arn ??= rule.action.targetGroups.length === 1 ? rule.action.targetGroups[0].targetGroupArn : rule.picker.pick();
  const group = state.targetGroup(arn);
  if (!stickiness?.enabled) return { group };
  const expiresMs = nowMs + stickiness.durationSeconds * 1000;
  return {
    group,
    setCookie: `${STICKY_COOKIE}=${encodeSticky(arn, expiresMs)}; Expires=${new Date(expiresMs).toUTCString()}; Path=/`,
  };
}

/**
 * Round-robin over the healthy targets. With none healthy, ALB fails open: it routes to the unhealthy
 * ones (which then usually answer 502). Targets still in `initial` or `draining` get no requests.
 */
export function pickTarget(group: TargetGroupRecord): TargetRecord | undefined {
  const targets = [...group.targets.values()];
  let candidates = targets.filter((t) => t.health.state === 'healthy');
  if (candidates.length === 0) candidates = targets.filter((t) => t.health.state === 'unhealthy');
  if (candidates.length === 0) return undefined;
  const target = candidates[group.roundRobin % candidates.length];
  group.roundRobin = (group.roundRobin + 1) % 1_000_000_000;
  return target;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const encodeSticky = (arn: string, expiresMs: number): string =>
  Buffer.from(JSON.stringify({ arn, expiresMs })).toString('base64url');

function decodeSticky(value: string | undefined): { arn: string; expiresMs: number } | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      arn?: unknown;
      expiresMs?: unknown;
    };
    return typeof parsed.arn === 'string' && typeof parsed.expiresMs === 'number'
      ? { arn: parsed.arn, expiresMs: parsed.expiresMs }
      : undefined;
  } catch {
    return undefined;
  }
}
