import { announce } from './announce';
import type { RunLog } from '../run-model/run-log';
import type { Notifier, RunEvent } from './notifier';

/** Several notifiers behind one: all are told at once, and one failing never stops or fails the others. */
export class MultiNotifier implements Notifier {
  constructor(
    private readonly notifiers: readonly Notifier[],
    private readonly log: RunLog,
  ) {}

  notify(event: RunEvent): Promise<void> {
    return announce(this.notifiers, event, this.log);
  }
}
