import type { RunLog } from '../run-model/run-log';
import type { Notifier, RunEvent } from './notifier';

/**
 * Tell every notifier; each decides for itself which kinds it sends (e.g. Slack's onJudgment). A notifier
 * that fails is logged and never fails the run.
 */
export async function announce(notifiers: readonly Notifier[], event: RunEvent, log: RunLog): Promise<void> {
  const results = await Promise.allSettled(notifiers.map((n) => n.notify(event)));
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      log.warn('notifier failed', {
        notifier: notifiers[i].constructor.name,
        kind: event.kind,
        error: r.reason instanceof Error ? r.reason.message : String(r.reason),
      });
    }
  });
}
