import { formatScore } from '../reports/format';
import { runHeadline } from '../reports/run-summary';
import type { OutcomeVerdict } from '../run/run-state';
import type { Notifier, RunEvent } from './notifier';

/** The local run's notifier: one readable line per event on a stream (the terminal, or a log file). */

const COLORS: Record<OutcomeVerdict | 'none', string> = {
  pass: '\x1b[32m',
  marginal: '\x1b[33m',
  fail: '\x1b[31m',
  inconclusive: '\x1b[35m',
  none: '\x1b[90m',
};
const RESET = '\x1b[0m';

/** One line, without a trailing newline; colour only wraps the verdict word. */
export function formatConsoleLine(event: RunEvent, color = false): string {
  const { state } = event;
  const h = runHeadline(state);
  const paint = (text: string, verdict: OutcomeVerdict | undefined) =>
    color ? `${COLORS[verdict ?? 'none']}${text}${RESET}` : text;
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
      const step = last ? `step ${last.step}/${state.input.steps.length} (${last.weight}%)` : 'judgment';
      const next = last ? ` → ${last.action}` : '';
      return `${prefix} ${step}${score} ${paint(h.verdict ?? 'no verdict', h.verdict)}${next}${last?.reason ? `: ${last.reason}` : ''}`;
    }
    case 'approval':
      return `${prefix} waiting for approval before promoting${score} ${paint(h.verdict ?? 'no verdict', h.verdict)}`;
    case 'finished': {
      const verdict = paint((h.verdict ?? 'no verdict').toUpperCase(), h.verdict);
      const reason = h.reason ? `: ${h.reason}` : '';
      return `${prefix} ${verdict}${score}, ${h.status}${reason}${report ? ` (report: ${report})` : ''}`;
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
