import type { Notifier, RunEvent } from '../notify/notifier';

/** Where the workflow's domain reports what it could not do but must not fail the run for. */
export interface RunLog {
  warn(message: string, details?: Record<string, unknown>): void;
}

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
