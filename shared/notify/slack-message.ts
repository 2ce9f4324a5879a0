import type { OutcomeVerdict } from '../run/run-state';
import { formatPercent, formatScore, formatTime, formatValue } from '../reports/format';
import { isFailingClassification, metricRowFromBrief, runHeadline, type MetricRow } from '../reports/run-summary';
import type { RunState } from '../run/run-state';
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

const VERDICT_EMOJI: Record<OutcomeVerdict, string> = { pass: '🟢', marginal: '🟡', fail: '🔴', inconclusive: '🟣' };

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
  const emoji = h.verdict ? VERDICT_EMOJI[h.verdict] : '⚪';
  switch (event.kind) {
    case 'started':
      return `🚀 Canary started: ${who}`;
    case 'judgment':
      return `${emoji} ${who}: step ${h.lastJudgment?.step ?? '?'} scored ${h.score === undefined ? '–' : formatScore(h.score)} (${h.verdict ?? 'no verdict'})`;
    case 'approval':
      return `⏸️ ${who} waits for approval`;
    case 'finished':
      return `${emoji} ${(h.verdict ?? 'no verdict').toUpperCase()}: ${who} ${h.status}`;
  }
}

function scoreText(state: RunState): string {
  const h = runHeadline(state);
  const score = h.score === undefined ? '–' : `*${formatScore(h.score)}* / 100`;
  return `${score}  (marginal ≤ ${h.thresholds.marginal}, pass ≥ ${h.thresholds.pass})`;
}

function summaryFields(event: RunEvent): TextObject[] {
  const { state } = event;
  const h = runHeadline(state);
  const fields = [field('Service', escapeSlack(state.input.service)), field('Baseline → canary', versions(state))];
  if (event.kind === 'started') {
    fields.push(
      field('Steps', state.input.steps.map((s) => `${s.weight}%`).join(' → ')),
      field('Thresholds', `marginal ≤ ${h.thresholds.marginal}, pass ≥ ${h.thresholds.pass}`),
    );
  } else {
    fields.push(field('Score', scoreText(state)), field('Step', stepText(state)));
    if (event.kind === 'finished') fields.push(field('Decision', escapeSlack(h.status)));
    if (event.kind === 'judgment' && h.lastJudgment) fields.push(field('Next', escapeSlack(h.lastJudgment.action)));
  }
  fields.push(field('Run', `\`${escapeSlack(state.runId)}\`${state.input.dryRun ? ' (dry run)' : ''}`));
  return fields.slice(0, SLACK_LIMITS.fields);
}

function reasonBlock(event: RunEvent): SlackBlock | undefined {
  const h = runHeadline(event.state);
  const show =
    (event.kind === 'finished' && (h.decision === 'rollback' || h.status === 'failed')) ||
    (event.kind === 'judgment' && h.lastJudgment?.action === 'rollback');
  if (!show || !h.reason) return undefined;
  const quoted = escapeSlack(h.reason)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  const title = h.status === 'failed' ? 'What went wrong' : 'Why it was rolled back';
  return { type: 'section', text: mrkdwn(`*${title}*\n${quoted}`, SLACK_LIMITS.sectionText) };
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
    `${formatValue(r.baselineMedian)} → ${formatValue(r.canaryMedian)}`,
    formatPercent(r.changePercent),
  ]);
  const widths = [1, 2, 3].map((c) => Math.max(...cells.map((row) => [...row[c]].length), c === 1 ? 6 : 0));
  const line = (row: string[]) =>
    clean(
      `${row[0]} ${row[1].padEnd(widths[0])}  ${row[2].padEnd(widths[1])}  ${row[3].padEnd(widths[2])}  ${row[4]}`,
    ).trimEnd();
  const title = '*Metrics* (median baseline → canary; * critical)\n';
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
  const table = last ? metricTable(last.metrics.map(metricRowFromBrief)) : undefined;
  return table ? { type: 'section', text: mrkdwn(table, SLACK_LIMITS.sectionText) } : undefined;
}

const isWebUrl = (url: string) => /^https?:\/\//i.test(url) && url.length <= SLACK_LIMITS.buttonUrl;

/** Buttons for web links; a local file path (the local report store) cannot be a button, so it is shown as text. */
function linkBlocks(event: RunEvent): SlackBlock[] {
  const report = event.links.report ?? event.state.outcome?.reportUrl;
  const links = [
    { id: 'open_execution', label: 'Open execution', url: event.links.execution },
    { id: 'open_report', label: 'Open report', url: report },
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
        mrkdwn(`${l.label.replace('Open ', '')}: \`${escapeSlack(l.url)}\``, SLACK_LIMITS.contextText),
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
  const reason = reasonBlock(event);
  if (reason) blocks.push(reason);
  if (event.kind !== 'started') {
    const metrics = metricsBlock(event.state);
    if (metrics) blocks.push(metrics);
  }
  blocks.push(...linkBlocks(event), contextBlock(event.state));
  const h = runHeadline(event.state);
  const fallback = h.reason && event.kind === 'finished' ? `${header}: ${h.reason}` : header;
  // The fallback is read as mrkdwn (unlike the header's plain_text), so it is escaped.
  return {
    text: truncate(escapeSlack(fallback), SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}
