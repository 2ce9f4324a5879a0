import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { makeHandler as analyze } from '../../functions/analyze/handler';
import { makeHandler as checkHealth } from '../../functions/check-health/handler';
import type { HandlerOptions } from '../../functions/common/task-handler';
import { makeHandler as judge } from '../../functions/judge/handler';
import { makeHandler as notify } from '../../functions/notify/handler';
import { makeHandler as promote } from '../../functions/promote/handler';
import { makeHandler as provision } from '../../functions/provision/handler';
import { makeHandler as rollback } from '../../functions/rollback/handler';
import { makeHandler as shiftWeight } from '../../functions/shift-weight/handler';
import { makeHandler as teardown } from '../../functions/teardown/handler';
import { makeHandler as validate } from '../../functions/validate/handler';
import { DEFAULT_REPORTS_DIR, DEFAULT_STATE_DIR, type Adapters } from '../../shared/adapters';
import { runInputSchema, type RunInput, type RunInputRaw } from '../../shared/config/run-config';
import { parseOrThrow } from '../../shared/config/validation';
import type { Verdict } from '../../shared/judge/types';
import type { ServedCounts } from '../../shared/reports/outcome-sentence';
import {
  lastJudgment,
  type ApprovalResult,
  type JudgmentSummary,
  type OutcomeVerdict,
  type RunState,
} from '../../shared/run-model/run-state';
import { interruptedOutcome } from '../../shared/run/outcome';
import { assertMetricsResolvable } from '../../shared/run/start';
import {
  buildDefinition,
  EXECUTION_ARN_FIELD,
  localFunctionArns,
  TASK_STATES,
  type TaskStateName,
} from '../../state-machines/definition';
import { executeDefinition, type ApprovalRequest, type ExecutionStatus, type TaskFunction } from './execute';
import { RunRecords } from '../../shared/run/run-records';
import { cleanupAfterDeadRuns, cleanupLines, recordingRuns } from './dead-runs';
import { createProgressPrinter } from './progress';
import { applySpeed } from './speed';
import { startStandIns, type RouterAfterRun, type StandIns } from './stand-ins';

/**
 * One canary run outside Step Functions: the workflow's ASL executed by aws-local-stepfunctions, each Task
 * running the same handler as on AWS, in-process. `local` starts the stand-ins (router with production, load)
 * and points the handlers at them; `aws` uses the AWS adapters (credentials and endpoints from the
 * environment) and starts nothing. Whatever happens, the run's resources and the stand-ins are gone after.
 */

export type ApprovalMode = 'approve' | 'reject' | 'ask';

export interface RunWorkflowOptions {
  /** The run input as read from the config file (validated here, before anything starts). */
  input: unknown;
  /** Overrides the input's target. */
  target?: 'local' | 'aws';
  /** Makes the run N times faster (see speed.ts). */
  speed?: number;
  reportsDir?: string;
  stateDir?: string;
  /** How AwaitApproval is answered locally (a real task-token callback is AWS-only). Default: reject. */
  approval?: ApprovalMode;
  /** For approval 'ask': asks a person a yes/no question. */
  ask?: (question: string) => Promise<boolean>;
  /** Requests per second the local load generator offers. */
  rps?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Instead of the target's real adapters (tests). */
  adapters?: (input: RunInput) => Adapters;
  signal?: AbortSignal;
}

export interface StepResult {
  step: number;
  weight: number;
  score: number;
  verdict: Verdict;
  action: JudgmentSummary['action'];
  reason: string;
  metrics: { name: string; classification: string }[];
}

export interface RunSummary {
  runId?: string;
  /** The execution's status: SUCCEEDED only when promoted. */
  status: ExecutionStatus;
  /** The Fail state's error name, e.g. CanaryRolledBack, CanaryRunFailed, ValidationError. */
  error?: string;
  cause?: string;
  decision: 'promote' | 'rollback';
  verdict?: OutcomeVerdict;
  score?: number;
  reason?: string;
  steps: StepResult[];
  /** Where the HTML report is (a file path locally, a pre-signed URL on AWS). */
  report?: string;
  transitions: number;
  /** Local runs: the router as the run left it, checked before the router stops. */
  routerAfterRun?: RouterAfterRun;
  /** An interrupted run (status ABORTED): the abort's reason when it names one, e.g. the signal `SIGTERM`. */
  interruptedBy?: string;
  /** Local runs: the requests the router sent the canary from its first traffic on, and how many got a 5xx. */
  canaryServed?: ServedCounts;
  state?: RunState;
}

/** The demo's rate too: even a 10 % step gives each version ~15 requests per 1-second period. */
export const DEFAULT_RPS = 150;

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArns()[TASK_STATES[functionName as TaskStateName]] ?? functionName,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Analyze answers with an analysis, the other tasks with a RunState. */
const HANDLER_FACTORIES: Record<
  TaskStateName,
  (options: HandlerOptions) => (event: unknown, context: Context) => Promise<unknown>
