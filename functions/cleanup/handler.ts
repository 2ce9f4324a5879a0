import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { createAdapters } from '../../shared/adapters';
import { parseOrThrow } from '../../shared/config/validation';
import { cleanupAfter, type CleanupDeps, type CleanupReport } from '../../shared/run/cleanup';
import { createLogger } from '../common/task-handler';

/**
 * EventBridge rule target: a run's execution ended ABORTED, TIMED_OUT or FAILED. Parse the event, let
 * the domain finish teardown and notify from the execution history, log what was done.
 */

const statusChangeSchema = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string().min(1),
    status: z.enum(['ABORTED', 'TIMED_OUT', 'FAILED']),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});

export interface CleanupHandlerOptions {
  sfn?: CleanupDeps['sfn'];
  adaptersFor?: CleanupDeps['adaptersFor'];
  env?: NodeJS.ProcessEnv;
}

export function makeHandler(options: CleanupHandlerOptions = {}) {
  const env = options.env ?? process.env;
  const logger = createLogger(env);
  const sfn = options.sfn ?? new SFNClient({});
  const adaptersFor = options.adaptersFor ?? ((input) => createAdapters(input, env));
  const log: CleanupDeps['log'] = {
    info: (message, details) => logger.info(message, details ?? {}),
    warn: (message, details) => logger.warn(message, details ?? {}),
  };
  return middy<unknown, CleanupReport, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const { detail } = parseOrThrow(statusChangeSchema, event, 'execution status change event');
      logger.appendKeys({ task: 'cleanup', executionArn: detail.executionArn });
      const report = await cleanupAfter(
        {
          executionArn: detail.executionArn,
          status: detail.status,
          error: detail.error ?? undefined,
          cause: detail.cause ?? undefined,
        },
        { sfn, adaptersFor, log },
      );
      logger.info('cleanup done', { ...report });
      return report;
    });
}

export const handler = makeHandler();
