import { formatPercent, formatScore, formatTime } from '../reports/format';
import { formatRate, formatRatio } from '../judge/count-classifier';
import { isFailingClassification, type MetricRow } from '../reports/metric-rows';
import { judgmentRows } from '../reports/outcome-sentence';
import { runHeadline, type DecisionLabel } from '../reports/run-summary';
import { formatMeasure } from '../judge/units';
import type { RunState } from '../run-model/run-state';
import type { RunEvent } from './notifier';

/**
 * The Block Kit message for a run event, built without I/O. Everything is kept inside Slack's limits so a
 * run with many metrics or long reasons still posts (Slack rejects the whole message otherwise).
 */

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  buttonText: 75,
  buttonUrl: 3000,
  /** Top-level `text`, the notification fallback; Slack truncates beyond 40 000, we stay far below. */
  fallbackText: 3000,
} as const;

/** Rows in the metric table before "+N more"; the 3000-character section limit can cut it shorter. */
export const MAX_METRIC_ROWS = 20;

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | {
      type: 'actions';
      elements: { type: 'button'; text: TextObject; url: string; action_id: string; style?: 'primary' | 'danger' }[];
    };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const DECISION_EMOJI: Record<DecisionLabel, string> = {
  PROMOTED: '🟢',
  'WOULD PROMOTE (DRY RUN)': '🟢',
  'ROLLED BACK': '🔴',
  'COULD NOT JUDGE': '🟣',
  FAILED: '🔴',
  'IN PROGRESS': '⏳',
};

/** A judgment's score by the decision rule's bands: ≤ marginal rolls back, ≥ pass may promote. */
function bandEmoji(score: number, thresholds: { marginal: number; pass: number }): string {
  if (score <= thresholds.marginal) return '🔴';
  return score >= thresholds.pass ? '🟢' : '🟡';
}

/** Slack's mrkdwn control characters: &, <, > must be entities, or `<...>` turns into a link or mention. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** At most `max` UTF-16 units (stricter than Slack's character count), never splitting a code point. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

const plain = (text: string, max: number): TextObject => ({
  type: 'plain_text',
  text: truncate(text, max),
  emoji: true,
});
const mrkdwn = (text: string, max: number): TextObject => ({ type: 'mrkdwn', text: truncate(text, max) });
const field = (label: string, value: string): TextObject => mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText);

function versions(state: RunState): string {
  return `${escapeSlack(state.input.baseline.version)} → ${escapeSlack(state.input.canary.version)}`;
}

function stepText(state: RunState): string {
  const last = runHeadline(state).lastJudgment;
  const total = state.input.steps.length;
  if (!last) return `0 of ${total} judged`;
  return `${last.step} of ${total} · ${last.weight}% + ${last.weight}%`;
}

function headerFor(event: RunEvent): string {
  const { state } = event;
  const h = runHeadline(state);
  const who = `${state.input.service} ${state.input.canary.version}`;
  switch (event.kind) {
    case 'started':
      return `🚀 Canary started: ${who}`;
    case 'judgment': {
      const j = h.lastJudgment;
      if (!j) return `⏳ ${who}: judged`;
      return `${bandEmoji(j.score, h.thresholds)} ${who}: step ${j.step} scored ${formatScore(j.score)} → ${j.action}`;
    }
    case 'approval':
      return `⏸️ ${who} waits for approval`;
    case 'finished':
      return `${DECISION_EMOJI[h.label]} ${h.label}: ${who}`;
  }
}

function scoreText(state: RunState): string {
  const h = runHeadline(state);
  const score = h.score === undefined ? '–' : `*${formatScore(h.score)}* / 100`;
  const verdict = h.verdict ? ` · judge: ${h.verdict}` : '';
  return `${score}${verdict}  (roll back ≤ ${h.thresholds.marginal}, promote ≥ ${h.thresholds.pass})`;
}

function summaryFields(event: RunEvent): TextObject[] {
  const { state } = event;
  const h = runHeadline(state);
  const fields = [field('Service', escapeSlack(state.input.service)), field('Baseline → canary', versions(state))];
  if (event.kind === 'started') {
    fields.push(
      field('Steps', state.input.steps.map((s) => `${s.weight}%`).join(' → ')),
      field('Thresholds', `roll back ≤ ${h.thresholds.marginal}, promote ≥ ${h.thresholds.pass}`),
    );
  } else {
    fields.push(field('Score', scoreText(state)), field('Step', stepText(state)));
    if (event.kind === 'judgment' && h.lastJudgment) fields.push(field('Next', escapeSlack(h.lastJudgment.action)));
  }
  fields.push(field('Run', `\`${escapeSlack(state.runId)}\`${state.input.dryRun ? ' (dry run)' : ''}`));
  return fields.slice(0, SLACK_LIMITS.fields);
}

/** The one-sentence why, first thing under the header; the workflow's own words below it when they differ. */
function whyBlocks(event: RunEvent): SlackBlock[] {
  if (event.kind === 'started' || event.kind === 'approval') return [];
  const h = runHeadline(event.state);
  const lead = event.kind === 'finished' ? `*${h.label}:* ` : '';
  const blocks: SlackBlock[] = [
    { type: 'section', text: mrkdwn(`${lead}${escapeSlack(h.summary)}`, SLACK_LIMITS.sectionText) },
  ];
  if (event.kind === 'finished' && h.reason && h.reason !== h.summary) {
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`Recorded reason: ${escapeSlack(h.reason)}`, SLACK_LIMITS.contextText)],
    });
  }
  return blocks;
}

