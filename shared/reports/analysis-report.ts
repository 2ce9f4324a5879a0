import type { AnalysisResult } from '../run-model/analysis-result';
import type { AnalyzeInput } from '../config/analyze-input';
import { escapeHtml as esc } from './escape';
import { formatDuration, formatScore, formatSpan, formatTime } from './format';
import { htmlPage } from './html-page';
import { earlierJudgments, metricsSection, scoreBar } from './html-report';
import type { StoredJudgment } from './stored-judgment';
import { metricInfo } from './metric-rows';
import { scoreBandColor, VERDICT_COLORS } from './svg/palette';

/**
 * The report of an analysis (a canary someone else deployed, judged after the fact): the run report's decision-first
 * header, score bar, metric table and per-metric plots, with the targets and the window in place of a run's steps.
 */

export interface AnalysisReportData {
  analysis: Omit<AnalysisResult, 'report'>;
  input: AnalyzeInput;
  judgments: StoredJudgment[];
  writtenAt: Date;
}

const percent = (level: number) => `${Math.round(level * 10000) / 100}%`;

function confidence(data: AnalysisReportData): string {
  const { errorControl, confidenceLevel } = data.input.analysis;
  if (errorControl.method === 'none') return `${percent(confidenceLevel)} at every interval`;
  const method = errorControl.method === 'alpha-spending' ? `${errorControl.spending} alpha spending` : 'Bonferroni';
  const used = data.analysis.intervals.map((j) => percent(j.confidenceLevel)).join(', ');
  return `${method}, ${percent(errorControl.runFalseRollbackRate)} false-rollback budget${used ? `; used ${used}` : ''}`;
}

function hero(data: AnalysisReportData): string {
  const a = data.analysis;
  const { marginal, pass } = data.input.thresholds;
  const color =
    VERDICT_COLORS[a.label === 'WOULD PROMOTE' ? 'pass' : a.label === 'WOULD ROLL BACK' ? 'fail' : 'inconclusive'];
  const score =
    a.score === null
      ? '<div class="score"><span class="value">–</span></div>'
      : `<div class="score"><span class="value" data-field="score">${formatScore(a.score)}</span><span class="of"> / 100</span>${scoreBar({ score: a.score, thresholds: data.input.thresholds })}</div>`;
  return `<header class="hero" style="--verdict:${color}">
<div class="badge" data-field="decision">${esc(a.label)}</div>
<div>
<h1>${esc(a.service)}: ${esc(a.baseline.label)} → ${esc(a.canary.label)}</h1>
<p class="summary" data-field="summary">${esc(a.summary)}</p>
<p class="status">Judge verdict <strong data-field="verdict">${esc(a.verdict)}</strong> · a run would roll back at a score ≤ ${marginal} and promote at ≥ ${pass} after the last interval; this analysis changed no traffic and no instances</p>
</div>
${score}
</header>`;
}

function facts(data: AnalysisReportData): string {
  const a = data.analysis;
  const items: [string, string][] = [
    ['Analysis id', `<span class="mono">${esc(a.analysisId)}</span>`],
    ['Service', esc(a.service)],
    ['Baseline', `<span class="mono" data-field="baseline">${esc(a.baseline.target)}</span>`],
    ['Canary', `<span class="mono" data-field="canary">${esc(a.canary.target)}</span>`],
    ['Window', `${esc(formatTime(a.from))} – ${esc(formatTime(a.to))}`],
    ['Intervals', `${a.intervalCount} × ${esc(formatDuration(a.intervalSeconds * 1000))}`],
    ['Metrics source', esc(a.source)],
    ['Confidence', esc(confidence(data))],
    ['Written', esc(formatTime(data.writtenAt.toISOString()))],
  ];
  return `<section><dl class="facts">${items.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl></section>`;
}

function intervals(data: AnalysisReportData): string {
  const rows = data.analysis.intervals
    .map(
      (j) => `<tr data-interval="${j.step}">
<td class="num">${j.step}</td>
<td class="mono">${esc(formatSpan(j.window.start, j.window.end))}</td>
<td class="num"><span class="pill" style="--c:${scoreBandColor(j.score, data.input.thresholds)}">${formatScore(j.score)}</span></td>
<td>${esc(j.verdict)}</td><td>${esc(j.action)}</td><td>${esc(j.reason)}</td></tr>`,
    )
    .join('\n');
  const table = rows
    ? `<div class="table-wrap"><table><thead><tr><th class="num">Interval</th><th>Judgment window (UTC)</th><th class="num">Score</th><th>Judge verdict</th><th>Action</th><th>Reason</th></tr></thead><tbody>
${rows}
</tbody></table></div>`
    : `<p class="muted">No interval could be judged: ${esc(data.analysis.reason)}</p>`;
  return `<section><h2>Intervals</h2>${table}</section>`;
}

export function renderAnalysisReport(data: AnalysisReportData): string {
  const a = data.analysis;
  const info = metricInfo(data.input.canaryConfig);
  const last = [...data.judgments].sort((x, y) => x.summary.step - y.summary.step).at(-1);
  return htmlPage(
    `canary-judge analysis · ${a.service} ${a.canary.label} · ${a.label.toLowerCase()}`,
    `${hero(data)}
${facts(data)}
${intervals(data)}
${last ? metricsSection(last, info, 'interval') : ''}
${last ? earlierJudgments(data.judgments, last, info, 'interval') : ''}
<footer>canary-judge analysis report · ${esc(a.analysisId)}</footer>`,
  );
}
