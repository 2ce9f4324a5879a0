/**
 * The canary run as an Amazon States Language definition (JSONPath only: the local runner,
 * aws-local-stepfunctions, supports neither JSONata nor variables). CDK deploys it with real Lambda ARNs;
 * the local runner executes the very same JSON with each Task mapped to the same handler in-process.
 *
 *   (Mode: `mode: "analyze"` → Analyze → Analyzed → AnalysisPromoted | AnalysisRolledBack)
 *   Validate → Provision → CheckHealth ⇄ WaitForHealth → [ShiftWeight → (Bake → Judge → Decide)+]* →
 *   (NeedsApproval → AwaitApproval →) Promote | Rollback → Teardown → Notify → Finished → Promoted | RolledBack | RunFailed
 *
 * Outcome as execution status, so CI can tell them apart without reading the output:
 * SUCCEEDED = promoted; FAILED with Error `CanaryRolledBack` = the canary was judged bad, unhealthy or rejected;
 * `CanaryRunFailed` = the run itself broke (after rolling back); `CanaryTeardownFailed` / `CanaryNotifyFailed` =
 * clean-up or reporting broke; any other name (e.g. `ValidationError`) = Validate refused the run and nothing
 * was changed. The Cause is the outcome's human reason, or the error's message.
 */

export const TASK_NAMES = [
  'validate',
  'provision',
  'check-health',
  'shift-weight',
  'judge',
  'promote',
  'rollback',
  'teardown',
  'notify',
  'analyze',
] as const;

export type TaskName = (typeof TASK_NAMES)[number];

/** State name of each Task state (the local runner's overrides are keyed by state name). */
export const TASK_STATES = {
  Validate: 'validate',
  Provision: 'provision',
  CheckHealth: 'check-health',
  ShiftWeight: 'shift-weight',
  Judge: 'judge',
  Promote: 'promote',
  Rollback: 'rollback',
  Teardown: 'teardown',
  Notify: 'notify',
  Analyze: 'analyze',
} as const satisfies Record<string, TaskName>;

export type TaskStateName = keyof typeof TASK_STATES;

/** The `.waitForTaskToken` state: it invokes the notify function with the token and waits for a person. */
export const APPROVAL_STATE = 'AwaitApproval';
/** The Lambda payload field carrying the task token (the payload is `{ state, executionArn, approvalToken }`). */
export const APPROVAL_TOKEN_FIELD = 'approvalToken';
/**
 * The notify function's payload field carrying the execution's ARN (`$$.Execution.Id`), for the console
 * link in its messages; Notify's payload is `{ state, executionArn }`. Only notify gets it: the other
 * tasks take the bare RunState.
 */
export const EXECUTION_ARN_FIELD = 'executionArn';
/** Context object path of the execution's ARN (the local runner sets it too). */
const EXECUTION_ID_PATH = '$$.Execution.Id';

/** Error names of the terminal Fail states. */
export const RUN_ERRORS = {
  rolledBack: 'CanaryRolledBack',
  runFailed: 'CanaryRunFailed',
  teardownFailed: 'CanaryTeardownFailed',
  notifyFailed: 'CanaryNotifyFailed',
} as const;

/** Lambda service hiccups worth another attempt (the names Step Functions reports for them). */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * Errors the adapters let escape when a call may succeed if repeated: the AWS SDK's throttling and
 * service-side names, and our own RetryableError (shared/aws/errors.ts).
 */
export const ADAPTER_RETRYABLE_ERRORS = [
  'RetryableError',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
];

export interface DefinitionOptions {
  /** Upper bound for one handler invocation; a hung handler is caught and rolled back. Default 300. */
  taskTimeoutSeconds?: number;
  /** How long AwaitApproval waits for a person before rolling back. Default 24 h. */
  approvalTimeoutSeconds?: number;
  comment?: string;
}

export type AslState = Record<string, unknown>;

export interface AslDefinition {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

interface RetryPolicy {
  adapterAttempts: number;
  maxDelaySeconds: number;
}

const NORMAL_RETRY: RetryPolicy = { adapterAttempts: 3, maxDelaySeconds: 20 };
// Teardown is idempotent and leaving resources behind costs money: try harder.
const TEARDOWN_RETRY: RetryPolicy = { adapterAttempts: 6, maxDelaySeconds: 60 };

function retry(policy: RetryPolicy): AslState[] {
  return [
    {
      ErrorEquals: LAMBDA_TRANSIENT_ERRORS,
      IntervalSeconds: 1,
      MaxAttempts: 3,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    },
    {
      ErrorEquals: ADAPTER_RETRYABLE_ERRORS,
      IntervalSeconds: 2,
      MaxAttempts: policy.adapterAttempts,
      BackoffRate: 2,
      MaxDelaySeconds: policy.maxDelaySeconds,
      JitterStrategy: 'FULL',
    },
  ];
}

function catchTo(next: string): AslState[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];
}

function failWithReason(error: string, causePath: string): AslState {
  return { Type: 'Fail', Error: error, CausePath: causePath };
}

