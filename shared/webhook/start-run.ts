import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { HttpError } from './http';
import { executionArnFor, executionName } from './execution-name';

/**
 * Start one canary run for one delivery. The execution name is derived from the delivery, so:
 * the same delivery with the same body → the same execution (Step Functions answers with it while it
 * runs; after it ended we look it up), the same delivery with another body → 409, nothing started.
 */

export interface StartRunDeps {
  sfn: Pick<SFNClient, 'send'>;
  stateMachineArn: string;
}

export interface StartRunRequest {
  /** The run input as the client sent it (validated before); the workflow's validate state parses it again. */
  input: unknown;
  service: string;
  canaryVersion: string;
  deliveryId: string;
}

export interface StartedRun {
  name: string;
  executionArn: string;
  startDate?: string;
  /**
   * Set when the name was taken by an ended execution of this same delivery (a late retry). A retry
   * while the run is still going gets Step Functions' idempotent answer, indistinguishable from a start.
   */
  endedStatus?: string;
}

export async function startRun(deps: StartRunDeps, request: StartRunRequest): Promise<StartedRun> {
  const name = executionName(request.service, request.canaryVersion, request.deliveryId);
  const input = JSON.stringify(request.input);
  try {
    const out = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name, input }));
    return { name, executionArn: out.executionArn!, startDate: out.startDate?.toISOString() };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
  }
  // The name is taken: either a finished run of this very delivery (a late retry) or a replay with a
  // different body. Only the first is answered with the execution.
  const executionArn = executionArnFor(deps.stateMachineArn, name);
  const existing = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
  if (!sameJson(existing.input, input)) {
    throw new HttpError(
      409,
      'delivery-conflict',
      `delivery ${request.deliveryId} already started ${name} with a different body; use a new delivery id`,
      { executionArn },
    );
  }
  return {
    name,
    executionArn,
    startDate: existing.startDate?.toISOString(),
    endedStatus: existing.status,
  };
}

function sameJson(stored: string | undefined, sent: string): boolean {
  if (stored === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(stored)) === sent;
  } catch {
    return false;
  }
}
