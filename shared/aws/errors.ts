/** Helpers for the errors the AWS SDK v3 throws (service exceptions carry the error code as `name`). */

export function isAwsError(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/** Error names that add nothing to their message. */
const QUIET_NAMES = new Set(['Error', 'HttpStatusError']);

/** One line for a log or a metric's error: the error code (AWS) or name, the message, the socket error behind it. */
export function errorMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return String(error);
  const { name, message } = error as Error;
  // fetch() hides the socket error (ECONNREFUSED, ...) in `cause`.
  const cause = (error as { cause?: { message?: unknown } }).cause;
  const causeMessage = typeof cause?.message === 'string' ? cause.message : '';
  const detail = causeMessage && !message.includes(causeMessage) ? ` (${causeMessage})` : '';
  const named = name && !QUIET_NAMES.has(name);
  return `${named ? `${name}: ` : ''}${message}${detail}`;
}

/**
 * A step that cannot finish yet but will by itself (e.g. a target group still referenced by a listener
 * rule that is being removed). The workflow retries errors with this name.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
}
