import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createAdapters, type Adapters } from '../../shared/adapters';
import type { RunInput } from '../../shared/config/run-config';
import { parseOrThrow } from '../../shared/config/validation';
import type { RunLog } from '../../shared/run-model/run-log';
import { lastJudgment, type RunState } from '../../shared/run-model/run-state';
import { runStateSchema } from '../../shared/run-model/run-state-schema';
import type { TaskName } from '../../state-machines/definition';

/**
 * What every workflow Lambda shares: middy + Powertools' structured JSON logger (run id and task on every
 * line), the event parsed with zod (a bad event fails naming the field), adapters picked by the run's target.
 * Each functions/<task>/handler.ts only says which domain step it runs.
 */

export interface HandlerOptions {
  /** Builds a run's adapters; tests pass fakes, the local runner passes its environment. */
  adapters?: (input: RunInput) => Adapters;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export type StepDeps = Adapters & { log: RunLog };

export type TaskHandler = (event: unknown, context: Context) => Promise<RunState>;

/** Log level: CANARY_JUDGE_LOG_LEVEL, else Powertools' own POWERTOOLS_LOG_LEVEL, else INFO. */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const logLevel = (env.CANARY_JUDGE_LOG_LEVEL ?? env.POWERTOOLS_LOG_LEVEL ?? 'INFO').toUpperCase();
  return new Logger({ serviceName: 'canary-judge', logLevel: logLevel as never });
}

/** The few facts worth a log line after each task (the whole state would drown the log). */
function progress(state: RunState): Record<string, unknown> {
  const last = lastJudgment(state);
  return {
    step: state.step ? state.step.index + 1 : undefined,
    weight: state.step?.weight,
    health: state.health?.status,
    score: last?.score,
    decision: state.decision?.action,
    outcome: state.outcome?.decision,
  };
}

/** Names of the errors that refuse a run rather than report a fault (ValidationError, TrafficLockedError). */
const REFUSALS = new Set(['ValidationError', 'TrafficLocked']);

function isRefusal(error: unknown): error is Error {
  return error instanceof Error && REFUSALS.has(error.name);
}

/**
 * A handler whose event is parsed by `parse` and whose work is `run`. The run id for the logs comes from
 * the result (validate makes it) or the event.
 */
export function taskHandler<E>(
  task: TaskName,
  options: HandlerOptions,
  parse: (event: unknown) => E,
  run: (event: E, deps: (input: RunInput) => StepDeps, logger: Logger) => Promise<RunState>,
): TaskHandler {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(env);
  const log: RunLog = { warn: (message, details) => logger.warn(message, details ?? {}) };
  const adaptersFor = options.adapters ?? ((input: RunInput) => createAdapters(input, env, log));
  const handler = middy<unknown, RunState, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      logger.appendKeys({ task });
      const started = Date.now();
      try {
        const next = await run(parse(event), (input) => ({ ...adaptersFor(input), log }), logger);
        logger.info('task done', { runId: next.runId, ms: Date.now() - started, ...progress(next) });
        return next;
      } catch (error) {
        const ms = Date.now() - started;
        // A refusal (bad input, a listener held by another run) is an answer, not a fault: its message says
        // everything and goes to the execution's error; a stack trace would only bury it.
        if (isRefusal(error)) logger.info('task refused', { ms, error: { name: error.name, message: error.message } });
        else logger.error('task failed', { ms, error: error as Error });
        throw error;
      }
    });
  return (event, context) => handler(event, context);
}

/** A handler of one workflow step after validate: RunState in, RunState out. */
export function runStateHandler(
  task: TaskName,
  options: HandlerOptions,
  step: (state: RunState, deps: StepDeps) => Promise<RunState>,
): TaskHandler {
  return taskHandler(
    task,
    options,
    (event) => parseOrThrow(runStateSchema, event, 'run state'),
    (state, deps, logger) => {
      logger.appendKeys({ runId: state.runId });
      return step(state, deps(state.input));
    },
  );
}
