import { interruptedExitCode } from './summary';

/** How a process running canary runs (canary-judge run, the demo) reacts to being told to stop. */

/** Ctrl-C, a CI runner's cancel or `timeout` (SIGTERM), a closed terminal (SIGHUP): each ends a run cleanly. */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** After a second signal, how long teardown may still take before the process exits anyway. */
export const FORCED_EXIT_AFTER_MS = 10_000;

/**
 * The first interrupting signal aborts the run with the signal's name as the abort reason: the runner
 * restores production traffic, tears down and reports, and the exit code says which signal (128 + its
 * number). A second signal bounds what is left: the process exits after FORCED_EXIT_AFTER_MS, teardown
 * finished or not; a third exits at once.
 */
export function handleInterrupts(out: NodeJS.WritableStream): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let first: NodeJS.Signals | undefined;
  let forced: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!first) {
      first = signal;
      out.write(
        `interrupted by ${signal}: restoring production traffic, tearing down and reporting ` +
          `(a second signal exits after at most ${FORCED_EXIT_AFTER_MS / 1000} s)\n`,
      );
      controller.abort(signal);
    } else if (!forced) {
      out.write(
        `${signal} again: exiting in at most ${FORCED_EXIT_AFTER_MS / 1000} s whether or not teardown has finished; ` +
          `what is left carries the tag canary-judge:run-id\n`,
      );
      forced = setTimeout(() => process.exit(interruptedExitCode(first)), FORCED_EXIT_AFTER_MS);
      forced.unref();
    } else {
      process.exit(interruptedExitCode(first));
    }
  };
  for (const name of INTERRUPTS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of INTERRUPTS) process.off(name, onSignal);
      clearTimeout(forced);
    },
  };
}