> = {
  Validate: validate,
  Provision: provision,
  CheckHealth: checkHealth,
  ShiftWeight: shiftWeight,
  Judge: judge,
  Promote: promote,
  Rollback: rollback,
  Teardown: teardown,
  Notify: notify,
  Analyze: analyze,
};

/**
 * The handlers as the executor's task functions. Invocations still running are tracked: an aborted
 * execution does not wait for them, but the clean-up after it must (a launch finishing after teardown
 * would leave instances behind).
 */
function taskFunctions(handlerOptions: HandlerOptions): {
  tasks: Record<TaskStateName, TaskFunction>;
  settled: () => Promise<void>;
} {
  const running = new Set<Promise<unknown>>();
  const entries = Object.entries(HANDLER_FACTORIES).map(([name, factory]) => {
    const handler = factory(handlerOptions);
    const invoke = (payload: unknown) => {
      const call = handler(payload, lambdaContext(name));
      running.add(call);
      void call.catch(() => undefined).finally(() => running.delete(call));
      return call;
    };
    return [name, invoke];
  });
  return {
    tasks: Object.fromEntries(entries) as Record<TaskStateName, TaskFunction>,
    settled: async () => {
      await Promise.allSettled([...running]);
    },
  };
}

function approver(options: RunWorkflowOptions): (request: ApprovalRequest) => Promise<ApprovalResult> {
  return async ({ state }) => {
    const mode = options.approval ?? 'reject';
    if (mode === 'approve') return { approved: true, by: 'canary-judge run --approve' };
    if (mode === 'reject')
      return {
        approved: false,
        by: 'canary-judge run',
        comment: 'no approval given (use --approve, or run on a terminal)',
      };
    const last = lastJudgment(state);
    const question = `Promote ${state.input.service} ${state.input.canary.version} (score ${last?.score ?? '-'}, ${last?.verdict ?? '-'})?`;
    const yes = options.ask ? await options.ask(question) : false;
    return { approved: yes, by: 'terminal' };
  };
}

/** Upper bound of a run's duration: the load generator must outlast it but never run unbounded. */
function maxRunSeconds(input: RunInput): number {
  const steps = input.steps.reduce((sum, s) => sum + s.durationSeconds, 0);
  return steps + input.healthCheck.timeoutSeconds + 300;
}

function stepResults(state: RunState | undefined): StepResult[] {
  return (state?.judgments ?? []).map((j) => ({
    step: j.step,
    weight: j.weight,
    score: j.score,
    verdict: j.verdict,
    action: j.action,
    reason: j.reason,
    metrics: j.metrics.map((m) => ({ name: m.name, classification: m.classification })),
  }));
}

/**
 * Before a run starts: what runs on this machine left when their runner was killed (processes, and router
 * resources if their router still runs). A failure here is reported and does not stop the new run.
 */
