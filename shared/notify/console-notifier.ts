import { formatScore } from '../reports/format';
import { runHeadline, type DecisionLabel } from '../reports/run-summary';
import type { Notifier, RunEvent } from './notifier';

/** The local run's notifier: one readable line per event on a stream (the terminal, or a log file). */

const ANSI = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', magenta: '\x1b[35m', grey: '\x1b[90m' };
const RESET = '\x1b[0m';

const LABEL_COLORS: Record<DecisionLabel, string> = {
  PROMOTED: ANSI.green,
  'WOULD PROMOTE (DRY RUN)': ANSI.green,
  'ROLLED BACK': ANSI.red,
  'COULD NOT JUDGE': ANSI.magenta,
  FAILED: ANSI.red,
  'IN PROGRESS': ANSI.grey,
};

/** A score's colour by the decision rule: ≤ marginal rolls back, ≥ pass may promote. */
function bandColor(score: number, thresholds: { marginal: number; pass: number }): string {
  if (score <= thresholds.marginal) return ANSI.red;
  return score >= thresholds.pass ? ANSI.green : ANSI.yellow;
}

/** One line, without a trailing newline; colour only wraps the decision (or a judgment's score). */
export function formatConsoleLine(event: RunEvent, color = false): string {
  const { state } = event;
  const h = runHeadline(state);
  const paint = (text: string, code: string) => (color ? `${code}${text}${RESET}` : text);
  const prefix = `[canary-judge] ${state.runId}`;
  const score = h.score === undefined ? '' : ` score ${formatScore(h.score)}/100`;
  const report = event.links.report ?? state.outcome?.reportUrl;
  switch (event.kind) {
    case 'started': {
      const steps = state.input.steps.map((s) => `${s.weight}%`).join(' → ');
      return `${prefix} started: ${state.input.service} ${state.input.baseline.version} → ${state.input.canary.version}, steps ${steps}`;
    }
    case 'judgment': {
      const last = h.lastJudgment;
      if (!last) return `${prefix} judged: ${h.summary}`;
      const scored = paint(`score ${formatScore(last.score)}/100`, bandColor(last.score, h.thresholds));
      return `${prefix} step ${last.step}/${state.input.steps.length} (${last.weight}%) ${scored} → ${last.action}: ${h.summary}`;
    }
    case 'approval':
      return `${prefix} waiting for approval before promoting:${score} (judge: ${h.verdict ?? 'no verdict'})`;
    case 'finished': {
      const verdict = h.verdict ? `, judge: ${h.verdict}` : '';
      const where = report ? `; report: ${report}` : '';
      return `${prefix} ${paint(h.label, LABEL_COLORS[h.label])}: ${h.summary} (${score.trim() || 'no score'}${verdict}${where})`;
    }
  }
}

export interface ConsoleNotifierOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Default: when the stream is a terminal. */
  color?: boolean;
}

export class ConsoleNotifier implements Notifier {
  private readonly stream: NodeJS.WritableStream;
  private readonly color: boolean;

  constructor(options: ConsoleNotifierOptions = {}) {
    const stream = options.stream ?? process.stdout;
    this.stream = stream;
    this.color = options.color ?? Boolean((stream as { isTTY?: boolean }).isTTY);
  }

  async notify(event: RunEvent): Promise<void> {
    this.stream.write(`${formatConsoleLine(event, this.color)}\n`);
  }
}
