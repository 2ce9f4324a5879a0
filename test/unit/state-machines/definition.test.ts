import aslValidator from 'asl-validator';
import { executeDefinition, type ExecuteOptions, type TaskFunction } from '../../../local/runner/execute';
import { MAX_HEALTH_POLLS } from '../../../shared/run/provision';
import type { Action, ApprovalResult, RunState } from '../../../shared/run-model/run-state';
import {
  ADAPTER_RETRYABLE_ERRORS,
  APPROVAL_STATE,
  LAMBDA_TRANSIENT_ERRORS,
  TASK_NAMES,
  TASK_STATES,
  buildDefinition,
  localFunctionArns,
  type AslState,
  type TaskStateName,
} from '../../../state-machines/definition';

const definition = buildDefinition(localFunctionArns());
const states = definition.States;
const taskStates = Object.entries(states).filter(([, s]) => s.Type === 'Task');

describe('buildDefinition: shape', () => {
  it('is valid ASL according to asl-validator', () => {
    // asl-validator annotates what it checks (QueryLanguage on every state): give it a copy.
    const result = aslValidator(JSON.parse(JSON.stringify(definition)));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('uses JSONPath only: no JSONata, no variables', () => {
    const text = JSON.stringify(buildDefinition(localFunctionArns()));
    expect(text).not.toMatch(/QueryLanguage|"Assign"|"Output"|"Arguments"|\{%/);
  });

  it('has one Lambda Task per task name, invoked with the whole state as payload (notify: with the execution ARN)', () => {
    expect(Object.values(TASK_STATES).sort()).toEqual([...TASK_NAMES].sort());
    for (const [name, task] of Object.entries(TASK_STATES)) {
      const state = states[name];
      const payload =
        name === 'Notify' ? { Payload: { 'state.$': '$', 'executionArn.$': '$$.Execution.Id' } } : { 'Payload.$': '$' };
      expect(state).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: localFunctionArns()[task], ...payload },
        OutputPath: '$.Payload',
      });
      expect(Object.keys(state.Parameters as AslState).sort()).toEqual(
        ['FunctionName', ...Object.keys(payload)].sort(),
      );
    }
  });

  it.each(taskStates.map(([name, state]) => [name, state] as const))(
    '%s retries transient Lambda and adapter errors and catches everything into $.error',
    (_name, state) => {
      const retriedNames = (state.Retry as AslState[]).flatMap((r) => r.ErrorEquals as string[]);
      expect(retriedNames).toEqual(expect.arrayContaining([...LAMBDA_TRANSIENT_ERRORS, ...ADAPTER_RETRYABLE_ERRORS]));
      expect(retriedNames).not.toContain('States.ALL');
      expect(state.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], ResultPath: '$.error' })]);
      expect(state.TimeoutSeconds).toBeGreaterThan(0);
    },
  );

  it('sends every failure before teardown to Rollback, and teardown/notify failures to a Fail state', () => {
    const catchTarget = (name: string) => (states[name].Catch as AslState[])[0].Next as string;
    for (const name of ['Provision', 'CheckHealth', 'ShiftWeight', 'Judge', 'Promote', APPROVAL_STATE]) {
      expect([name, catchTarget(name)]).toEqual([name, 'Rollback']);
    }
    expect(catchTarget('Rollback')).toBe('Teardown');
    expect(states[catchTarget('Validate')].Type).toBe('Fail');
    expect(states[catchTarget('Teardown')]).toMatchObject({ Type: 'Fail', Error: 'CanaryTeardownFailed' });
    expect(states[catchTarget('Notify')]).toMatchObject({ Type: 'Fail', Error: 'CanaryNotifyFailed' });
  });

  it('waits for the health interval and the step duration from the state', () => {
    expect(states.WaitForHealth).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.health.waitSeconds',
      Next: 'CheckHealth',
    });
    expect(states.Bake).toMatchObject({ Type: 'Wait', SecondsPath: '$.step.waitSeconds', Next: 'Judge' });
  });

  it('asks for approval with a task token only through the .waitForTaskToken state', () => {
    expect(states[APPROVAL_STATE]).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        Payload: { 'state.$': '$', 'executionArn.$': '$$.Execution.Id', 'approvalToken.$': '$$.Task.Token' },
      },
      ResultPath: '$.approval',
    });
  });
});

