/**
 * canary-judge's library API (package main): the Kayenta-compatible judge and Mann-Whitney comparison, the
 * schemas of the canary config and of a run's input (types derived from them), and the decision rule.
 */

export * from './judge';
export { ValidationError, parseOrThrow, formatPath } from './config/validation';
export * from './config/run-config';
export {
  decideInterval,
  failsFast,
  passesFinal,
  criticalFailures,
  missingEvidence,
  judgmentWindow,
  type Decision,
  type DecisionThresholds,
  type IntervalPosition,
  type JudgedInterval,
  type JudgmentWindow,
  type WindowInput,
} from './run/decision';
export type * from './run-model/run-state';
export { analyze, parseAnalyzeInput, type AnalyzeDeps } from './analyze/analyze';
export type { AnalysisLabel, AnalysisResult } from './run-model/analysis-result';
export {
  analyzeInputSchema,
  parseAnalysisTarget,
  MAX_ANALYSIS_INTERVALS,
  DEFAULT_ANALYSIS_INTERVAL_SECONDS,
  type AnalysisTarget,
  type AnalyzeInput,
  type AnalyzeInputRaw,
} from './config/analyze-input';
/** What an analysis reads and writes through: the metrics source its config names, and a report store. */
export { createMetricSource, analysisReportStore } from './adapters';
export type { MetricSource } from './metrics/metric-source';
export type { ReportStore } from './reports/report-store';
