import {
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { APPROVAL_STATE, APPROVAL_TOKEN_FIELD } from '../../state-machines/definition';
import { currentState, fetchHistory, pendingTaskToken } from '../run/execution-history';
import { authenticate, type AuthOptions } from './authenticate';
import { parseJsonBody, validateBody } from './body';
import { HttpError, type HttpRequest, type HttpResponse } from './http';
import { executionOf } from './run-id';

/**
 * `POST /runs/{id}/approve|reject` for runs with `approval: "before-promote"`. The token is the one
 * Step Functions passed to the approval state's Lambda; it is read back from the execution history,
 * so nothing else has to store it. Both answers are SendTaskSuccess with `{ approved }`: a rejection is
 * a decision, not a failure, and the workflow's ApprovalChoice rolls back on `approved: false`.
 */

export const approvalBodySchema = z
  .object({
    by: z.string().min(1).max(200).optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict();

export interface ApprovalDeps extends AuthOptions {
  sfn: Pick<SFNClient, 'send'>;
  stateMachineArn: string;
}

export async function decideApproval(req: HttpRequest, deps: ApprovalDeps, approved: boolean): Promise<HttpResponse> {
  const { deliveryId } = authenticate(req, deps);
  const { name, executionArn } = executionOf(req, deps.stateMachineArn);
  const body = validateBody(approvalBodySchema, parseJsonBody(req.body, { emptyAs: {} }), 'approval body');

  let events;
  try {
    events = await fetchHistory(deps.sfn, executionArn);
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) throw new HttpError(404, 'not-found', `no run ${name}`);
    throw error;
  }
  const token = pendingTaskToken(events, APPROVAL_STATE, APPROVAL_TOKEN_FIELD);
  if (!token) {
    throw new HttpError(409, 'not-awaiting-approval', `run ${name} is not waiting for approval`, {
      currentState: currentState(events),
    });
  }

  const decision = { approved, by: body.by ?? `webhook delivery ${deliveryId}`, comment: body.comment };
  try {
    await deps.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(decision) }));
  } catch (error) {
    // Decided a moment ago by someone else, or the approval timed out in between.
    if (error instanceof TaskTimedOut || error instanceof InvalidToken || error instanceof TaskDoesNotExist) {
      throw new HttpError(409, 'not-awaiting-approval', `run ${name} is no longer waiting for approval`);
    }
    throw error;
  }
  return { statusCode: 200, body: { name, executionArn, ...decision } };
}
