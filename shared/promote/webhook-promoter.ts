import { createHmac } from 'node:crypto';
import type { PromoteConfig } from '../config/run-config';
import type { RunState } from '../run-model/run-state';
import { SecretCache, type SecretReader } from '../secrets';
import type { Promoter } from './promoter';
import { verdictPayload } from './verdict-payload';

export type WebhookPromoteConfig = Extract<PromoteConfig, { strategy: 'webhook' }>;

export const SIGNATURE_HEADER = 'x-canary-judge-signature-256';
export const TIMESTAMP_HEADER = 'x-canary-judge-timestamp';
export const DELIVERY_HEADER = 'x-canary-judge-delivery';

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: the timestamp bounds replays in time, the body
 * is exactly the bytes sent. Receivers recompute it with the shared secret and compare in constant time.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookPromoterDeps {
  secrets?: SecretReader;
  now?: () => Date;
  timeoutMs?: number;
}

/** Promote = POST the verdict to the team's deployment system, signed when a secret is configured. */
export class WebhookPromoter implements Promoter {
  private readonly secrets: SecretReader;
  private readonly now: () => Date;
  /**
   * What messages name: the URL's path, query and user info may hold a credential (`?token=`), and what a
   * message says ends up in the run's outcome, the report, Slack and the logs.
   */
  private readonly origin: string;

  constructor(
    private readonly config: WebhookPromoteConfig,
    private readonly deps: WebhookPromoterDeps = {},
  ) {
    this.secrets = deps.secrets ?? new SecretCache();
    this.now = deps.now ?? (() => new Date());
    this.origin = new URL(config.url).origin;
  }

  async promote(state: RunState): Promise<string> {
    const now = this.now();
    const body = JSON.stringify(verdictPayload(state, now));
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'canary-judge',
      [TIMESTAMP_HEADER]: timestamp,
      // The same id on a retried delivery, so the receiver can roll out once.
      [DELIVERY_HEADER]: `${state.runId}/promote`,
    };
    if (this.config.secretArn) {
      headers[SIGNATURE_HEADER] = webhookSignature(await this.secrets.get(this.config.secretArn), timestamp, body);
    }
    const res = await fetch(this.config.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
    }).catch((error: unknown) => {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new Error(`promote webhook ${this.origin} unreachable${cause ? ` (${cause})` : ''}`, { cause: error });
    });
    const answer = (await res.text()).slice(0, 200);
    if (!res.ok) throw new Error(`promote webhook ${this.origin} answered HTTP ${res.status}: ${answer}`);
    return `verdict posted to ${this.origin} (HTTP ${res.status}${this.config.secretArn ? ', signed' : ''})`;
  }
}
