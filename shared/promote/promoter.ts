import type { RunState } from '../run-model/run-state';

/** Rolls a canary that passed out to production; returns what it did, for the run's outcome. */
export interface Promoter {
  promote(state: RunState): Promise<string>;
}
