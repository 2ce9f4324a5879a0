import type { JudgeResult } from '../judge/types';
import type { MetricSeries } from '../metrics/metric-source';
import type { JudgmentSummary, OutcomeVerdict, RunState } from '../run/run-state';
import { escapeHtml as esc } from './escape';
import { formatDuration, formatScore, formatTime } from './format';
import { metricCard, metricTable } from './report-metrics';
import { REPORT_CSS } from './report-style';
import { runHeadline, type RunHeadline } from './run-summary';
import { el, px, svgRoot, text } from './svg/elements';
import { VERDICT_COLORS } from './svg/palette';
import { linearScale } from './svg/scales';
import { renderTimelineChart, type TimelineStep } from './svg/timeline-chart';

/**
 * The run report: one self-contained HTML page (inline CSS and SVG, no scripts, no external resources) that a
 * person opens from S3 or the local reports folder to see why a canary was promoted or rolled back.
 */

/** What the workflow writes per judgment to the report store as `judgments/step-<n>.json`. */
export interface StoredJudgment {
  summary: JudgmentSummary;
  result: JudgeResult;
  series: MetricSeries[];
}

export interface RunReportData {
  state: RunState;
  judgments: StoredJudgment[];
}

/** The report-store name of a judgment's stored JSON. */
export function judgmentReportName(step: number): string {
  return `judgments/step-${step}.json`;
}

const NO_VERDICT_COLOR = '#4b5563';

function verdictColor(verdict: OutcomeVerdict | undefined): string {
  return verdict ? VERDICT_COLORS[verdict] : NO_VERDICT_COLOR;
}

/** A bar from 0 to 100 with the fail/marginal/pass zones and the score's marker. */
function scoreBar(headline: RunHeadline): string {
  const width = 240;
  const height = 34;
  const x = linearScale([0, 100], [7, width - 7]);
  const { marginal, pass } = headline.thresholds;
  const zone = (from: number, to: number, fill: string) =>
    el('rect', { x: x(from), y: 6, width: x(to) - x(from), height: 10, fill });
  const marker =
    headline.score === undefined
      ? ''
      : el('path', {
          d: `M${px(x(headline.score))} 2l5 9l-5 9l-5 -9Z`,
          fill: verdictColor(headline.verdict),
          stroke: '#fff',
          'stroke-width': 1.5,
        });
  const labels = [0, marginal, pass, 100]
    .map((t, i) =>
      text(x(t), 31, String(t), {
        'text-anchor': i === 0 ? 'start' : i === 3 ? 'end' : 'middle',
        fill: '#6b7280',
        'font-size': 10,
      }),
    )
    .join('');
  return svgRoot(
    width,
    height,
    `score ${headline.score ?? 'none'} of 100; marginal ${marginal}, pass ${pass}`,
    { 'data-plot': 'score', 'data-score': headline.score === undefined ? undefined : String(headline.score) },
    zone(0, marginal, '#fecaca') + zone(marginal, pass, '#fde68a') + zone(pass, 100, '#bbf7d0') + marker + labels,
  );
}

function hero(state: RunState, headline: RunHeadline): string {
  const verdictText = headline.verdict ? headline.verdict.toUpperCase() : 'NO VERDICT';
  const reason = headline.reason ? `<p class="reason">${esc(headline.reason)}</p>` : '';
  const score =
    headline.score === undefined
      ? '<div class="score"><span class="value">–</span></div>'
      : `<div class="score"><span class="value" data-field="score">${formatScore(headline.score)}</span><span class="of"> / 100</span>${scoreBar(headline)}</div>`;
  return `<header class="hero" style="--verdict:${verdictColor(headline.verdict)}">
<div class="badge" data-field="verdict">${verdictText}</div>
<div>
<h1>${esc(state.input.service)}: ${esc(state.input.baseline.version)} → ${esc(state.input.canary.version)}</h1>
<p class="status">Decision: <strong data-field="status">${esc(headline.status)}</strong> · marginal ≤ ${headline.thresholds.marginal}, pass ≥ ${headline.thresholds.pass}</p>
${reason}
</div>
${score}
</header>`;
}

function facts(state: RunState, headline: RunHeadline): string {
  const duration = headline.endedAt
    ? formatDuration(Date.parse(headline.endedAt) - Date.parse(headline.startedAt))
    : '–';
  const items: [string, string][] = [
    ['Run id', `<span class="mono">${esc(state.runId)}</span>`],
    ['Service', esc(state.input.service)],
    ['Baseline version', esc(state.input.baseline.version)],
    ['Canary version', esc(state.input.canary.version)],
    ['Started', esc(formatTime(headline.startedAt))],
    [
      'Ended',
      headline.endedAt ? esc(formatTime(headline.endedAt)) : headline.status === 'in progress' ? 'still running' : '–',
    ],
    ['Duration', duration],
    ['Target', esc(state.input.target) + (state.input.dryRun ? ' (dry run)' : '')],
    ['Metrics source', esc(state.input.metricsSource.type)],
    ['Confidence', confidenceFact(state)],
  ];
  return `<section><dl class="facts">${items.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl></section>`;
}

