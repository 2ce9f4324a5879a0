import { formatDuration, formatScore, formatTime } from '../shared/reports/format';
import type { RunRecord } from '../shared/reports/run-record';
import { alignColumns } from './text-table';

/** The list of runs as text: one row of short columns per run, then why and where its report is, indented. */

/** A run with the link to open its report now (a path locally, a pre-signed URL on AWS). */
export type ListedRun = RunRecord & { report: string | null };

export function runsTable(runs: readonly ListedRun[]): string {
  if (runs.length === 0) return 'no runs';
  const header = ['RUN', 'SERVICE', 'BASELINE → CANARY', 'STARTED (UTC)', 'DURATION', 'DECISION', 'SCORE'];
  const rows = runs.map((r) => [
    r.runId,
    r.service,
    `${r.baselineVersion} → ${r.canaryVersion}${r.dryRun ? ' (dry run)' : ''}`,
    formatTime(r.startedAt).replace(' UTC', ''),
    r.durationSeconds === null ? '-' : formatDuration(r.durationSeconds * 1000),
    r.decision,
    r.score === null ? '-' : formatScore(r.score),
  ]);
  const [headerLine, ...lines] = alignColumns([header, ...rows]);
  const blocks = runs.map((r, i) =>
    [lines[i], ...(r.summary ? [`  why: ${r.summary}`] : []), ...(r.report ? [`  report: ${r.report}`] : [])].join(
      '\n',
    ),
  );
  return [headerLine, ...blocks].join('\n');
}
