import { lastJudgment, type RunState } from '../run-model/run-state';

/** The verdict a promote webhook receives: enough to roll the version out without reading anything else. */
export interface VerdictPayload {
  type: 'canary-judge.promote';
  runId: string;
  service: string;
  baselineVersion: string;
  canaryVersion: string;
  decision: 'promote';
  reason: string;
  score: number | null;
  verdict: string | null;
  judgments: { step: number; weight: number; score: number; verdict: string; action: string; reportKey: string }[];
  startedAt: string;
  decidedAt: string;
}

export function verdictPayload(state: RunState, now: Date): VerdictPayload {
  const last = lastJudgment(state);
  return {
    type: 'canary-judge.promote',
    runId: state.runId,
    service: state.input.service,
    baselineVersion: state.input.baseline.version,
    canaryVersion: state.input.canary.version,
    decision: 'promote',
    reason: state.decision?.reason ?? '',
    score: last?.score ?? null,
    verdict: last?.verdict ?? null,
    judgments: state.judgments.map((j) => ({
      step: j.step,
      weight: j.weight,
      score: j.score,
      verdict: j.verdict,
      action: j.action,
      reportKey: j.reportKey,
    })),
    startedAt: state.startedAt,
    decidedAt: now.toISOString(),
  };
}
