import { constants } from 'node:os';
import path from 'node:path';
import { headlineText, runHeadline } from '../../shared/reports/run-summary';
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
  /** The decision and why, in one sentence: what the terminal leads with. */
  summary: string;
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
    summary: leadLine(summary),
    reason: summary.reason ?? null,
    error: summary.error ?? null,
    steps: summary.steps,
    report: displayPath(summary.report, cwd) ?? null,
    transitions: summary.transitions,
    routerAfterRun: summary.routerAfterRun ?? null,
  };
}

/**
 * The decision first, and why in plain words: "ROLLED BACK: score 50 ≤ marginal 50 at step 1 of 4: latency-mean is
 * higher on the canary (median 24.4 ms → 34.5 ms, +41.3%)". A local run adds what the router counted for the canary.
 */
export function leadLine(summary: RunSummary): string {
  if (summary.status === 'ABORTED') return 'INTERRUPTED: the run was stopped; traffic is back on production';
  if (!summary.state) return `NOT STARTED: ${summary.cause ?? summary.error ?? 'the run was refused'}`;
  return headlineText(runHeadline(summary.state, { canaryServed: summary.canaryServed }));
}

export function verdictLines(summary: RunSummary, cwd = process.cwd()): string[] {
  const verdict = summary.verdict ? ` (judge: ${summary.verdict})` : '';
  const lines = [
    leadLine(summary),
    `score ${summary.score ?? '-'}/100${verdict}` + (summary.runId ? ` · run ${summary.runId}` : ''),
  ];
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
 * 0 promoted, 1 rolled back (judged, unhealthy canary, rejected, or rolled back after an error), 2 the run could not
 * judge the canary (dead baseline, metrics source down, no data) or could not finish cleanly, 3 bad input, 128 + the signal's number when interrupted.
 */
export function exitCodeFor(summary: RunSummary): number {
  if (summary.status === 'SUCCEEDED') return EXIT.promote;
  if (summary.status === 'ABORTED') return interruptedExitCode(summary.interruptedBy);
  if (summary.error === 'ValidationError') return EXIT.badInput;
  if (summary.verdict === 'inconclusive') return EXIT.runError;
  if (summary.error === RUN_ERRORS.rolledBack || summary.error === RUN_ERRORS.runFailed) return EXIT.rollback;
  return EXIT.runError;
}
