import { ROLE_TAG, RUN_ID_TAG, SERVICE_TAG } from '../run-model/resource-tags';
import type { Role } from '../run-model/run-state';

export interface Tag {
  Key: string;
  Value: string;
}

/** The tags every resource a run creates carries (teardown finds them by the run id). */
export function runTags(runId: string, extra: { service?: string; role?: Role } = {}): Tag[] {
  const tags: Tag[] = [{ Key: RUN_ID_TAG, Value: runId }];
  if (extra.service) tags.push({ Key: SERVICE_TAG, Value: extra.service });
  if (extra.role) tags.push({ Key: ROLE_TAG, Value: extra.role });
  return tags;
}

export function tagValue(tags: { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
