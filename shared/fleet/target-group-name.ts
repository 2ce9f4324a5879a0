import { createHash } from 'node:crypto';
import type { Role } from '../run-model/run-state';

/**
 * The target group name is derived from the run id, so a retried provision finds the group it created and
 * teardown finds it even when the run state never recorded its ARN (names are at most 32 characters).
 * Shared by the EC2 and the local fleet; kept free of the AWS SDK so local runs do not load it.
 */
export function targetGroupName(runId: string, role: Role): string {
  return `cj-${createHash('sha256').update(runId).digest('hex').slice(0, 12)}-${role}`;
}
