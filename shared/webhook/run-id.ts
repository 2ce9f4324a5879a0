import { HttpError, type HttpRequest } from './http';
import { executionArnFor, isExecutionName } from './execution-name';

/** The `{id}` of `/runs/{id}...`: an execution name of the configured state machine. */
export function executionOf(req: HttpRequest, stateMachineArn: string): { name: string; executionArn: string } {
  const name = req.pathParameters.id ?? '';
  if (!isExecutionName(name)) {
    throw new HttpError(
      400,
      'invalid-run-id',
      'the run id must be an execution name: 1-80 letters, digits, ., _ or -',
      {
        field: 'id',
      },
    );
  }
  return { name, executionArn: executionArnFor(stateMachineArn, name) };
}
