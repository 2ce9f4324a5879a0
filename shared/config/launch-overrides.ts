import type { RunInput } from './run-config';
import { ValidationError } from './validation';

/**
 * What a run input may change about the instances it launches, beyond choosing the launch template version.
 * A deployment decides which of these its run API (and Validate) accept: IAM can restrict which AMIs,
 * subnets and security groups RunInstances uses, but not what user data (a boot script run as root) says.
 */

export const LAUNCH_OVERRIDES = ['imageId', 'instanceType', 'userData', 'subnetIds', 'securityGroupIds'] as const;
export type LaunchOverride = (typeof LAUNCH_OVERRIDES)[number];

/** What a deployment accepts unless it says otherwise: placement and size; never a raw AMI or boot script. */
export const DEFAULT_LAUNCH_OVERRIDES: readonly LaunchOverride[] = ['instanceType', 'subnetIds', 'securityGroupIds'];

/** The functions' environment variable: a comma-separated list, or `none`. Unset: no restriction (a local CLI). */
export const LAUNCH_OVERRIDES_ENV = 'ALLOWED_LAUNCH_OVERRIDES';

export function formatLaunchOverrides(allowed: readonly LaunchOverride[]): string {
  return allowed.length === 0 ? 'none' : allowed.join(',');
}

/** Checks a deployment's list (`source` names where it came from in the error). */
export function parseLaunchOverrides(names: readonly string[], source: string): LaunchOverride[] {
  const unknown = names.filter((n) => !(LAUNCH_OVERRIDES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`${source} names ${unknown.join(', ')}; known: ${LAUNCH_OVERRIDES.join(', ')}`);
  }
  return names as LaunchOverride[];
}

export function launchOverridesFromEnv(env: NodeJS.ProcessEnv): LaunchOverride[] | undefined {
  const raw = env[LAUNCH_OVERRIDES_ENV];
  if (raw === undefined) return undefined;
  return parseLaunchOverrides(raw === 'none' ? [] : raw.split(',').map((s) => s.trim()), LAUNCH_OVERRIDES_ENV);
}

/** The fields of the input's AWS launch specs this deployment does not accept, each with why (empty: none). */
export function refusedLaunchOverrides(
  input: RunInput,
  allowed: readonly LaunchOverride[] | undefined,
): { path: string; message: string }[] {
  if (!allowed) return [];
  const refused: { path: string; message: string }[] = [];
  for (const role of ['baseline', 'canary'] as const) {
    const spec = input[role].aws;
    if (!spec) continue;
    for (const field of LAUNCH_OVERRIDES) {
      if (spec[field] !== undefined && !allowed.includes(field)) {
        refused.push({
          path: `${role}.aws.${field}`,
          message: `not allowed by this deployment (it accepts: ${formatLaunchOverrides(allowed)}); put it in the launch template version instead`,
        });
      }
    }
  }
  return refused;
}

/** Validate's check: a ValidationError naming every refused field, changing nothing. */
export function assertLaunchOverridesAllowed(input: RunInput, allowed: readonly LaunchOverride[] | undefined): void {
  const refused = refusedLaunchOverrides(input, allowed);
  if (refused.length > 0) throw new ValidationError('run input', refused);
}
