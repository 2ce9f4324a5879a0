import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isAwsError } from './aws/errors';

/**
 * Secrets (webhook HMAC key, Slack webhook URL) from Secrets Manager, read once per Lambda container
 * and cached: a cold start pays one GetSecretValue, warm invocations none. Entries expire after
 * `maxAgeMs` so a rotated secret is picked up without a redeploy.
 */

export interface SecretReader {
  get(secretId: string): Promise<string>;
}

/** A secret that is rotated while it is in use: both ends of a rotation hold a valid value for a while. */
export interface RotatingSecretReader {
  /** The current value first, then the previous one when the secret has one (stages AWSCURRENT, AWSPREVIOUS). */
  versions(secretId: string): Promise<string[]>;
  /**
   * Forgets the cached versions, so the next read asks Secrets Manager: for a value that matches none of
   * them (a rotation since they were read). False, keeping them, when they were read moments ago: refused
   * requests cannot make every invocation read the secret.
   */
  forget(secretId: string): boolean;
}

export interface SecretCacheOptions {
  client?: Pick<SecretsManagerClient, 'send'>;
  maxAgeMs?: number;
  /** forget() keeps entries younger than this. */
  minRereadMs?: number;
  now?: () => number;
}

const DEFAULT_MAX_AGE_MS = 15 * 60 * 1000;
const DEFAULT_MIN_REREAD_MS = 1000;

export class SecretCache implements SecretReader, RotatingSecretReader {
  private readonly client: Pick<SecretsManagerClient, 'send'>;
  private readonly maxAgeMs: number;
  private readonly minRereadMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, { value: Promise<unknown>; readAt: number }>();

  constructor(options: SecretCacheOptions = {}) {
    this.client = options.client ?? new SecretsManagerClient({});
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.minRereadMs = options.minRereadMs ?? DEFAULT_MIN_REREAD_MS;
    this.now = options.now ?? Date.now;
  }

  get(secretId: string): Promise<string> {
    return this.cached(secretId, () => this.read(secretId, 'AWSCURRENT'));
  }

  versions(secretId: string): Promise<string[]> {
    return this.cached(versionsKey(secretId), async () => {
      const [current, previous] = await Promise.all([
        this.read(secretId, 'AWSCURRENT'),
        // A secret that was never rotated has no previous version.
        this.read(secretId, 'AWSPREVIOUS').catch((error: unknown) => {
          if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
          throw error;
        }),
      ]);
      return previous === undefined || previous === current ? [current] : [current, previous];
    });
  }

  forget(secretId: string): boolean {
    const key = versionsKey(secretId);
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.readAt < this.minRereadMs) return false;
    this.entries.delete(key);
    return true;
  }

  private cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.readAt < this.maxAgeMs) return cached.value as Promise<T>;
    const value = read();
    this.entries.set(key, { value, readAt: this.now() });
    // A failed read must not stick: the next invocation tries again.
    value.catch(() => this.entries.delete(key));
    return value;
  }

  private async read(secretId: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
    if (out.SecretString !== undefined && out.SecretString !== '') return out.SecretString;
    if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
    throw new Error(`secret ${secretId} has no value`);
  }
}

/** Cache key of a secret's versions, apart from its current value alone (get). */
const versionsKey = (secretId: string) => `${secretId}\0versions`;
