import { createHash } from 'node:crypto';

/**
 * Deterministic Step Functions execution names: the same (service, canary version, delivery id) always
 * gives the same name, so a retried webhook hits Step Functions' own name idempotency instead of
 * starting a second run. Names are 1-80 characters; we keep to letters, digits, '.', '-' and '_'
 * (a safe subset of what Step Functions and CloudWatch Logs accept).
 */

export const MAX_EXECUTION_NAME = 80;
const HASH_LENGTH = 8;

export function executionName(service: string, canaryVersion: string, deliveryId: string): string {
  // '_' separates the parts and appears in none but the last, so different parts never give one name.
  const clean = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '-');
  const name = `${clean(service)}_${clean(canaryVersion)}_${deliveryId.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
  if (name.length <= MAX_EXECUTION_NAME) return name;
  // Too long: keep a readable prefix and make it unique again with a hash of the untruncated parts.
  const hash = createHash('sha256')
    .update(`${service}\0${canaryVersion}\0${deliveryId}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  return `${name.slice(0, MAX_EXECUTION_NAME - HASH_LENGTH - 1)}-${hash}`;
}

/** A run id in the API path: an execution name. */
export function isExecutionName(id: string): boolean {
  return /^[A-Za-z0-9._-]{1,80}$/.test(id);
}

/** `arn:...:stateMachine:<sm>` → `arn:...:execution:<sm>:<name>`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const marker = ':stateMachine:';
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${name}`;
}
