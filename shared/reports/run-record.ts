import { z } from 'zod';
import type { RunState } from '../run-model/run-state';
import { runHeadline, runIdentity } from './run-summary';

/**
 * One run as the list of runs shows it (`canary-judge runs`, the reports' index.html): who, what, when, the decision
 * and why in one sentence, the score, and where its report is. Notify writes it beside the report as
 * `<run-id>/run.json`; it is read back with this schema, so a hand-edited or older file is named, not trusted.
 */

export const RUN_RECORD_NAME = 'run.json';

export const runRecordSchema = z.object({
  runId: z.string().min(1),
  service: z.string(),
  baselineVersion: z.string(),
  canaryVersion: z.string(),
  target: z.enum(['aws', 'local']),
  dryRun: z.boolean(),
  /** ISO times; `finishedAt` is null while the run goes on. */
  startedAt: z.string().min(1),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  /** What every view leads with: PROMOTED, ROLLED BACK, COULD NOT JUDGE, ... (RunHeadline's label). */
  decision: z.string().min(1),
  /** Why, in one sentence. */
  summary: z.string(),
  verdict: z.string().nullable(),
  score: z.number().nullable(),
  /** The report's store key (`<run-id>/report.html`) and the link made when it was written. */
  reportKey: z.string().nullable(),
  reportUrl: z.string().nullable(),
});

export type RunRecord = z.output<typeof runRecordSchema>;

/** Whole seconds from one ISO time to another; null without an end. */
export const secondsBetween = (from: string, to: string | null): number | null =>
  to === null ? null : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** `decision` overrides the headline's label where the caller knows better (an execution that was aborted). */
export function runRecord(state: RunState, overrides: { decision?: string; finishedAt?: string } = {}): RunRecord {
  const h = runHeadline(state);
  const finishedAt = overrides.finishedAt ?? h.endedAt ?? null;
  return {
    ...runIdentity(state),
    startedAt: state.startedAt,
    finishedAt,
    durationSeconds: secondsBetween(state.startedAt, finishedAt),
    decision: overrides.decision ?? h.label,
    summary: h.summary,
    verdict: h.verdict ?? null,
    score: h.score ?? null,
    reportKey: state.outcome?.reportKey ?? null,
    reportUrl: state.outcome?.reportUrl ?? null,
  };
}

/** Newest first; runs that started at the same moment by id, so the order is stable. */
export function newestFirst(records: readonly RunRecord[]): RunRecord[] {
  return [...records].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.runId.localeCompare(b.runId));
}
