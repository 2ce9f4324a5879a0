import { judgeRun, type Policy } from './judge-run';
import { simulateRunSeries } from './series';
import type { Scenario } from './scenarios';
import { addVerdict, emptyTally, mergeTallies, type Tally } from './tally';
import { histogramBoundsOf, type RunProfile, type ServiceModel } from './world';

export interface HarnessSetup {
  service: ServiceModel;
  profiles: RunProfile[];
  scenarios: Scenario[];
  /** Every policy of the run. */
  policies: Policy[];
  /** The policies judged on a profile (all of them on the headline profile, fewer elsewhere). */
  policiesFor(profile: RunProfile): Policy[];
}

/** One (profile, scenario, policy) cell's outcome counts. */
export interface Cell {
  profile: string;
  scenario: string;
  policy: string;
  tally: Tally;
}

export function cellKey(profile: string, scenario: string, policy: string): string {
  return `${profile}/${scenario}/${policy}`;
}

/**
 * Repetitions `from` (inclusive) to `to` (exclusive). Repetition r uses seed `seed + r` for every profile,
 * scenario and policy: each policy judges the very same series (common random numbers, so differences
 * between policies are not noise between samples), and the runs are the same however the range is split.
 */
export function runRepetitions(
  setup: HarnessSetup,
  seed: number,
  from: number,
  to: number,
  onRepetition: () => void = () => {},
): Cell[] {
  const cells = new Map<string, Cell>();
  for (const profile of setup.profiles) {
    for (const scenario of setup.scenarios) {
      for (const policy of setup.policiesFor(profile)) {
        cells.set(cellKey(profile.id, scenario.id, policy.id), {
          profile: profile.id,
          scenario: scenario.id,
          policy: policy.id,
          tally: emptyTally(profile.steps.length),
        });
      }
    }
  }
  for (let r = from; r < to; r++) {
    for (const profile of setup.profiles) {
      if (r % profile.everyNth !== 0) continue;
      for (const scenario of setup.scenarios) {
        const series = simulateRunSeries(seed + r, profile, setup.service, scenario.canary, {
          histogramBoundsSeconds: histogramBoundsOf(profile, setup.service),
        });
        for (const policy of setup.policiesFor(profile)) {
          const cell = cells.get(cellKey(profile.id, scenario.id, policy.id)) as Cell;
          addVerdict(cell.tally, judgeRun(series, profile, policy, setup.service));
        }
      }
    }
    onRepetition();
  }
  return [...cells.values()];
}

export function mergeCells(parts: Cell[][]): Cell[] {
  const merged = new Map<string, Cell>();
  for (const part of parts) {
    for (const cell of part) {
      const key = cellKey(cell.profile, cell.scenario, cell.policy);
      const seen = merged.get(key);
      merged.set(key, seen ? { ...seen, tally: mergeTallies(seen.tally, cell.tally) } : cell);
    }
  }
  return [...merged.values()];
}