/** A stand-in workflow: each stub does to the state what the real handler does, driven by `input.plan`. */
interface Plan {
  pendingPolls: number;
  unhealthy?: boolean;
  /** The action of each step's last look. */
  decisions: Action[];
  /** Looks per step (sequential judging): every look before the last answers `wait`. Default 1. */
  looksPerStep?: number;
  approval?: 'before-promote';
  /** Task state → errors to throw on the first calls (then succeed), or 'always'. */
  failures?: Partial<Record<TaskStateName, { name: string; times: number | 'always' }>>;
}

type StubState = RunState & { input: RunState['input'] & { plan: Plan } };

function stubWorkflow(plan: Plan, answer?: ApprovalResult) {
  const calls: string[] = [];
  const failuresLeft = new Map(Object.entries(plan.failures ?? {}).map(([k, v]) => [k, v.times]));
  /** What Notify and AwaitApproval were told the execution's ARN is. */
  const executionArns: string[] = [];
  const looksTaken: number[] = [];
  const stub =
    (name: TaskStateName, step: (s: StubState) => Partial<RunState>): TaskFunction =>
    async (event) => {
      calls.push(name);
      // Notify's payload is { state, executionArn }; every other task's is the state itself.
      const payload = name === 'Notify' ? (event as { state: unknown }).state : event;
      if (name === 'Notify') executionArns.push((event as { executionArn: string }).executionArn);
      const failure = plan.failures?.[name];
      const left = failuresLeft.get(name);
      if (failure && (left === 'always' || (typeof left === 'number' && left > 0))) {
        if (typeof left === 'number') failuresLeft.set(name, left - 1);
        const error = new Error(`${name} broke`);
        error.name = failure.name;
        throw error;
      }
      const s = payload as StubState;
      return { ...s, ...step(s) };
    };
  const tasks: Record<TaskStateName, TaskFunction> = {
    Validate: async (payload) => {
      calls.push('Validate');
      const input = payload as StubState['input'];
      if (plan.failures?.Validate) {
        const error = new Error('invalid run input: steps[1].weight: weights must not decrease');
        error.name = 'ValidationError';
        throw error;
      }
      return { runId: 'run-1', input, startedAt: '2026-01-01T00:00:00Z', resources: {}, judgments: [] };
    },
    Provision: stub('Provision', () => ({
      resources: {},
      health: { status: 'pending', attempts: 0, deadline: '2026-01-01T00:10:00Z', waitSeconds: 1 },
    })),
    CheckHealth: stub('CheckHealth', (s) => {
      const attempts = (s.health?.attempts ?? 0) + 1;
      const status = s.input.plan.unhealthy
        ? 'unhealthy'
        : attempts > s.input.plan.pendingPolls
          ? 'healthy'
          : 'pending';
      return { health: { ...s.health!, attempts, status, detail: status === 'unhealthy' ? 'canary exited' : 'ok' } };
    }),
    ShiftWeight: stub('ShiftWeight', (s) => {
      const index = s.step ? s.step.index + 1 : 0;
      return { step: { index, weight: 10 * (index + 1), appliedAt: '2026-01-01T00:01:00Z', waitSeconds: 1 } };
    }),
    Judge: stub('Judge', (s) => {
      const index = s.step!.index;
      looksTaken[index] = (looksTaken[index] ?? 0) + 1;
      const last = looksTaken[index] >= (s.input.plan.looksPerStep ?? 1);
      const action = last ? s.input.plan.decisions[index] : 'wait';
      return { decision: { action, reason: `step ${index + 1}: ${action}` } };
    }),
    Promote: stub('Promote', (s) => ({
      outcome: { decision: 'promote', verdict: 'pass', score: 90, reason: s.decision!.reason },
    })),
    Rollback: stub('Rollback', (s) => ({
      outcome: {
        decision: 'rollback',
        verdict: 'fail',
        score: 0,
        reason: s.error ? `run error: ${s.error.Error}` : (s.decision?.reason ?? 'unhealthy'),
      },
    })),
    Teardown: stub('Teardown', () => ({ teardown: { trafficRestored: true, removed: ['x'], alreadyGone: [] } })),
    Notify: stub('Notify', (s) => ({
      outcome: s.outcome ?? { decision: 'rollback', verdict: 'fail', score: 0, reason: `run error: ${s.error?.Error}` },
    })),
    Analyze: async () => {
      calls.push('Analyze');
      throw new Error('a run input never reaches Analyze');
    },
  };
  const options: ExecuteOptions = {
    tasks,
    approve: async (request) => {
      calls.push(`approve:${request.state.runId}`);
      executionArns.push(request.executionArn);
      return answer ?? { approved: false };
    },
    retryIntervalMs: 1,
    waitOverridesMs: { WaitForHealth: 0, Bake: 0 },
    executionId: EXECUTION_ARN,
  };
  const run = () => executeDefinition(definition, { service: 'svc', approval: plan.approval ?? 'none', plan }, options);
  return { calls, run, executionArns };
}

