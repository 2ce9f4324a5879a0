import type { RunLog } from '../run-model/run-log';
import type { SecretReader } from '../secrets';
import type { Notifier, RunEvent } from './notifier';
import { SlackNotifier, type SlackNotifierOptions } from './slack-notifier';

/**
 * Slack for a webhook URL kept in Secrets Manager (`notifications.slack.webhookSecretArn`): the URL is read
 * when an event is sent (the reader caches it) and never appears in the run input or the execution history.
 * A secret that cannot be read is logged like any undelivered notification: it never fails the run.
 */
export class SecretSlackNotifier implements Notifier {
  private slack?: { url: string; notifier: SlackNotifier };

  constructor(
    private readonly secretArn: string,
    private readonly secrets: SecretReader,
    private readonly options: Omit<SlackNotifierOptions, 'webhookUrl'> & { logger: RunLog },
  ) {}

  async notify(event: RunEvent): Promise<void> {
    let url: string;
    try {
      url = (await this.secrets.get(this.secretArn)).trim();
    } catch (error) {
      this.options.logger.warn('slack webhook secret not readable', {
        runId: event.state.runId,
        kind: event.kind,
        secretArn: this.secretArn,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    // A rotated secret gets a new client.
    if (this.slack?.url !== url)
      this.slack = { url, notifier: new SlackNotifier({ ...this.options, webhookUrl: url }) };
    await this.slack.notifier.notify(event);
  }
}
