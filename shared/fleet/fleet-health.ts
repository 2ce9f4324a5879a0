import type { VersionHealth } from './fleet';

/**
 * A version's health from what was observed of each of its instances, the same rule for every fleet:
 * healthy when every instance's target is healthy; unhealthy only when it cannot recover (an instance is
 * dead); pending otherwise, since a target failing checks while its service boots is not final (the
 * workflow's deadline decides).
 */

export type InstanceObservation =
  | { id: string; kind: 'healthy' }
  /** Will never serve: terminated, exited. */
  | { id: string; kind: 'dead'; note: string }
  /** Ready to be registered now (running or listening, but not a target yet). */
  | { id: string; kind: 'unregistered'; note: string }
  /** Anything else: starting, registered but not healthy yet, unused. */
  | { id: string; kind: 'pending'; note: string };

export interface FleetHealth {
  health: VersionHealth;
  /** Instances to register now; none while an instance is dead (the version is rolled back anyway). */
  register: string[];
}

export const NO_INSTANCES: VersionHealth = { status: 'unhealthy', detail: 'no instances were launched' };

export function targetGroupGone(targetGroupArn: string): VersionHealth {
  return { status: 'unhealthy', detail: `target group ${targetGroupArn} no longer exists` };
}

export function fleetHealth(observations: InstanceObservation[]): FleetHealth {
  const total = observations.length;
  if (total === 0) return { health: NO_INSTANCES, register: [] };
  const healthy = observations.filter((o) => o.kind === 'healthy').length;
  if (healthy === total) return { health: { status: 'healthy', detail: `${total}/${total} healthy` }, register: [] };
  const dead = observations.some((o) => o.kind === 'dead');
  const notes = observations.flatMap((o) => (o.kind === 'healthy' ? [] : [`${o.id}: ${o.note}`]));
  return {
    health: { status: dead ? 'unhealthy' : 'pending', detail: `${healthy}/${total} healthy; ${notes.join('; ')}` },
    register: dead ? [] : observations.filter((o) => o.kind === 'unregistered').map((o) => o.id),
  };
}