const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:canary-judge-run:checkout_1.42.0_gh-1';

describe('buildDefinition: executed with stub handlers (aws-local-stepfunctions)', () => {
  it('promotes a healthy 4-step run in fewer than 200 transitions', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 3,
      decisions: ['continue', 'continue', 'continue', 'promote'],
    });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    // Mode, Validate, Provision, 4 polls (CheckHealth + HealthChoice) with 3 waits between, 4 steps of
    // ShiftWeight/Bake/Judge/Decide, NeedsApproval, Promote, Teardown, Notify, Finished, Promoted.
    expect(result.transitions).toBe(1 + 2 + 4 * 2 + 3 + 4 * 4 + 6);
    expect(result.transitions).toBeLessThan(200);
    expect(calls.filter((c) => c === 'ShiftWeight')).toHaveLength(4);
    expect(calls.slice(-3)).toEqual(['Promote', 'Teardown', 'Notify']);
    expect(result.lastState?.outcome?.decision).toBe('promote');
  });

  it('looks every minute of four 10-minute steps in 3 transitions a look: 144 in all', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 3,
      looksPerStep: 10,
      decisions: ['continue', 'continue', 'continue', 'promote'],
    });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    // as above, with Bake/Judge/Decide 10 times per step instead of once
    expect(result.transitions).toBe(1 + 2 + 4 * 2 + 3 + 4 * (1 + 10 * 3) + 6);
    expect(calls.filter((c) => c === 'Judge')).toHaveLength(40);
    expect(calls.filter((c) => c === 'ShiftWeight')).toHaveLength(4);
  });

  it('stays under 200 transitions with the most health polls a run can make', async () => {
    const { run } = stubWorkflow({
      pendingPolls: MAX_HEALTH_POLLS - 1,
      decisions: ['continue', 'continue', 'continue', 'promote'],
    });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.transitions).toBe(1 + 2 + MAX_HEALTH_POLLS * 3 - 1 + 4 * 4 + 6);
    expect(result.transitions).toBeLessThan(200);
  });

  it('rolls back at the failing step: FAILED with CanaryRolledBack and the reason as cause, torn down and notified once', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 0,
      decisions: ['continue', 'rollback', 'continue', 'promote'],
    });
    const result = await run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack', cause: 'step 2: rollback' });
    expect(calls).toEqual([
      'Validate',
      'Provision',
      'CheckHealth',
      'ShiftWeight',
      'Judge',
      'ShiftWeight',
      'Judge',
      'Rollback',
      'Teardown',
      'Notify',
    ]);
    expect(result.lastState?.outcome).toMatchObject({ decision: 'rollback', reason: 'step 2: rollback' });
  });

  it('rolls back an unhealthy canary before any traffic moves', async () => {
    const { calls, run } = stubWorkflow({ pendingPolls: 0, unhealthy: true, decisions: [] });
    const result = await run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack' });
    expect(calls).not.toContain('ShiftWeight');
    expect(calls.slice(-3)).toEqual(['Rollback', 'Teardown', 'Notify']);
  });

  it('retries a transient adapter error and carries on', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 0,
      decisions: ['promote'],
      failures: { Judge: { name: 'ThrottlingException', times: 2 } },
    });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c === 'Judge')).toHaveLength(3);
  });

  it('ends as CanaryRunFailed after rolling back, tearing down and notifying when a step errors', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 0,
      decisions: ['continue', 'promote'],
      failures: { Judge: { name: 'MetricsBroken', times: 'always' } },
    });
    const result = await run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'CanaryRunFailed', cause: 'run error: MetricsBroken' });
    // not retried: not a transient error name
    expect(calls.filter((c) => c === 'Judge')).toHaveLength(1);
    expect(calls.slice(-3)).toEqual(['Rollback', 'Teardown', 'Notify']);
    expect(result.lastState?.error).toEqual({ Error: 'MetricsBroken', Cause: 'Judge broke' });
  });

  it('still tears down and notifies when the rollback itself fails', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 0,
      decisions: ['rollback'],
      failures: { Rollback: { name: 'RouterDown', times: 'always' } },
    });
    const result = await run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'CanaryRunFailed' });
    expect(calls.slice(-3)).toEqual(['Rollback', 'Teardown', 'Notify']);
  });

  it('ends the run with CanaryTeardownFailed when teardown keeps failing (after retrying transient errors)', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 0,
      decisions: ['promote'],
      failures: { Teardown: { name: 'RetryableError', times: 'always' } },
    });
    const result = await run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'CanaryTeardownFailed', cause: 'Teardown broke' });
    expect(calls.filter((c) => c === 'Teardown')).toHaveLength(1 + 6);
    expect(calls).not.toContain('Notify');
  });

  it('ends the run with CanaryNotifyFailed when notify fails', async () => {
    const { run } = stubWorkflow({
      pendingPolls: 0,
      decisions: ['promote'],
      failures: { Notify: { name: 'S3Down', times: 'always' } },
    });
    expect(await run()).toMatchObject({ status: 'FAILED', error: 'CanaryNotifyFailed' });
  });

  it('fails with the validation error and creates nothing when Validate refuses the input', async () => {
    const { calls, run } = stubWorkflow({
      pendingPolls: 0,
      decisions: [],
      failures: { Validate: { name: 'ValidationError', times: 'always' } },
    });
    const result = await run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(result.cause).toContain('steps[1].weight');
    expect(calls).toEqual(['Validate']);
  });

  it('gives the notify function the execution ARN from the context object ($$.Execution.Id)', async () => {
    const { run, executionArns } = stubWorkflow({ pendingPolls: 0, decisions: ['rollback'] });
    expect(await run()).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack' });
    expect(executionArns).toEqual([EXECUTION_ARN]);
  });

  it('promotes after an approval and rolls back after a rejection', async () => {
    const approved = stubWorkflow(
      { pendingPolls: 0, decisions: ['promote'], approval: 'before-promote' },
      { approved: true, by: 'ana' },
    );
    expect(await approved.run()).toMatchObject({ status: 'SUCCEEDED' });
    expect(approved.calls).toEqual(expect.arrayContaining(['approve:run-1', 'Promote']));
    // AwaitApproval's request and Notify both carry the execution ARN.
    expect(approved.executionArns).toEqual([EXECUTION_ARN, EXECUTION_ARN]);

    const rejected = stubWorkflow(
      { pendingPolls: 0, decisions: ['promote'], approval: 'before-promote' },
      { approved: false, by: 'ana' },
    );
    const result = await rejected.run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack' });
    expect(rejected.calls).not.toContain('Promote');
    expect(result.lastState?.approval).toEqual({ approved: false, by: 'ana' });
  });
});
