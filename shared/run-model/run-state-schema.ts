import { z } from 'zod';
import { runInputSchema } from '../config/run-config';

/**
 * What travels between the workflow's states, as the one zod schema the RunState types are derived from
 * (see run-state.ts). Every handler after validate parses its event with it, so a state that was edited by
 * hand (e.g. an execution restarted from the console) fails with the field named instead of half-way
 * through a step.
 *
 * Only ids, ARNs and one small summary per judgment: raw series and full judge results go to the report
 * store and are referenced by key, so the state stays far below Step Functions' 256 KB payload limit.
 */

const isoTime = z.string().min(1);
const verdictSchema = z.enum(['pass', 'marginal', 'fail']);
/**
 * A run's verdict: the judge's, or `inconclusive` when the run could not judge the canary at all (a dead baseline,
 * an unreachable metrics source): traffic goes back to production, but the canary is not blamed.
 */
export const outcomeVerdictSchema = z.enum(['pass', 'marginal', 'fail', 'inconclusive']);

export const roleSchema = z.enum(['baseline', 'canary']);

/** What provision created for one version; everything here is tagged with the run id. */
export const versionResourcesSchema = z.object({
  role: roleSchema,
  version: z.string(),
  targetGroupArn: z.string(),
  /** EC2 instance ids on AWS; `local:<pid>`-style ids locally. */
  instanceIds: z.array(z.string()),
  /** The load balancer the production target group belongs to (CloudWatch's LoadBalancer dimension). */
  loadBalancerArn: z.string().optional(),
});

export const runResourcesSchema = z.object({
  baseline: versionResourcesSchema.optional(),
  canary: versionResourcesSchema.optional(),
  /** The run's listener rule (weighted forward), created by provision at weight 0 for baseline and canary. */
  ruleArn: z.string().optional(),
});

export const healthStatusSchema = z.enum(['pending', 'healthy', 'unhealthy']);

export const healthProgressSchema = z.object({
  status: healthStatusSchema,
  attempts: z.number().int().min(0),
  /** ISO time after which provisioning counts as failed. */
  deadline: isoTime,
  detail: z.string().optional(),
  /** Seconds the workflow waits before the next poll (the health interval, stretched for long timeouts). */
  waitSeconds: z.number().int().min(1).optional(),
});

/** continue: go on to the next step; wait: look again later in this step; promote; rollback. */
export const actionSchema = z.enum(['continue', 'wait', 'promote', 'rollback']);

/** A count metric's counts and rate ratio, for messages that have no access to the full result. */
export const countBriefSchema = z.object({
  baseline: z.object({ events: z.number(), total: z.number() }),
  canary: z.object({ events: z.number(), total: z.number() }),
  rateRatio: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  /** At the run's last look: the interval of the exact test of all its counts (countFinalShare), narrower. */
  exact: z.object({ lower: z.number().nullable(), upper: z.number().nullable() }).optional(),
});

/** A histogram metric's requests and means per version, for messages that have no access to the full result. */
export const histogramBriefSchema = z.object({
  baseline: z.object({ requests: z.number(), mean: z.number().nullable() }),
  canary: z.object({ requests: z.number(), mean: z.number().nullable() }),
  meanRatio: z.number().nullable(),
});

export const metricBriefSchema = z.object({
  name: z.string(),
  classification: z.string(),
  critical: z.boolean(),
  /** Count metrics only (absent for continuous ones and in states written before count metrics existed). */
  counts: countBriefSchema.optional(),
  /** Histogram metrics only (absent for the others and in states written before histogram metrics existed). */
  histogram: histogramBriefSchema.optional(),
  unit: z.string().optional(),
  /** Medians after NaN/outlier handling, for notifications that have no access to the full result. */
  baselineMedian: z.number().nullable().optional(),
  canaryMedian: z.number().nullable().optional(),
  reason: z.string().nullable().optional(),
});

export const judgmentSummarySchema = z.object({
  step: z.number().int(),
  weight: z.number(),
  window: z.object({ start: isoTime, end: isoTime }),
  score: z.number(),
  verdict: verdictSchema,
  confidenceLevel: z.number(),
  metrics: z.array(metricBriefSchema),
  /** Report-store key of the full judge result and series of this judgment. */
  reportKey: z.string(),
  action: actionSchema,
  reason: z.string(),
  /**
   * Sequential judging: which look of the step this is (the state keeps each step's latest look), when it was made
   * and the share of the run's planned traffic time behind it. Absent in states written before looks existed.
   */
  look: z.object({ number: z.number().int().min(1), of: z.number().int().min(1) }).optional(),
  judgedAt: isoTime.optional(),
  informationFraction: z.number().min(0).max(1).optional(),
});

export const stepProgressSchema = z.object({
  /** 0-based index into input.steps. */
  index: z.number().int().min(0),
  weight: z.number(),
  /** ISO time the current weight was applied. */
  appliedAt: isoTime,
  /** Seconds the workflow's Wait state waits before the next look at this step. */
  waitSeconds: z.number().int().min(0),
  /** Looks made in this step so far (0 right after the shift), and how many it has. */
  look: z.number().int().min(0).optional(),
  looks: z.number().int().min(1).optional(),
});

export const runOutcomeSchema = z.object({
  decision: z.enum(['promote', 'rollback']),
  verdict: outcomeVerdictSchema,
  score: z.number(),
  reason: z.string(),
  reportKey: z.string().optional(),
  reportUrl: z.string().optional(),
  /** ISO time the decision was made; the report's "ended" time. */
  finishedAt: isoTime.optional(),
});

/** Step Functions' error object as delivered to a Catch with ResultPath $.error. */
export const runErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

export const approvalResultSchema = z.object({
  approved: z.boolean(),
  by: z.string().optional(),
  comment: z.string().optional(),
});

export const teardownSummarySchema = z.object({
  /** Whether the run's listener rule was still there and was removed now. */
  trafficRestored: z.boolean(),
  removed: z.array(z.string()),
  alreadyGone: z.array(z.string()),
});

export const runStateSchema = z.object({
  runId: z.string().min(1),
  input: runInputSchema,
  startedAt: isoTime,
  resources: runResourcesSchema,
  health: healthProgressSchema.optional(),
  step: stepProgressSchema.optional(),
  /** ISO time both versions first received traffic: the start of cumulative judgment windows. */
  trafficStartedAt: isoTime.optional(),
  /** One per step judged so far: the step's latest look (every look's details are in the report store). */
  judgments: z.array(judgmentSummarySchema),
  /**
   * Sequential error control: per continuous metric, the information fraction up to which its error budget is spent
   * (shared/run/looks.ts). Absent until the first look.
   */
  spent: z.record(z.string(), z.number().min(0).max(1)).optional(),
  /**
   * The last decision; the workflow's Choice states read `decision.action`. `couldNotJudge` marks a rollback that
   * is no verdict on the canary (a dead baseline, a metrics source that answered nothing, no data ever judged):
   * the run's verdict is then `inconclusive`.
   */
  decision: z.object({ action: actionSchema, reason: z.string(), couldNotJudge: z.boolean().optional() }).optional(),
  error: runErrorSchema.optional(),
  /** A person's answer when input.approval is 'before-promote' (the AwaitApproval state's result). */
  approval: approvalResultSchema.optional(),
  /** What teardown removed; present once teardown ran. */
  teardown: teardownSummarySchema.optional(),
  outcome: runOutcomeSchema.optional(),
});
