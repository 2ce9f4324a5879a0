import {
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  APPROVAL_STATE,
  APPROVAL_TOKEN_FIELD,
  buildDefinition,
  localFunctionArns,
} from '../../../state-machines/definition';
import { decideApproval } from '../../../shared/webhook/decide-approval';
import { HttpError } from '../../../shared/webhook/http';
import { HistoryBuilder, judgment, runState } from '../../support/execution-history';
import { signedRequest, WEBHOOK_SECRET } from '../../support/webhook-requests';

const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:canary-judge-run';
const name = 'checkout_1.42.0_gh-1';
const sfnMock = mockClient(SFNClient);
const deps = {
  sfn: new SFNClient({ region: 'eu-west-1' }),
  stateMachineArn,
  secrets: [WEBHOOK_SECRET],
  maxBodyBytes: 4096,
  toleranceSeconds: 300,
  now: Date.now,
};
const judged = runState({ judgments: [judgment(2, 88, 'promote')], decision: { action: 'promote', reason: 'passed' } });
const waiting = () =>
  new HistoryBuilder().started({}).task('Judge', judged, judged).awaitApproval(APPROVAL_STATE, judged, 'tok-1');

function request(action: 'approve' | 'reject', body = '', id = name) {
  return signedRequest(body, {
    path: `/runs/${id}/${action}`,
    routeKey: `POST /runs/{id}/${action}`,
    pathParameters: { id },
    deliveryId: 'approval-1',
  });
}

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(GetExecutionHistoryCommand).resolves({ events: waiting().events });
  sfnMock.on(SendTaskSuccessCommand).resolves({});
});

describe('decideApproval', () => {
  it('approves with SendTaskSuccess {approved: true} on the waiting token of that execution', async () => {
    const res = await decideApproval(request('approve', '{"by":"alice","comment":"dashboards look fine"}'), deps, true);
    expect(res.statusCode).toBe(200);
    const history = sfnMock.commandCalls(GetExecutionHistoryCommand)[0].args[0].input;
    expect(history.executionArn).toBe(`arn:aws:states:eu-west-1:123456789012:execution:canary-judge-run:${name}`);
    expect(history.includeExecutionData).toBe(true);
    const sent = sfnMock.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0].args[0].input.taskToken).toBe('tok-1');
    expect(JSON.parse(sent[0].args[0].input.output!)).toEqual({
      approved: true,
      by: 'alice',
      comment: 'dashboards look fine',
    });
  });

  it('rejects with SendTaskSuccess {approved: false} (a decision, not a failure), naming the delivery when no one is given', async () => {
    await decideApproval(request('reject'), deps, false);
    const output = JSON.parse(sfnMock.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!);
    expect(output).toEqual({ approved: false, by: 'webhook delivery approval-1' });
  });

  it('refuses when the run is not waiting for approval (409 with the current state), sending nothing', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolves({ events: waiting().exit(APPROVAL_STATE, judged).enter('Promote', judged).events });
    const e = await refusal(decideApproval(request('approve'), deps, true));
    expect([e.statusCode, e.code, e.details.currentState]).toEqual([409, 'not-awaiting-approval', 'Promote']);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('turns a token that expired in between into 409', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    expect((await refusal(decideApproval(request('approve'), deps, true))).statusCode).toBe(409);
  });

  it('404 for an unknown run', async () => {
    sfnMock.on(GetExecutionHistoryCommand).rejects(new ExecutionDoesNotExist({ message: 'nope', $metadata: {} }));
    expect((await refusal(decideApproval(request('approve'), deps, true))).statusCode).toBe(404);
  });

  it('checks signature, id and body before reading anything', async () => {
    const forged = request('approve');
    forged.path = `/runs/${name}/reject`;
    expect((await refusal(decideApproval(forged, deps, false))).code).toBe('bad-signature');
    expect((await refusal(decideApproval(request('approve', '', 'bad id!'), deps, true))).details.field).toBe('id');
    const badBody = await refusal(decideApproval(request('approve', '{"by":"alice","approved":false}'), deps, true));
    expect([badBody.statusCode, badBody.code]).toEqual([400, 'invalid-approval-body']);
    expect(sfnMock.calls()).toHaveLength(0);
  });
});

describe('the definition agrees with the approval API', () => {
  const definition = buildDefinition(localFunctionArns());
  const awaitApproval = definition.States[APPROVAL_STATE] as {
    Resource: string;
    Parameters: { Payload: Record<string, string> };
    ResultPath: string;
    Next: string;
  };

  it(`passes the task token as Payload.${APPROVAL_TOKEN_FIELD} of a .waitForTaskToken invocation`, () => {
    expect(awaitApproval.Resource).toMatch(/\.waitForTaskToken$/);
    expect(awaitApproval.Parameters.Payload[`${APPROVAL_TOKEN_FIELD}.$`]).toBe('$$.Task.Token');
  });

  it('promotes only on approved: true', () => {
    const choice = definition.States[awaitApproval.Next] as {
      Choices: { Variable: string; BooleanEquals: boolean; Next: string }[];
    };
    expect(awaitApproval.ResultPath).toBe('$.approval');
    expect(choice.Choices).toEqual([{ Variable: '$.approval.approved', BooleanEquals: true, Next: 'Promote' }]);
  });
});
