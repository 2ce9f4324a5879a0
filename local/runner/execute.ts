import './polyfill';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { APPROVAL_STATE, TASK_STATES, type AslDefinition, type TaskStateName } from '../../state-machines/definition';
import type { ApprovalResult, RunState } from '../../shared/run-model/run-state';

/**
 * Executes the workflow's ASL with aws-local-stepfunctions, every Lambda Task mapped (by state name) to an
 * in-process function. Waits are real time unless overridden (tests); retries wait only `retryIntervalMs`.
 */

/** One Lambda function: takes the invocation's Payload, returns what the function returns. */
export type TaskFunction = (payload: unknown) => Promise<unknown>;

export interface ApprovalRequest {
  state: RunState;
  executionArn: string;
  approvalToken: string;
}

/** The event shape of aws-local-stepfunctions' event log, as far as the runner reads it. */
export interface ExecutionEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  Error?: string;
  Cause?: unknown;
}

export interface ExecuteOptions {
  tasks: Record<TaskStateName, TaskFunction>;
  /** Answers AwaitApproval (a real .waitForTaskToken cannot call back locally). */
  approve: (request: ApprovalRequest) => Promise<ApprovalResult>;
  /** Delay before a retry, instead of the definition's back-off (default 200 ms). */
  retryIntervalMs?: number;
  /** Milliseconds for named Wait states instead of their real duration (tests). */
  waitOverridesMs?: Record<string, number>;
  onEvent?: (event: ExecutionEvent) => void;
  signal?: AbortSignal;
  /** The context object's `Execution.Id` (on AWS the execution ARN). Default: `local-<uuid>`. */
  executionId?: string;
}

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionResult {
  status: ExecutionStatus;
  /** The failing Fail state's (or unhandled) error name and cause. */
  error?: string;
  cause?: string;
  /** The newest RunState a state saw: Fail states have no output, so this is how a failed run is read. */
  lastState?: RunState;
  /** States entered: Step Functions' billed state transitions. */
  transitions: number;
  /** Names of the states entered, in order. */
  path: string[];
}

function isRunState(value: unknown): value is RunState {
  return (
    typeof value === 'object' && value !== null && typeof (value as RunState).runId === 'string' && 'resources' in value
  );
}

function lambdaOverride(fn: TaskFunction) {
  // aws-local-stepfunctions hands over the resolved Parameters ({FunctionName, Payload}) and expects the
  // lambda:invoke result envelope back; OutputPath $.Payload unwraps it as on AWS.
  return async (parameters: unknown) => {
    const { Payload } = parameters as { Payload: unknown };
    return { Payload: await fn(Payload) } as never;
  };
}

export async function executeDefinition(
  definition: AslDefinition,
  input: unknown,
  options: ExecuteOptions,
): Promise<ExecutionResult> {
  // The library annotates the definition it validates: give it a copy. (A JSON copy, not structuredClone: the
  // library's plain-object check fails on objects from another realm, e.g. under jest.)
  const copy = JSON.parse(JSON.stringify(definition)) as StateMachineDefinition;
  const machine = new StateMachine(copy, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const taskStates = Object.keys(TASK_STATES) as TaskStateName[];
  const handlers = Object.fromEntries(taskStates.map((name) => [name, lambdaOverride(options.tasks[name])]));
  handlers[APPROVAL_STATE] = async (parameters: unknown) => {
    const { Payload } = parameters as { Payload: ApprovalRequest };
    return (await options.approve(Payload)) as never;
  };
  const retryMs = options.retryIntervalMs ?? 200;
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: options.waitOverridesMs,
      retryIntervalOverrides: Object.fromEntries([...taskStates, APPROVAL_STATE].map((name) => [name, retryMs])),
    },
    // The context object paths the definition reads: $$.Execution.Id (Notify) and $$.Task.Token (AwaitApproval).
    context: { Execution: { Id: options.executionId ?? `local-${randomUUID()}` }, Task: { Token: 'local-approval' } },
    noThrowOnAbort: true,
  });
  const abort = () => execution.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  // Interrupted while the run was being prepared (stand-ins starting): stop before the first state does anything.
  if (options.signal?.aborted) abort();
  // The event log says how it ended; the result promise only needs settling. Handled from the start: it
  // rejects (a Fail state) while the log is still being read, and a rejection nobody handles ends the process.
  const ended = execution.result.catch(() => undefined);

  const result: ExecutionResult = { status: 'SUCCEEDED', transitions: 0, path: [] };
  try {
    for await (const event of execution.eventLogs as AsyncGenerator<ExecutionEvent>) {
      if (event.type === 'StateEntered' && event.state) {
        result.transitions += 1;
        result.path.push(event.state.name);
        if (isRunState(event.state.input)) result.lastState = event.state.input;
      }
      if (event.type === 'StateExited' && isRunState(event.state?.output)) result.lastState = event.state.output;
      if (event.type === 'ExecutionFailed') {
        result.status = 'FAILED';
        result.error = event.Error;
        result.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
      }
      if (event.type === 'ExecutionAborted') result.status = 'ABORTED';
      options.onEvent?.(event);
    }
    await ended;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  return result;
}
