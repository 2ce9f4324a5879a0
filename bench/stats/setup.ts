import type { HarnessSetup } from './harness';
import { buildPolicies, CORE_POLICIES } from './policies';
import { SCENARIOS, scenarioById } from './scenarios';
import { DEFAULT_SERVICE, PROFILES, profileById } from './world';

/** What to simulate, by id, so the main thread and the workers build the same setup from a small message. */
export interface SetupIds {
  profiles?: string[];
  scenarios?: string[];
  policies?: string[];
}

export function buildSetup(ids: SetupIds): HarnessSetup {
  const policies = buildPolicies();
  const wanted = ids.policies;
  for (const id of wanted ?? []) {
    if (!policies.some((p) => p.id === id)) {
      throw new RangeError(`unknown policy "${id}" (known: ${policies.map((p) => p.id).join(', ')})`);
    }
  }
  const profiles = ids.profiles ? ids.profiles.map(profileById) : PROFILES;
  const chosen = wanted ? policies.filter((p) => wanted.includes(p.id)) : policies;
  const core = chosen.filter((p) => CORE_POLICIES.includes(p.id));
  return {
    service: DEFAULT_SERVICE,
    profiles,
    scenarios: ids.scenarios ? ids.scenarios.map(scenarioById) : SCENARIOS,
    policies: chosen,
    policiesFor: (profile) => (profile.id === profiles[0].id || core.length === 0 ? chosen : core),
  };
}
