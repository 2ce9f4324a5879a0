import { runInputSchema, type RunInput } from '../config/run-config';
import { ValidationError } from '../config/validation';
import { authenticate, type AuthOptions } from './authenticate';
import { parseJsonBody, validateBody } from './body';
import type { HttpRequest, HttpResponse } from './http';
import { startRun, type StartRunDeps } from './start-run';

/**
 * `POST /runs`: authenticate → parse → validate with the run schema → start (idempotent per delivery).
 * Everything before the start only reads, so any refusal leaves nothing behind.
 */

export type AcceptRunDeps = StartRunDeps & AuthOptions;

export async function acceptRun(req: HttpRequest, deps: AcceptRunDeps): Promise<HttpResponse> {
  const { deliveryId } = authenticate(req, deps);
  const body = parseJsonBody(req.body);
  const input = validateBody(runInputSchema, body, 'run input', requireAwsTarget);
  const run = await startRun(deps, {
    input: body,
    service: input.service,
    canaryVersion: input.canary.version,
    deliveryId,
  });
  return {
    statusCode: run.endedStatus ? 200 : 202,
    body: {
      name: run.name,
      executionArn: run.executionArn,
      startDate: run.startDate,
      statusUrl: req.baseUrl ? `${req.baseUrl}${req.path.replace(/\/+$/, '')}/${run.name}` : undefined,
      ...(run.endedStatus ? { status: run.endedStatus } : {}),
    },
  };
}

function requireAwsTarget(input: RunInput): void {
  // This API starts the AWS state machine; the local target belongs to `canary-judge run`.
  if (input.target !== 'aws') {
    throw new ValidationError('run input', [{ path: 'target', message: 'the deployed API runs target "aws" only' }]);
  }
}
