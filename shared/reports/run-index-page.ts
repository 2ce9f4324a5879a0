import { escapeHtml as esc } from './escape';
import { formatDuration, formatScore, formatTime } from './format';
import { htmlPage } from './html-page';
import { newestFirst, type RunRecord } from './run-record';
import type { DecisionLabel } from './run-summary';
import { DECISION_COLORS } from './svg/palette';

/**
 * The runs' index: one self-contained page (inline CSS, no scripts, nothing loaded from elsewhere) beside the run
 * folders, listing every run newest first with a link to its report, so a reports folder or bucket can be browsed
 * without a server.
 */

export interface RunIndexData {
  records: readonly RunRecord[];
  /** Each run's report link as the page should use it (see ReportStore.rootLink); none: not linked. */
  reportLinks: ReadonlyMap<string, string>;
  writtenAt: Date;
}

const NEUTRAL = '#4b5563';

const INDEX_CSS = `
main{max-width:1280px}
.runs td{white-space:nowrap}
.runs td.why{white-space:normal;min-width:320px}
.runs a{color:#1d4ed8}
`;

function decisionColor(decision: string): string {
  return DECISION_COLORS[decision as DecisionLabel] ?? NEUTRAL;
}

function row(record: RunRecord, link: string | undefined): string {
  const id = esc(record.runId);
  const run = link ? `<a href="${esc(link)}" data-field="report">${id}</a>` : id;
  const duration = record.durationSeconds === null ? '–' : formatDuration(record.durationSeconds * 1000);
  const score = record.score === null ? '–' : formatScore(record.score);
  const dryRun = record.dryRun ? ' <span class="tag">dry run</span>' : '';
  return `<tr data-run="${id}">
<td class="mono">${run}</td>
<td>${esc(record.service)}</td>
<td>${esc(record.baselineVersion)} → ${esc(record.canaryVersion)}</td>
<td class="mono">${esc(formatTime(record.startedAt).replace(' UTC', ''))}</td>
<td class="num">${duration}</td>
<td><span class="pill" style="--c:${decisionColor(record.decision)}" data-field="decision">${esc(record.decision)}</span>${dryRun}</td>
<td class="num" data-field="score">${score}</td>
<td class="why">${esc(record.summary)}</td>
</tr>`;
}

export function renderRunIndex(data: RunIndexData): string {
  const records = newestFirst(data.records);
  const rows = records.map((r) => row(r, data.reportLinks.get(r.runId))).join('\n');
  const count = `${records.length} run${records.length === 1 ? '' : 's'}, newest first`;
  const table =
    records.length === 0
      ? '<p class="muted">No runs yet.</p>'
      : `<div class="table-wrap"><table class="runs">
<thead><tr><th>Run (report)</th><th>Service</th><th>Baseline → canary</th><th>Started (UTC)</th><th class="num">Duration</th><th>Decision</th><th class="num">Score</th><th>Why</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
  const main = `<section>
<h1>Canary runs</h1>
<p class="muted">${count} · written ${esc(formatTime(data.writtenAt.toISOString()))}</p>
${table}
</section>
<footer>canary-judge runs index</footer>`;
  return htmlPage('canary-judge · runs', main, INDEX_CSS);
}
