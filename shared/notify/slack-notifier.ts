import { IncomingWebhook } from '@slack/webhook';
import type { RunLog } from '../run-model/run-log';
import { stderrLog } from './stderr-log';
import type { Notifier, RunEvent, RunEventKind } from './notifier';
import { buildSlackMessage } from './slack-message';

/**
 * Posts run events to a Slack incoming webhook. Slack being slow or down never fails or blocks the run:
 * each attempt has a timeout, server errors and timeouts are retried a bounded number of times with doubling
 * backoff, then the failure is logged and notify returns.
 */

export interface SlackNotifierOptions {
  webhookUrl: string;
  /** Retries after the first attempt (default 2). */
  retries?: number;
  /** Per attempt (default 5000 ms). */
  timeoutMs?: number;
  /** Delay before the first retry, doubled for each next one (default 500 ms). */
  backoffMs?: number;
  /** Which events to post (default all); see `slackEventKinds` for the run config's choice. */
  events?: readonly RunEventKind[];
  logger?: RunLog;
}

/** The kinds the run config asks for: always the outcome, start, judgments and approvals when enabled. */
export function slackEventKinds(config: { onStart: boolean; onJudgment: boolean }): RunEventKind[] {
  return [
    ...(config.onStart ? (['started'] as const) : []),
    ...(config.onJudgment ? (['judgment'] as const) : []),
    'approval',
    'finished',
  ];
}

export class SlackNotifier implements Notifier {
  private readonly webhook: IncomingWebhook;
  private readonly retries: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private readonly events?: ReadonlySet<RunEventKind>;
  private readonly log: RunLog;
  /** For logs: the webhook URL's path is a secret, its host is not. */
  private readonly target: string;

  constructor(options: SlackNotifierOptions) {
    this.retries = options.retries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.backoffMs = options.backoffMs ?? 500;
    this.events = options.events ? new Set(options.events) : undefined;
    this.log = options.logger ?? stderrLog;
    this.target = new URL(options.webhookUrl).host;
    this.webhook = new IncomingWebhook(options.webhookUrl, {
      timeout: this.timeoutMs,
      retryConfig: {
        retries: this.retries,
        factor: 2,
        minTimeout: this.backoffMs,
        maxTimeout: this.backoffMs * 2 ** this.retries,
        randomize: false,
      },
    });
  }

  /** The longest notify can take: every attempt timing out plus the backoffs between them. */
  get worstCaseMs(): number {
    let backoff = 0;
    for (let i = 0; i < this.retries; i++) backoff += this.backoffMs * 2 ** i;
    return (this.retries + 1) * this.timeoutMs + backoff;
  }

  async notify(event: RunEvent): Promise<void> {
    if (this.events && !this.events.has(event.kind)) return;
    const started = Date.now();
    try {
      await this.webhook.send(buildSlackMessage(event));
    } catch (error) {
      this.log.warn('slack notification not delivered', {
        runId: event.state.runId,
        kind: event.kind,
        webhookHost: this.target,
        maxAttempts: this.retries + 1,
        elapsedMs: Date.now() - started,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
