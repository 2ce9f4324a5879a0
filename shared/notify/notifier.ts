import type { RunState } from '../run-model/run-state';

/** Port: tell people and other systems what a run is doing. Never fails the run. */

/** `approval`: the run waits for a person before promoting (input.approval = 'before-promote'). */
export type RunEventKind = 'started' | 'judgment' | 'approval' | 'finished';

export interface RunEvent {
  kind: RunEventKind;
  state: RunState;
  /** Links for the message: console execution, report, the index of all runs. */
  links: { execution?: string; report?: string; index?: string };
}

export interface Notifier {
  notify(event: RunEvent): Promise<void>;
}
