/**
 * Errors the workflow treats specially, by name: Step Functions matches Retry/Catch on the error's name
 * (the Lambda errorType), so the names are the contract, not the classes.
 */

/** The run's state is not what this step needs (a bug or a hand-edited execution input). */
export class RunStateError extends Error {
  override readonly name = 'RunStateError';
}
