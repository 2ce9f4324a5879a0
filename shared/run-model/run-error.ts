import type { RunError } from './run-state';

/**
 * A caught error as one readable line. On AWS the Cause of a Lambda error is a JSON string
 * `{"errorType","errorMessage","trace"}`; locally it is the message itself.
 */
export function describeRunError(error: RunError): string {
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return `${error.Error}: ${parsed.errorMessage}`;
  } catch {
    // not JSON: a plain message
  }
  return cause ? `${error.Error}: ${cause}` : error.Error;
}
