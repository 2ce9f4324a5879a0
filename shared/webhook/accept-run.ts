import { refusedLaunchOverrides, type LaunchOverride } from '../config/launch-overrides';
import { runInputSchema, type RunInput } from '../config/run-config';
import { ValidationError } from '../config/validation';
import { authenticate, type AuthOptions } from './authenticate';
import { parseJsonBody, validateBody } from './body';
import { HttpError, type HttpRequest, type HttpResponse } from './http';
import { startRun, type StartRunDeps } from './start-run';

/**
 * `POST /runs`: authenticate → parse → validate with the run schema → refuse launch fields the deployment does
 * not accept (403 naming the field) → start (idempotent per delivery).
 * Everything before the start only reads, so any refusal leaves nothing behind.
 */

export type AcceptRunDeps = StartRunDeps &
  AuthOptions & {
    /** Launch spec fields this deployment accepts (see launch-overrides.ts); undefined: all. */
    allowedLaunchOverrides?: readonly LaunchOverride[];
  };

export async function acceptRun(req: HttpRequest, deps: AcceptRunDeps): Promise<HttpResponse> {
  const { deliveryId } = authenticate(req, deps);
  const body = parseJsonBody(req.body);
  const input = validateBody(runInputSchema, body, 'run input', requireAwsTarget);
  const refused = refusedLaunchOverrides(input, deps.allowedLaunchOverrides);
  if (refused.length > 0) {
    throw new HttpError(403, 'field-not-allowed', new ValidationError('run input', refused).message, {
      field: refused[0].path,
      issues: refused,
    });
  }
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
