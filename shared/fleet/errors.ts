import { RetryableError } from '../aws/errors';

/** A target group still referenced by a listener rule; the workflow retries teardown until the rule is gone. */
export class TargetGroupInUseError extends RetryableError {
  constructor(readonly users: string[]) {
    super(`the run's target groups are still in use, teardown will retry: ${users.join('; ')}`);
  }
}
