/** Helpers for the errors the AWS SDK v3 throws (service exceptions carry the error code as `name`). */

export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
}

export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch() hides the socket error (ECONNREFUSED, ...) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  const detail =
    cause instanceof Error && cause.message && !error.message.includes(cause.message) ? ` (${cause.message})` : '';
  return `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}${detail}`;
}

/**
 * A step that cannot finish yet but will by itself (e.g. a target group still referenced by a listener
 * rule that is being removed). The workflow retries errors with this name.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
}