function metricIcon(row: MetricRow): string {
  if (isFailingClassification(row.classification)) return '✗';
  return row.classification === 'Pass' ? '✓' : '·';
}

/** Failing metrics first, then critical ones, so truncation drops the least interesting rows. */
function rank(row: MetricRow): number {
  return (isFailingClassification(row.classification) ? 0 : 2) + (row.critical ? 0 : 1);
}

/**
 * A fixed-width table in a code block (Slack has no table block): icon, metric, classification, baseline →
 * canary median, change. Rows are added while the section stays within its limit, then "+N more".
 */
const rateOf = (s: { events: number; total: number }) => (s.total > 0 ? s.events / s.total : null);

/** The values cell and the change cell of a row: rates for counts, means of all requests for histograms. */
function comparedValues(r: MetricRow): [string, string] {
  if (r.counts) {
    return [
      `${formatRate(rateOf(r.counts.baseline))} → ${formatRate(rateOf(r.counts.canary))}`,
      formatRatio(r.counts.rateRatio),
    ];
  }
  if (r.histogram) {
    const { baseline, canary, meanRatio } = r.histogram;
    return [
      `mean ${formatMeasure(baseline.mean, r.unit)} → ${formatMeasure(canary.mean, r.unit)}`,
      formatPercent(meanRatio === null ? null : (meanRatio - 1) * 100),
    ];
  }
  return [
    `${formatMeasure(r.baselineMedian, r.unit)} → ${formatMeasure(r.canaryMedian, r.unit)}`,
    formatPercent(r.changePercent),
  ];
}

