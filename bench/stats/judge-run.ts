import { judge } from '../../shared/judge/judge';
import { confidenceForJudgment, type ErrorControlConfig } from '../../shared/judge/error-control';
import type { CanaryConfig } from '../../shared/judge/canary-config';
import type { JudgeThresholds, MetricData } from '../../shared/judge/types';
import { decideInterval, judgmentWindow } from '../../shared/run/decision';
import type { RunProfile } from './world';
import { SIMULATED_METRICS, type RunSeries } from './series';

/** How a run is judged: the canary config, the thresholds and the run-level error control. */
export interface Policy {
  id: string;
  label: string;
  canaryConfig: CanaryConfig;
  thresholds: JudgeThresholds;
  errorControl: ErrorControlConfig;
  /** Every judgment's confidence when errorControl.method is 'none'. */
  confidenceLevel: number;
}

export interface RunVerdict {
  action: 'promote' | 'rollback';
  /** 0-based step of the deciding judgment. */
  stepIndex: number;
  /** Metrics that were not Pass at the deciding judgment (the reasons of a rollback). */
  failing: string[];
}

// Any fixed instant: windows are computed with the real judgmentWindow and only their offsets matter.
const TRAFFIC_START_MS = Date.UTC(2025, 0, 1);

/**
 * Judges a simulated run the way the workflow does: after each step, the cumulative window's series go to the
 * real judge at the confidence error control gives this judgment, and the real decision rule says continue,
 * roll back or (after the last step) promote.
 */
export function judgeRun(series: RunSeries, profile: RunProfile, policy: Policy): RunVerdict {
  const stepDurations = profile.steps.map((s) => s.durationSeconds);
  const dtMs = profile.periodSeconds * 1000;
  let stepStartMs = TRAFFIC_START_MS;
  for (let stepIndex = 0; stepIndex < profile.steps.length; stepIndex++) {
    const stepEndMs = stepStartMs + stepDurations[stepIndex] * 1000;
    const window = judgmentWindow({
      trafficStartedAt: new Date(TRAFFIC_START_MS),
      stepAppliedAt: new Date(stepStartMs),
      judgedAt: new Date(stepEndMs),
      warmupSeconds: 0,
    });
    const from = window.start.getTime();
    const to = window.end.getTime();
    const inWindow: number[] = [];
    series.periods.forEach((p, i) => {
      const start = TRAFFIC_START_MS + p.startSeconds * 1000;
      if (start >= from && start + dtMs <= to) inWindow.push(i);
    });
    const data: MetricData = {};
    for (const name of SIMULATED_METRICS) {
      data[name] = {
        baseline: inWindow.map((i) => series.baseline[name][i]),
        canary: inWindow.map((i) => series.canary[name][i]),
      };
    }
    const confidenceLevel = confidenceForJudgment({
      ...policy.errorControl,
      stepDurations,
      stepIndex,
      fixedConfidence: policy.confidenceLevel,
    });
    const result = judge(policy.canaryConfig, data, policy.thresholds, { confidenceLevel });
    const decision = decideInterval(result, { stepIndex, stepCount: profile.steps.length }, policy.thresholds);
    if (decision.action !== 'continue') {
      return {
        action: decision.action,
        stepIndex,
        failing: result.metrics.filter((m) => m.classification !== 'Pass').map((m) => m.name),
      };
    }
    stepStartMs = stepEndMs;
  }
  throw new Error('the decision rule did not decide after the last step');
}
