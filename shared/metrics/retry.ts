import { errorMessage } from '../aws/errors';

/**
 * Bounded retries with exponential backoff and jitter for metric sources: a throttled or briefly
 * unreachable source gets a few more tries; a bad query does not.
 */

export interface RetryOptions {
  /** Tries in all, the first included (default 3). */
  attempts?: number;
  /** Delay before the second try; doubles each time up to maxDelayMs (defaults 250 ms, 4 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  retryable?: (error: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The last error after the tries ran out (or at once, if it was not worth retrying). */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(`${errorMessage(lastError)} (${attempts === 1 ? '1 attempt' : `${attempts} attempts`})`);
  }
}

/** An HTTP answer that is not a success, from a source that is not an AWS SDK client. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);
const TRANSIENT = new Set([
  'InternalFailure',
  'InternalServiceError',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

function code(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/** Throttling, server-side failures and network trouble are worth another try; anything else is not. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof HttpStatusError) return error.status === 429 || error.status >= 500;
  if (THROTTLING.has(error.name) || TRANSIENT.has(error.name)) return true;
  if ((error as { $retryable?: unknown }).$retryable) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  const c = code(error);
  return c !== undefined && NETWORK_CODES.has(c);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 4000;
  const retryable = options.retryable ?? isTransient;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw new RetriesExhaustedError(error, attempt);
      // "Equal jitter": half the backoff fixed, half random, so clients that failed together spread out.
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(delay / 2 + (random() * delay) / 2);
    }
  }
}
