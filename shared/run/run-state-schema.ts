import { z } from 'zod';
import { runInputSchema } from '../config/run-config';
import type { RunState } from './run-state';

/**
 * The RunState as a zod schema: every handler after validate parses its event with it, so a state that was
 * edited by hand (e.g. an execution restarted from the console) fails with the field named instead of half-way
 * through a step. Kept assignable both ways to the RunState interface (checked below at compile time).
 */

const roleSchema = z.enum(['baseline', 'canary']);
const verdictSchema = z.enum(['pass', 'marginal', 'fail']);
const actionSchema = z.enum(['continue', 'promote', 'rollback']);
const isoTime = z.string().min(1);

export const versionResourcesSchema = z.object({
  role: roleSchema,
  version: z.string(),
  targetGroupArn: z.string(),
  instanceIds: z.array(z.string()),
  loadBalancerArn: z.string().optional(),
});

export const judgmentSummarySchema = z.object({
  step: z.number().int(),
  weight: z.number(),
  window: z.object({ start: isoTime, end: isoTime }),
  score: z.number(),
  verdict: verdictSchema,
  confidenceLevel: z.number(),
  metrics: z.array(
    z.object({
      name: z.string(),
      classification: z.string(),
      critical: z.boolean(),
      baselineMedian: z.number().nullable().optional(),
      canaryMedian: z.number().nullable().optional(),
      reason: z.string().nullable().optional(),
    }),
  ),
  reportKey: z.string(),
  action: actionSchema,
  reason: z.string(),
});

export const runStateSchema = z.object({
  runId: z.string().min(1),
  input: runInputSchema,
  startedAt: isoTime,
  resources: z.object({
    baseline: versionResourcesSchema.optional(),
    canary: versionResourcesSchema.optional(),
    ruleArn: z.string().optional(),
  }),
  health: z
    .object({
      status: z.enum(['pending', 'healthy', 'unhealthy']),
      attempts: z.number().int().min(0),
      deadline: isoTime,
      detail: z.string().optional(),
      waitSeconds: z.number().int().min(1).optional(),
    })
    .optional(),
  step: z
    .object({
      index: z.number().int().min(0),
      weight: z.number(),
      appliedAt: isoTime,
      waitSeconds: z.number().int().min(0),
    })
    .optional(),
  trafficStartedAt: isoTime.optional(),
  judgments: z.array(judgmentSummarySchema),
  decision: z.object({ action: actionSchema, reason: z.string() }).optional(),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
  approval: z.object({ approved: z.boolean(), by: z.string().optional(), comment: z.string().optional() }).optional(),
  teardown: z
    .object({ trafficRestored: z.boolean(), removed: z.array(z.string()), alreadyGone: z.array(z.string()) })
    .optional(),
  outcome: z
    .object({
      decision: z.enum(['promote', 'rollback']),
      verdict: verdictSchema,
      score: z.number(),
      reason: z.string(),
      reportKey: z.string().optional(),
      reportUrl: z.string().optional(),
      finishedAt: isoTime.optional(),
    })
    .optional(),
});

export type ParsedRunState = z.infer<typeof runStateSchema>;

// Compile-time guard: the schema and the RunState interface describe the same data.
type AssertAssignable<A extends B, B> = A;
export type _SchemaFitsInterface = AssertAssignable<ParsedRunState, RunState>;
export type _InterfaceFitsSchema = AssertAssignable<RunState, ParsedRunState>;
