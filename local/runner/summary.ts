import { constants } from 'node:os';
import path from 'node:path';
import { RUN_ERRORS } from '../../state-machines/definition';
import type { RunSummary } from './run-workflow';
import type { RouterAfterRun } from './stand-ins';

/** How a finished run is reported on the command line: the final JSON object, the verdict lines, the exit code. */

export const EXIT = { promote: 0, rollback: 1, runError: 2, badInput: 3, interrupted: 130 } as const;

/** A local report path relative to the working directory when it is below it (shorter, copy-pastable). */
export function displayPath(location: string | undefined, cwd = process.cwd()): string | undefined {
  if (!location || !path.isAbsolute(location)) return location;
  const relative = path.relative(cwd, location);
  return relative.startsWith('..') ? location : relative;
}

export interface RunResultJson {
  runId: string | null;
  status: RunSummary['status'];
  verdict: string | null;
  score: number | null;
  decision: RunSummary['decision'];
  reason: string | null;
  error: string | null;
  steps: RunSummary['steps'];
  report: string | null;
  transitions: number;
  /** Local runs: whether the run left the router with production only (null on AWS). */
  routerAfterRun: RouterAfterRun | null;
}

export function runResultJson(summary: RunSummary, cwd = process.cwd()): RunResultJson {
  return {
    runId: summary.runId ?? null,
    status: summary.status,
    verdict: summary.verdict ?? null,
    score: summary.score ?? null,
    decision: summary.decision,
    reason: summary.reason ?? null,
    error: summary.error ?? null,
    steps: summary.steps,
    report: displayPath(summary.report, cwd) ?? null,
    transitions: summary.transitions,
    routerAfterRun: summary.routerAfterRun ?? null,
  };
}

export function verdictLines(summary: RunSummary, cwd = process.cwd()): string[] {
  const lines = [
    `verdict ${(summary.verdict ?? 'none').toUpperCase()} · score ${summary.score ?? '-'} · decision ${summary.decision.toUpperCase()}` +
      (summary.runId ? ` · run ${summary.runId}` : ''),
  ];
  if (summary.reason) lines.push(`reason: ${summary.reason}`);
  if (summary.error && summary.error !== RUN_ERRORS.rolledBack && summary.status !== 'SUCCEEDED') {
    lines.push(`execution failed: ${summary.error}`);
  }
  const report = displayPath(summary.report, cwd);
  if (report) lines.push(`report: ${report}`);
  return lines;
}

/** 128 + the signal's number, as a shell reports a process ended by it: SIGINT 130, SIGTERM 143, SIGHUP 129. */
export function interruptedExitCode(signal: string | undefined): number {
  const number = signal ? constants.signals[signal as NodeJS.Signals] : undefined;
  return number ? 128 + number : EXIT.interrupted;
}

/**
 * 0 promoted, 1 rolled back (judged, unhealthy, rejected, or rolled back after an error), 2 the run could not
 * finish cleanly, 3 bad input, 128 + the signal's number when interrupted.
 */
export function exitCodeFor(summary: RunSummary): number {
  if (summary.status === 'SUCCEEDED') return EXIT.promote;
  if (summary.status === 'ABORTED') return interruptedExitCode(summary.interruptedBy);
  if (summary.error === 'ValidationError') return EXIT.badInput;
  if (summary.error === RUN_ERRORS.rolledBack || summary.error === RUN_ERRORS.runFailed) return EXIT.rollback;
  return EXIT.runError;
}
