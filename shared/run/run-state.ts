import type { RunInput } from '../config/run-config';
import type { Verdict } from '../judge/types';

/**
 * What travels between the workflow's states. Only ids, ARNs and one small summary per judgment:
 * raw series and full judge results go to the report store and are referenced by key, so the state
 * stays far below Step Functions' 256 KB payload limit.
 */

export type Role = 'baseline' | 'canary';

/** What provision created for one version; everything here is tagged with the run id. */
export interface VersionResources {
  role: Role;
  version: string;
  targetGroupArn: string;
  /** EC2 instance ids on AWS; `local:<pid>`-style ids locally. */
  instanceIds: string[];
  /** The load balancer the production target group belongs to (CloudWatch's LoadBalancer dimension). */
  loadBalancerArn?: string;
}

export interface RunResources {
  baseline?: VersionResources;
  canary?: VersionResources;
  /** The listener rule carrying the weighted forward, once the first weight was applied. */
  ruleArn?: string;
}

export type HealthStatus = 'pending' | 'healthy' | 'unhealthy';

export interface HealthProgress {
  status: HealthStatus;
  attempts: number;
  /** ISO time after which provisioning counts as failed. */
  deadline: string;
  detail?: string;
  /** Seconds the workflow waits before the next poll (the health interval, stretched for long timeouts). */
  waitSeconds?: number;
}

export type Action = 'continue' | 'promote' | 'rollback';

export interface MetricBrief {
  name: string;
  classification: string;
  critical: boolean;
  /** Medians after NaN/outlier handling, for notifications that have no access to the full result. */
  baselineMedian?: number | null;
  canaryMedian?: number | null;
  reason?: string | null;
}

export interface JudgmentSummary {
  step: number;
  weight: number;
  window: { start: string; end: string };
  score: number;
  verdict: Verdict;
  confidenceLevel: number;
  metrics: MetricBrief[];
  /** Report-store key of the full judge result and series of this judgment. */
  reportKey: string;
  action: Action;
  reason: string;
}

export interface StepProgress {
  /** 0-based index into input.steps. */
  index: number;
  weight: number;
  /** ISO time the current weight was applied. */
  appliedAt: string;
  /** Seconds the workflow's Wait state waits before judging this step. */
  waitSeconds: number;
}

export interface RunOutcome {
  decision: 'promote' | 'rollback';
  verdict: Verdict;
  score: number;
  reason: string;
  reportKey?: string;
  reportUrl?: string;
  /** ISO time the decision was made; the report's "ended" time. */
  finishedAt?: string;
}

/** Step Functions' error object as delivered to a Catch with ResultPath $.error. */
export interface RunError {
  Error: string;
  Cause?: string;
}

export interface ApprovalResult {
  approved: boolean;
  by?: string;
  comment?: string;
}

export interface TeardownSummary {
  /** Whether the run's listener rule was still there and was removed now. */
  trafficRestored: boolean;
  removed: string[];
  alreadyGone: string[];
}

export interface RunState {
  runId: string;
  input: RunInput;
  startedAt: string;
  resources: RunResources;
  health?: HealthProgress;
  step?: StepProgress;
  /** ISO time both versions first received traffic: the start of cumulative judgment windows. */
  trafficStartedAt?: string;
  judgments: JudgmentSummary[];
  /** The last decision; the workflow's Choice states read `decision.action`. */
  decision?: { action: Action; reason: string };
  error?: RunError;
  /** A person's answer when input.approval is 'before-promote' (the AwaitApproval state's result). */
  approval?: ApprovalResult;
  /** What teardown removed; present once teardown ran. */
  teardown?: TeardownSummary;
  outcome?: RunOutcome;
}
