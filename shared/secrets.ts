import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Secrets (webhook HMAC key, Slack webhook URL) from Secrets Manager, read once per Lambda container
 * and cached: a cold start pays one GetSecretValue, warm invocations none. Entries expire after
 * `maxAgeMs` so a rotated secret is picked up without a redeploy.
 */

export interface SecretReader {
  get(secretId: string): Promise<string>;
}

export interface SecretCacheOptions {
  client?: Pick<SecretsManagerClient, 'send'>;
  maxAgeMs?: number;
  now?: () => number;
}

const DEFAULT_MAX_AGE_MS = 15 * 60 * 1000;

export class SecretCache implements SecretReader {
  private readonly client: Pick<SecretsManagerClient, 'send'>;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, { value: Promise<string>; readAt: number }>();

  constructor(options: SecretCacheOptions = {}) {
    this.client = options.client ?? new SecretsManagerClient({});
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  get(secretId: string): Promise<string> {
    const cached = this.entries.get(secretId);
    if (cached && this.now() - cached.readAt < this.maxAgeMs) return cached.value;
    const value = this.read(secretId);
    this.entries.set(secretId, { value, readAt: this.now() });
    // A failed read must not stick: the next invocation tries again.
    value.catch(() => this.entries.delete(secretId));
    return value;
  }

  private async read(secretId: string): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (out.SecretString !== undefined && out.SecretString !== '') return out.SecretString;
    if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
    throw new Error(`secret ${secretId} has no value`);
  }
}