export function buildDefinition(
  functionArns: Record<TaskName, string>,
  options: DefinitionOptions = {},
): AslDefinition {
  const taskTimeout = options.taskTimeoutSeconds ?? 300;

  const wholeState = { 'Payload.$': '$' };
  const task = (
    name: TaskName,
    next: string,
    onError: string,
    policy = NORMAL_RETRY,
    payload: AslState = wholeState,
  ): AslState => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArns[name], ...payload },
    OutputPath: '$.Payload',
    TimeoutSeconds: taskTimeout,
    Retry: retry(policy),
    Catch: catchTo(onError),
    Next: next,
  });

  return {
    Comment:
      options.comment ??
      'canary-judge: provision baseline + canary, shift traffic step by step, judge each step, promote or roll back, always tear down and notify',
    StartAt: 'Mode',
    States: {
      // An analysis of a canary deployed by other means reads metrics only: it never reaches the run's states.
      Mode: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.mode', IsPresent: true },
              { Variable: '$.mode', StringEquals: 'analyze' },
            ],
            Next: 'Analyze',
          },
        ],
        Default: 'Validate',
      },
      // Bad input fails as a run's does (NotStarted, the ValidationError naming the field); nothing was changed.
      Analyze: task('analyze', 'Analyzed', 'NotStarted'),
      Analyzed: {
        Type: 'Choice',
        Choices: [{ Variable: '$.decision', StringEquals: 'promote', Next: 'AnalysisPromoted' }],
        Default: 'AnalysisRolledBack',
      },
      AnalysisPromoted: { Type: 'Succeed' },
      AnalysisRolledBack: failWithReason(RUN_ERRORS.rolledBack, '$.headline'),

      // Bad input or a listener held by another run: nothing was created, so there is nothing to undo.
      Validate: task('validate', 'Provision', 'NotStarted'),
      NotStarted: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },

      Provision: task('provision', 'CheckHealth', 'Rollback'),
      CheckHealth: task('check-health', 'HealthChoice', 'Rollback'),
      HealthChoice: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.health.status', StringEquals: 'healthy', Next: 'ShiftWeight' },
          // check-health turns "still pending after the deadline" into unhealthy.
          { Variable: '$.health.status', StringEquals: 'unhealthy', Next: 'Rollback' },
        ],
        Default: 'WaitForHealth',
      },
      WaitForHealth: { Type: 'Wait', SecondsPath: '$.health.waitSeconds', Next: 'CheckHealth' },

      ShiftWeight: task('shift-weight', 'Bake', 'Rollback'),
      Bake: { Type: 'Wait', SecondsPath: '$.step.waitSeconds', Next: 'Judge' },
      Judge: task('judge', 'Decide', 'Rollback'),
      Decide: {
        Type: 'Choice',
        Choices: [
          // another look at the same step (sequential judging): wait until it is due, judge again
          { Variable: '$.decision.action', StringEquals: 'wait', Next: 'Bake' },
          { Variable: '$.decision.action', StringEquals: 'continue', Next: 'ShiftWeight' },
          { Variable: '$.decision.action', StringEquals: 'promote', Next: 'NeedsApproval' },
        ],
        Default: 'Rollback',
      },

      NeedsApproval: {
        Type: 'Choice',
        Choices: [{ Variable: '$.input.approval', StringEquals: 'before-promote', Next: APPROVAL_STATE }],
        Default: 'Promote',
      },
      [APPROVAL_STATE]: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: functionArns.notify,
          Payload: {
            'state.$': '$',
            [`${EXECUTION_ARN_FIELD}.$`]: EXECUTION_ID_PATH,
            [`${APPROVAL_TOKEN_FIELD}.$`]: '$$.Task.Token',
          },
        },
        // SendTaskSuccess's output is an ApprovalResult (shared/run/run-state.ts): { approved, by?, comment? }.
        ResultPath: '$.approval',
        TimeoutSeconds: options.approvalTimeoutSeconds ?? 86_400,
        Retry: retry(NORMAL_RETRY),
        Catch: catchTo('Rollback'),
        Next: 'ApprovalChoice',
      },
      ApprovalChoice: {
        Type: 'Choice',
        Choices: [{ Variable: '$.approval.approved', BooleanEquals: true, Next: 'Promote' }],
        Default: 'Rollback',
      },

      Promote: task('promote', 'Teardown', 'Rollback'),
      // A failing rollback still has to tear down: teardown restores traffic as its first act.
      Rollback: task('rollback', 'Teardown', 'Teardown'),
      Teardown: task('teardown', 'Notify', 'TeardownFailed', TEARDOWN_RETRY),
      TeardownFailed: failWithReason(RUN_ERRORS.teardownFailed, '$.error.Cause'),
      Notify: task('notify', 'Finished', 'NotifyFailed', NORMAL_RETRY, {
        Payload: { 'state.$': '$', [`${EXECUTION_ARN_FIELD}.$`]: EXECUTION_ID_PATH },
      }),
      NotifyFailed: failWithReason(RUN_ERRORS.notifyFailed, '$.error.Cause'),

      Finished: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.outcome.decision', StringEquals: 'promote', Next: 'Promoted' },
          { Variable: '$.error', IsPresent: true, Next: 'RunFailed' },
        ],
        Default: 'RolledBack',
      },
      Promoted: { Type: 'Succeed' },
      RolledBack: failWithReason(RUN_ERRORS.rolledBack, '$.outcome.reason'),
      RunFailed: failWithReason(RUN_ERRORS.runFailed, '$.outcome.reason'),
    },
  };
}

/** Lambda ARNs for running the definition outside AWS (the local runner overrides every Task by state name). */
export function localFunctionArns(prefix = 'canary-judge'): Record<TaskName, string> {
  return Object.fromEntries(
    TASK_NAMES.map((name) => [name, `arn:aws:lambda:us-east-1:000000000000:function:${prefix}-${name}`]),
  ) as Record<TaskName, string>;
}