/** How each judgment's confidence level was chosen: the run's error control, or one fixed level. */
function confidenceFact(state: RunState): string {
  const { errorControl, confidenceLevel } = state.input.analysis;
  const percent = (level: number) => `${Math.round(level * 10000) / 100}%`;
  if (errorControl.method === 'none') return `${percent(confidenceLevel)} at every judgment`;
  const method = errorControl.method === 'alpha-spending' ? `${errorControl.spending} alpha spending` : 'Bonferroni';
  const used = state.judgments.map((j) => percent(j.confidenceLevel)).join(', ');
  return esc(
    `${method}, ${percent(errorControl.runFalseRollbackRate)} false-rollback budget${used ? `; used ${used}` : ''}`,
  );
}

/** "14:03:05" of an ISO time; the date is in the facts above. */
function clock(iso: string): string {
  return formatTime(iso).slice(11, 19);
}

function timelineSteps(state: RunState): TimelineStep[] {
  const planned = state.input.steps.map((s, i) => ({ ...s, step: i + 1 }));
  return planned.map((s) => {
    const judgments = state.judgments.filter((j) => j.step === s.step);
    const currentIndex = state.step?.index ?? -1;
    return {
      weight: s.weight,
      durationSeconds: s.durationSeconds,
      reached: judgments.length > 0 || s.step - 1 <= currentIndex,
      judgments: judgments.map((j) => ({ score: j.score, verdict: j.verdict, action: j.action })),
    };
  });
}

function timeline(state: RunState): string {
  const rows = [...state.judgments]
    .sort((a, b) => a.step - b.step)
    .map(
      (j) => `<tr data-step="${j.step}">
<td class="num">${j.step}</td><td class="num">${j.weight}%</td>
<td class="mono">${esc(clock(j.window.start))} – ${esc(clock(j.window.end))}</td>
<td class="num">${formatScore(j.score)}</td>
<td><span class="pill" style="--c:${verdictColor(j.verdict)}">${esc(j.verdict)}</span></td>
<td>${esc(j.action)}</td><td>${esc(j.reason)}</td></tr>`,
    )
    .join('\n');
  const chart = renderTimelineChart({
    title: 'Traffic split and score per step',
    steps: timelineSteps(state),
    thresholds: state.input.thresholds,
    rootAttrs: { 'data-plot': 'timeline' },
  });
  const table = rows
    ? `<div class="table-wrap"><table><thead><tr><th class="num">Step</th><th class="num">Weight</th><th>Judgment window (UTC)</th><th class="num">Score</th><th>Verdict</th><th>Action</th><th>Reason</th></tr></thead><tbody>
${rows}
</tbody></table></div>`
    : '<p class="muted">No judgment was made: the run ended before the first one.</p>';
  return `<section><h2>Timeline</h2>${chart}${table}</section>`;
}

function deciding(judgments: readonly StoredJudgment[]): StoredJudgment | undefined {
  return [...judgments].sort((a, b) => a.summary.step - b.summary.step).at(-1);
}

function metricsSection(judgment: StoredJudgment): string {
  const seriesByName = new Map(judgment.series.map((s) => [s.name, s]));
  const cards = judgment.result.metrics.map((m) => metricCard(m, seriesByName.get(m.name))).join('\n');
  const reason = judgment.result.reason ? `<p class="reason">${esc(judgment.result.reason)}</p>` : '';
  return `<section id="metrics"><h2>Metrics at step ${judgment.summary.step} (score ${formatScore(judgment.result.score)}, ${esc(judgment.result.verdict)})</h2>${reason}${metricTable(judgment.result.metrics)}</section>
<section id="metric-details"><h2>Per metric</h2>
${cards}
</section>`;
}

function earlierJudgments(judgments: readonly StoredJudgment[], last: StoredJudgment): string {
  const earlier = judgments.filter((j) => j !== last).sort((a, b) => a.summary.step - b.summary.step);
  if (earlier.length === 0) return '';
  const blocks = earlier
    .map(
      (
        j,
      ) => `<details><summary>Step ${j.summary.step} · ${j.summary.weight}% · score ${formatScore(j.result.score)} (${esc(j.result.verdict)}) → ${esc(j.summary.action)}</summary>
${metricTable(j.result.metrics)}</details>`,
    )
    .join('\n');
  return `<section><h2>Earlier judgments</h2>${blocks}</section>`;
}

export function renderRunReport(data: RunReportData): string {
  const { state } = data;
  const headline = runHeadline(state);
  const last = deciding(data.judgments);
  const error = state.error
    ? `<section class="error" data-field="error"><strong>${esc(state.error.Error)}</strong>${state.error.Cause ? `: ${esc(state.error.Cause)}` : ''}</section>`
    : '';
  const title = `canary-judge · ${state.input.service} ${state.input.canary.version} · ${headline.verdict ?? headline.status}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${hero(state, headline)}
${error}
${facts(state, headline)}
${timeline(state)}
${last ? metricsSection(last) : ''}
${last ? earlierJudgments(data.judgments, last) : ''}
<footer>canary-judge run report · run ${esc(state.runId)}</footer>
</main>
</body>
</html>
`;
}