async function sweepAfterDeadRuns(
  stateDir: string,
  env: NodeJS.ProcessEnv,
  progress: ((line: string) => void) | undefined,
): Promise<void> {
  try {
    const result = await cleanupAfterDeadRuns(stateDir, 'local', env);
    const lines = cleanupLines(result);
    if (lines.length > 0) progress?.('cleaning up after runs whose runner was killed:');
    for (const line of lines) progress?.(`  ${line}`);
  } catch (error) {
    progress?.(
      `WARNING: cleaning up after earlier runs failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The reason given to AbortController.abort() when it is a name (the CLI gives the signal's), else none. */
function abortReason(signal: AbortSignal | undefined): string | undefined {
  return typeof signal?.reason === 'string' ? signal.reason : undefined;
}

/** Notify for a run the workflow did not finish: the outcome says it was interrupted, where, and how teardown went. */
async function notifyInterrupted(
  state: RunState,
  notify: TaskFunction,
  context: { executionId: string; interruptedBy?: string; teardownNote: string },
  options: Pick<RunWorkflowOptions, 'progress'>,
): Promise<RunState> {
  const outcome = state.outcome ?? interruptedOutcome(state, context.interruptedBy, context.teardownNote);
  try {
    const notified = (await notify({
      state: { ...state, outcome },
      [EXECUTION_ARN_FIELD]: context.executionId,
    })) as RunState;
    options.progress?.(`report: ${notified.outcome?.reportUrl ?? notified.outcome?.reportKey ?? '(none)'}`);
    return notified;
  } catch (error) {
    options.progress?.(
      `reporting the interrupted run failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { ...state, outcome };
  }
}

/** Validates the input the way the Validate state will, before anything is started. */
export function prepareInput(options: Pick<RunWorkflowOptions, 'input' | 'target' | 'speed'>): {
  raw: RunInputRaw;
  input: RunInput;
} {
  const given = (typeof options.input === 'object' && options.input !== null ? options.input : {}) as RunInputRaw;
  const targeted = { ...given, target: options.target ?? given.target ?? 'local' } as RunInputRaw;
  // Validate what was given first: scaling would clamp a zero or negative duration into a valid one, and
  // trips over a field of the wrong type. The scaled input is validated again, as the Validate state will.
  parseOrThrow(runInputSchema, targeted, 'run input');
  const raw = applySpeed(targeted, options.speed ?? 1);
  const input = parseOrThrow(runInputSchema, raw, 'run input');
  assertMetricsResolvable(input);
  return { raw, input };
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunSummary> {
  const { raw, input } = prepareInput(options);
  const baseEnv = options.env ?? process.env;
  let standIns: StandIns | undefined;
  let runInput: RunInputRaw = raw;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    CANARY_JUDGE_STATE_DIR: path.resolve(options.stateDir ?? baseEnv.CANARY_JUDGE_STATE_DIR ?? DEFAULT_STATE_DIR),
    CANARY_JUDGE_REPORTS_DIR: path.resolve(
      options.reportsDir ?? baseEnv.CANARY_JUDGE_REPORTS_DIR ?? DEFAULT_REPORTS_DIR,
    ),
    // The handlers log structured JSON; on a terminal only what needs attention.
    CANARY_JUDGE_LOG_LEVEL: baseEnv.CANARY_JUDGE_LOG_LEVEL ?? 'WARN',
  };
  const stateDir = env.CANARY_JUDGE_STATE_DIR as string;
  await sweepAfterDeadRuns(stateDir, baseEnv, options.progress);
  try {
    if (input.target === 'local') {
      standIns = await startStandIns(input, {
        rps: options.rps ?? DEFAULT_RPS,
        maxSeconds: maxRunSeconds(input),
        logDir: path.join(stateDir, 'production'),
        env: baseEnv,
      });
      env.CANARY_JUDGE_ROUTER_URL = standIns.adminUrl;
      // The run's listener and production target group are the ones of the router started here.
      runInput = {
        ...raw,
        traffic: {
          ...raw.traffic,
          listenerArn: standIns.listenerArn,
          productionTargetGroupArn: standIns.productionTargetGroupArn,
        },
      };
      options.progress?.(
        `local router on ${standIns.listenerUrl} (production ${input.baseline.version}); load ${options.rps ?? DEFAULT_RPS} req/s`,
      );
    }
    const handlers = taskFunctions({ env, adapters: options.adapters });
    const tasks = recordingRuns(handlers.tasks, new RunRecords(stateDir), env.CANARY_JUDGE_ROUTER_URL);
    const { settled } = handlers;
    const served = standIns?.served;
    const executionId = `local-${randomUUID()}`;
    const result = await executeDefinition(buildDefinition(localFunctionArns()), runInput, {
      tasks,
      approve: approver(options),
      onEvent: options.progress ? createProgressPrinter({ write: options.progress, served }) : undefined,
      signal: options.signal,
      executionId,
    });
    await settled();
    let state = result.lastState;
    let teardownNote = 'torn down';
    if (state && !state.teardown) {
      // Aborted or failed before teardown finished: teardown is idempotent, so run it once more here.
      options.progress?.('the workflow ended before teardown: tearing down now');
      const before = state;
      state = await (tasks.Teardown(state) as Promise<RunState>).then(
        (done) => {
          options.progress?.(
            `torn down: traffic 100% production, removed ${done.teardown?.removed.length ?? 0} resource(s)`,
          );
          return done;
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          teardownNote = `teardown failed: ${message}`;
          options.progress?.(`teardown after the run failed: ${message}`);
          return before;
        },
      );
    }
    const interruptedBy = result.status === 'ABORTED' ? abortReason(options.signal) : undefined;
    if (state && result.status === 'ABORTED' && !state.outcome?.reportKey) {
      // An interrupted run skipped Notify: report it and tell people, with why it ended.
      state = await notifyInterrupted(state, tasks.Notify, { executionId, interruptedBy, teardownNote }, options);
    }
    const routerAfterRun = standIns?.routerAfterRun();
    if (routerAfterRun && (!routerAfterRun.productionOnly || routerAfterRun.extraTargetGroups.length > 0)) {
      options.progress?.(`WARNING: the run left the router with ${JSON.stringify(routerAfterRun)}`);
    }
    const outcome = state?.outcome;
    const canaryServed = state?.trafficStartedAt
      ? standIns?.served(state, new Date(state.trafficStartedAt))?.canary
      : undefined;
    return {
      runId: state?.runId,
      status: result.status,
      error: result.error,
      cause: result.cause,
      decision: result.status === 'SUCCEEDED' ? 'promote' : 'rollback',
      verdict: outcome?.verdict,
      score: outcome?.score,
      reason: outcome?.reason ?? result.cause,
      steps: stepResults(state),
      report: outcome?.reportUrl,
      transitions: result.transitions,
      routerAfterRun,
      interruptedBy,
      canaryServed,
      state,
    };
  } finally {
    await standIns?.stop();
  }
}
