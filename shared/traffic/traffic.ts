import type { RuleConditions, TrafficConfig } from '../config/run-config';

/** Port: the weighted forward of one listener rule between production, baseline and canary. */

export interface Weights {
  production: number;
  baseline: number;
  canary: number;
}

export interface ShiftRequest {
  runId: string;
  traffic: TrafficConfig;
  baselineTargetGroupArn: string;
  canaryTargetGroupArn: string;
  weights: Weights;
  /** Known once the rule exists (provision creates it at weight 0); absent when it is to be created. */
  ruleArn?: string;
}

export interface TrafficRule {
  ruleArn: string;
  weights: Weights;
  conditions?: RuleConditions;
}

export interface Traffic {
  /**
   * Fail with a clear error if the listener does not exist or already carries a canary-judge rule of
   * another run (the lock). Changes nothing.
   */
  assertAvailable(runId: string, traffic: TrafficConfig): Promise<void>;
  /**
   * Create (at provision: production 100, baseline and canary 0) or modify the run's rule so the weighted
   * forward has these weights. Creating refuses with TrafficLocked while another run's rule is on the
   * listener, also when two runs create theirs at once (the one that asked first keeps the listener).
   */
  shift(request: ShiftRequest): Promise<TrafficRule>;
  /**
   * Take baseline and canary out of the forward action (remove the run's rule, found by tag when the
   * arn is unknown) so all traffic goes to production again. Idempotent.
   */
  restore(runId: string, traffic: TrafficConfig, ruleArn?: string): Promise<{ removed: boolean }>;
  /** The run's rule as the load balancer has it now, or undefined. */
  describe(runId: string, traffic: TrafficConfig): Promise<TrafficRule | undefined>;
}
