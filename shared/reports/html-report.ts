import type { RunState } from '../run-model/run-state';
import { escapeHtml as esc } from './escape';
import { formatDuration, formatScore, formatTime } from './format';
import { metricCard, metricTable } from './report-metrics';
import { htmlPage } from './html-page';
import { metricInfo } from './metric-rows';
import type { StoredJudgment } from './stored-judgment';
import { runHeadline, type RunHeadline } from './run-summary';
import { el, px, svgRoot, text } from './svg/elements';
import { DECISION_COLORS, scoreBandColor } from './svg/palette';
import { linearScale } from './svg/scales';
import { renderTimelineChart, type TimelineStep } from './svg/timeline-chart';

/**
 * The run report: one self-contained HTML page (inline CSS and SVG, no scripts, no external resources) that a
 * person opens from S3 or the local reports folder to see why a canary was promoted or rolled back.
 */

export interface RunReportData {
  state: RunState;
  judgments: StoredJudgment[];
}

/** The report-store name of a judgment's stored JSON. */
export function judgmentReportName(step: number): string {
  return `judgments/step-${step}.json`;
}

/** A bar from 0 to 100 with the fail/marginal/pass zones and the score's marker. */
export function scoreBar(headline: Pick<RunHeadline, 'score' | 'thresholds'>): string {
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
          fill: scoreBandColor(headline.score, headline.thresholds),
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
    `score ${headline.score ?? 'none'} of 100; rolls back at ${marginal} or less, promotes at ${pass} or more`,
    { 'data-plot': 'score', 'data-score': headline.score === undefined ? undefined : String(headline.score) },
    zone(0, marginal, '#fecaca') + zone(marginal, pass, '#fde68a') + zone(pass, 100, '#bbf7d0') + marker + labels,
  );
}

function judgeLine(headline: RunHeadline): string {
  const { marginal, pass } = headline.thresholds;
  const verdict = headline.verdict
    ? `Judge verdict <strong data-field="verdict">${esc(headline.verdict)}</strong>${headline.score === undefined ? '' : ` at score ${formatScore(headline.score)}`} · `
    : '';
  return `<p class="status">${verdict}the run rolls back at a score ≤ ${marginal} and promotes at ≥ ${pass} after the last step</p>`;
}

function hero(state: RunState, headline: RunHeadline): string {
  // The workflow's own words, when the summary says it differently.
  const recorded =
    headline.reason && headline.reason !== headline.summary
      ? `<p class="recorded">Recorded reason: <span data-field="reason">${esc(headline.reason)}</span></p>`
      : '';
  const score =
    headline.score === undefined
      ? '<div class="score"><span class="value">–</span></div>'
      : `<div class="score"><span class="value" data-field="score">${formatScore(headline.score)}</span><span class="of"> / 100</span>${scoreBar(headline)}</div>`;
  return `<header class="hero" style="--verdict:${DECISION_COLORS[headline.label]}">
<div class="badge" data-field="decision">${esc(headline.label)}</div>
<div>
<h1>${esc(state.input.service)}: ${esc(state.input.baseline.version)} → ${esc(state.input.canary.version)}</h1>
<p class="summary" data-field="summary">${esc(headline.summary)}</p>
${judgeLine(headline)}
${recorded}
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
      judgments: judgments.map((j) => ({ score: j.score, action: j.action })),
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
<td class="num"><span class="pill" style="--c:${scoreBandColor(j.score, state.input.thresholds)}">${formatScore(j.score)}</span></td>
<td>${esc(j.verdict)}</td><td>${esc(j.action)}</td><td>${esc(j.reason)}</td></tr>`,
    )
    .join('\n');
  const chart = renderTimelineChart({
    title: 'Traffic split and score per step',
    steps: timelineSteps(state),
    thresholds: state.input.thresholds,
    rootAttrs: { 'data-plot': 'timeline' },
  });
  const table = rows
    ? `<div class="table-wrap"><table><thead><tr><th class="num">Step</th><th class="num">Weight</th><th>Judgment window (UTC)</th><th class="num">Score</th><th>Judge verdict</th><th>Action</th><th>Reason</th></tr></thead><tbody>
${rows}
</tbody></table></div>`
    : '<p class="muted">No judgment was made: the run ended before the first one.</p>';
  return `<section><h2>Timeline</h2>${chart}${table}</section>`;
}

function deciding(judgments: readonly StoredJudgment[]): StoredJudgment | undefined {
  return [...judgments].sort((a, b) => a.summary.step - b.summary.step).at(-1);
}

/** The deciding judgment's metrics; `unit` is what a judgment is of: a run's step, an analysis' interval. */
export function metricsSection(
  judgment: StoredJudgment,
  info: ReturnType<typeof metricInfo>,
  unit: 'step' | 'interval' = 'step',
): string {
  const seriesByName = new Map(judgment.series.map((s) => [s.name, s]));
  const cards = judgment.result.metrics
    .map((m) => metricCard(m, seriesByName.get(m.name), info.get(m.name)?.unit))
    .join('\n');
  const reason = judgment.result.reason ? `<p class="reason">${esc(judgment.result.reason)}</p>` : '';
  return `<section id="metrics"><h2>Metrics at ${unit} ${judgment.summary.step}: score ${formatScore(judgment.result.score)} → ${esc(judgment.summary.action)}</h2>${reason}${metricTable(judgment.result.metrics, info)}</section>
<section id="metric-details"><h2>Per metric</h2>
${cards}
</section>`;
}

export function earlierJudgments(
  judgments: readonly StoredJudgment[],
  last: StoredJudgment,
  info: ReturnType<typeof metricInfo>,
  unit: 'step' | 'interval' = 'step',
): string {
  const earlier = judgments.filter((j) => j !== last).sort((a, b) => a.summary.step - b.summary.step);
  if (earlier.length === 0) return '';
  const blocks = earlier
    .map(
      (j) =>
        `<details><summary>${unit === 'step' ? `Step ${j.summary.step} · ${j.summary.weight}%` : `Interval ${j.summary.step}`} · score ${formatScore(j.result.score)} → ${esc(j.summary.action)}</summary>
${metricTable(j.result.metrics, info)}</details>`,
    )
    .join('\n');
  return `<section><h2>Earlier judgments</h2>${blocks}</section>`;
}

export function renderRunReport(data: RunReportData): string {
  const { state } = data;
  const headline = runHeadline(state);
  const last = deciding(data.judgments);
  const info = metricInfo(state.input.canaryConfig);
  const error = state.error
    ? `<section class="error" data-field="error"><strong>${esc(state.error.Error)}</strong>${state.error.Cause ? `: ${esc(state.error.Cause)}` : ''}</section>`
    : '';
  const title = `canary-judge · ${state.input.service} ${state.input.canary.version} · ${headline.label.toLowerCase()}`;
  return htmlPage(
    title,
    `${hero(state, headline)}
${error}
${facts(state, headline)}
${timeline(state)}
${last ? metricsSection(last, info) : ''}
${last ? earlierJudgments(data.judgments, last, info) : ''}
<footer>canary-judge run report · run ${esc(state.runId)}</footer>`,
  );
}
