import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { fetchHistory } from '../run/execution-history';
import { summarizeRun } from '../run/run-status';
import { authenticate, type AuthOptions } from './authenticate';
import { HttpError, type HttpRequest, type HttpResponse } from './http';
import { executionOf } from './run-id';

/** `GET /runs/{id}`: signed like the other routes (empty body), answers the run's RunStatus. */

export interface RunStatusDeps extends AuthOptions {
  sfn: Pick<SFNClient, 'send'>;
  stateMachineArn: string;
}

export async function runStatus(req: HttpRequest, deps: RunStatusDeps): Promise<HttpResponse> {
  authenticate(req, deps);
  const { name, executionArn } = executionOf(req, deps.stateMachineArn);
  try {
    const execution = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await fetchHistory(deps.sfn, executionArn);
    return { statusCode: 200, body: summarizeRun(execution, events) };
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) throw new HttpError(404, 'not-found', `no run ${name}`);
    throw error;
  }
}
