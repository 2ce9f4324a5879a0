import type { z } from 'zod';
import type {
  actionSchema,
  approvalResultSchema,
  healthProgressSchema,
  healthStatusSchema,
  judgmentSummarySchema,
  metricBriefSchema,
  outcomeVerdictSchema,
  roleSchema,
  runErrorSchema,
  runOutcomeSchema,
  runResourcesSchema,
  runStateSchema,
  stepProgressSchema,
  teardownSummarySchema,
  versionResourcesSchema,
} from './run-state-schema';

/**
 * The RunState types, derived from the schema in run-state-schema.ts (field docs are there). Modules that
 * only need the types import them from here, without pulling zod in at runtime.
 */

export type Role = z.output<typeof roleSchema>;
export type VersionResources = z.output<typeof versionResourcesSchema>;
export type RunResources = z.output<typeof runResourcesSchema>;
export type HealthStatus = z.output<typeof healthStatusSchema>;
export type HealthProgress = z.output<typeof healthProgressSchema>;
export type Action = z.output<typeof actionSchema>;
export type MetricBrief = z.output<typeof metricBriefSchema>;
export type JudgmentSummary = z.output<typeof judgmentSummarySchema>;
export type StepProgress = z.output<typeof stepProgressSchema>;
export type RunOutcome = z.output<typeof runOutcomeSchema>;
/** The judge's verdict, or `inconclusive` when the run could not judge the canary. */
export type OutcomeVerdict = z.output<typeof outcomeVerdictSchema>;
export type RunError = z.output<typeof runErrorSchema>;
export type ApprovalResult = z.output<typeof approvalResultSchema>;
export type TeardownSummary = z.output<typeof teardownSummarySchema>;
export type RunState = z.output<typeof runStateSchema>;

/** The run's latest judgment: the state keeps one per step judged so far, its latest look, the newest last. */
export function lastJudgment(state: Pick<RunState, 'judgments'>): JudgmentSummary | undefined {
  return state.judgments.at(-1);
}