export function metricTable(rows: readonly MetricRow[], maxRows = MAX_METRIC_ROWS): string | undefined {
  if (rows.length === 0) return undefined;
  const sorted = rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => rank(a.row) - rank(b.row) || a.i - b.i)
    .map((x) => x.row);
  // Backticks would end the code block early.
  const clean = (s: string) => escapeSlack(s.replace(/`/g, "'"));
  const cells = sorted.map((r) => [
    metricIcon(r),
    truncate(r.name, 28) + (r.critical ? '*' : ''),
    r.classification,
    ...comparedValues(r),
  ]);
  const widths = [1, 2, 3].map((c) => Math.max(...cells.map((row) => [...row[c]].length), c === 1 ? 6 : 0));
  const line = (row: string[]) =>
    clean(
      `${row[0]} ${row[1].padEnd(widths[0])}  ${row[2].padEnd(widths[1])}  ${row[3].padEnd(widths[2])}  ${row[4]}`,
    ).trimEnd();
  const title =
    '*Metrics* (baseline → canary median and change, rate and rate ratio, or mean of all requests and change; * critical)\n';
  const open = '```\n';
  const close = '\n```';
  const lines: string[] = [];
  for (let i = 0; i < cells.length && i < maxRows; i++) {
    const candidate = line(cells[i]);
    const remaining = cells.length - i - 1;
    const more = remaining > 0 ? `\n+${remaining} more` : '';
    const length = title.length + open.length + [...lines, candidate].join('\n').length + more.length + close.length;
    if (length > SLACK_LIMITS.sectionText) break;
    lines.push(candidate);
  }
  const hidden = cells.length - lines.length;
  return `${title}${open}${lines.join('\n')}${hidden > 0 ? `\n+${hidden} more` : ''}${close}`;
}

function metricsBlock(state: RunState): SlackBlock | undefined {
  const last = runHeadline(state).lastJudgment;
  const table = last ? metricTable(judgmentRows(state, last)) : undefined;
  return table ? { type: 'section', text: mrkdwn(table, SLACK_LIMITS.sectionText) } : undefined;
}

const isWebUrl = (url: string) => /^https?:\/\//i.test(url) && url.length <= SLACK_LIMITS.buttonUrl;

/** Buttons for web links; a local file path (the local report store) cannot be a button, so it is shown as text. */
function linkBlocks(event: RunEvent): SlackBlock[] {
  const report = event.links.report ?? event.state.outcome?.reportUrl;
  const links = [
    { id: 'open_execution', label: 'Open execution', url: event.links.execution },
    { id: 'open_report', label: 'Open report', url: report },
    { id: 'open_runs', label: 'All runs', url: event.links.index },
  ].filter((l): l is { id: string; label: string; url: string } => Boolean(l.url));
  const buttons = links.filter((l) => isWebUrl(l.url));
  const other = links.filter((l) => !isWebUrl(l.url));
  const blocks: SlackBlock[] = [];
  if (buttons.length > 0) {
    blocks.push({
      type: 'actions',
      elements: buttons.map((l) => ({
        type: 'button',
        text: plain(l.label, SLACK_LIMITS.buttonText),
        url: l.url,
        action_id: l.id,
      })),
    });
  }
  if (other.length > 0) {
    blocks.push({
      type: 'context',
      elements: other.map((l) =>
        mrkdwn(`${l.label.replace('Open ', '').toLowerCase()}: \`${escapeSlack(l.url)}\``, SLACK_LIMITS.contextText),
      ),
    });
  }
  return blocks;
}

function contextBlock(state: RunState): SlackBlock {
  const h = runHeadline(state);
  const parts = [
    `started ${formatTime(h.startedAt)}`,
    ...(h.endedAt ? [`ended ${formatTime(h.endedAt)}`] : []),
    `target ${state.input.target}`,
  ];
  return {
    type: 'context',
    elements: [mrkdwn(escapeSlack(`canary-judge · ${parts.join(' · ')}`), SLACK_LIMITS.contextText)],
  };
}

export function buildSlackMessage(event: RunEvent): SlackMessage {
  const header = headerFor(event);
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(header, SLACK_LIMITS.headerText) },
    { type: 'section', fields: summaryFields(event) },
  ];
  blocks.push(...whyBlocks(event));
  if (event.kind !== 'started') {
    const metrics = metricsBlock(event.state);
    if (metrics) blocks.push(metrics);
  }
  blocks.push(...linkBlocks(event), contextBlock(event.state));
  const fallback = event.kind === 'finished' ? `${header}: ${runHeadline(event.state).summary}` : header;
  // The fallback is read as mrkdwn (unlike the header's plain_text), so it is escaped.
  return {
    text: truncate(escapeSlack(fallback), SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}
