import { createHash, randomBytes } from 'node:crypto';
import type { ResourceType } from '../../shared/router-api/views';

/**
 * ARN-like ids in ELBv2's shapes, so adapters and reports handle local and AWS resources the same way:
 * arn:aws:elasticloadbalancing:local:000000000000:targetgroup/<name>/<16 hex>.
 */

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';
const PREFIX = `arn:aws:elasticloadbalancing:${LOCAL_REGION}:${LOCAL_ACCOUNT}:`;

/** A fresh id, like the 16 hex digits ELBv2 puts at the end of an ARN. */
export function newId(): string {
  return randomBytes(8).toString('hex');
}

/** An id derived from text: objects the router creates at start keep their ARNs across restarts. */
export function stableId(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export const loadBalancerArn = (name: string, id: string): string => `${PREFIX}loadbalancer/app/${name}/${id}`;
export const listenerArn = (lbName: string, lbId: string, id: string): string =>
  `${PREFIX}listener/app/${lbName}/${lbId}/${id}`;
export const ruleArn = (lbName: string, lbId: string, listenerId: string, id: string): string =>
  `${PREFIX}listener-rule/app/${lbName}/${lbId}/${listenerId}/${id}`;
export const targetGroupArn = (name: string, id: string): string => `${PREFIX}targetgroup/${name}/${id}`;

/** The resource part after the account: "targetgroup/name/id", "loadbalancer/app/name/id", ... */
export function resourcePart(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 6 ? parts.slice(5).join(':') : arn;
}

export function resourceTypeOf(arn: string): ResourceType | undefined {
  const type = resourcePart(arn).split('/')[0];
  return type === 'loadbalancer' || type === 'listener' || type === 'listener-rule' || type === 'targetgroup'
    ? type
    : undefined;
}

/**
 * CloudWatch's dimension value for an ELBv2 ARN: `targetgroup/name/id` for a target group and
 * `app/name/id` for a load balancer (the ARN's resource part without "loadbalancer/").
 */
export function cloudWatchDimensionValue(arn: string): string {
  const part = resourcePart(arn);
  return part.startsWith('loadbalancer/') ? part.slice('loadbalancer/'.length) : part;
}
