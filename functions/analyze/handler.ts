import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { analysisReportStore, createMetricSource, DEFAULT_REPORTS_DIR } from '../../shared/adapters';
import { analyze, parseAnalyzeInput } from '../../shared/analyze/analyze';
import type { AnalysisResult } from '../../shared/run-model/analysis-result';
import type { AnalyzeInput } from '../../shared/config/analyze-input';
import type { MetricSource } from '../../shared/metrics/metric-source';
import type { ReportStore } from '../../shared/reports/report-store';
import { createLogger } from '../common/task-handler';

/**
 * Analyze: the state machine's `mode: "analyze"` input (or a direct invocation) in, the analysis out. The input is
 * checked by the one analyze schema (a ValidationError names the field, and nothing is read); the metrics come from
 * the input's source, the report goes to the report bucket (REPORTS_BUCKET) or, without one, the local reports folder.
 */

export interface AnalyzeHandlerOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Tests: the metrics source and report store instead of the ones the input and the environment name. */
  metrics?: (input: AnalyzeInput) => MetricSource;
  reports?: ReportStore;
  now?: () => Date;
}

export type AnalyzeHandler = (event: unknown, context: Context) => Promise<AnalysisResult>;

function reportStore(env: NodeJS.ProcessEnv): ReportStore {
  return analysisReportStore(env, env.REPORTS_BUCKET ? undefined : env.CANARY_JUDGE_REPORTS_DIR || DEFAULT_REPORTS_DIR);
}

export function makeHandler(options: AnalyzeHandlerOptions = {}): AnalyzeHandler {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(env);
  const now = options.now ?? (() => new Date());
  const handler = middy<unknown, AnalysisResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      logger.appendKeys({ task: 'analyze' });
      const started = Date.now();
      try {
        const input = parseAnalyzeInput(event, now());
        const result = await analyze(input, {
          metrics: options.metrics?.(input) ?? createMetricSource(input.metricsSource, env),
          reports: options.reports ?? reportStore(env),
          now,
        });
        const { analysisId, decision, verdict, score } = result;
        logger.info('task done', { analysisId, decision, verdict, score, ms: Date.now() - started });
        return result;
      } catch (error) {
        // Bad input is an answer, not a fault: its message names the field.
        if (error instanceof Error && error.name === 'ValidationError') {
          logger.info('task refused', { error: { name: error.name, message: error.message } });
        } else logger.error('task failed', { error: error as Error });
        throw error;
      }
    });
  return (event, context) => handler(event, context);
}

export const handler = makeHandler();
