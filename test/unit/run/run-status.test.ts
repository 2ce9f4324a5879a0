import { RUN_ERRORS } from '../../../state-machines/definition';
import { summarizeRun } from '../../../shared/run/run-status';
import { HistoryBuilder, judgment, runState } from '../../support/execution-history';

const execution = (status: string, extra: Record<string, unknown> = {}) => ({
  name: 'checkout_1.42.0_gh-1',
  executionArn: 'arn:aws:states:eu-west-1:1:execution:sm:checkout_1.42.0_gh-1',
  status: status as 'RUNNING',
  startDate: new Date('2026-01-01T00:00:00Z'),
  ...extra,
});

describe('summarizeRun', () => {
  const s0 = runState();
  const judged = runState({
    step: { index: 1, weight: 10, appliedAt: '2026-01-01T00:20:00Z', waitSeconds: 600 },
    judgments: [judgment(0, 92, 'continue'), judgment(1, 64, 'continue')],
    decision: { action: 'continue', reason: 'score 64' },
  });

  it('reports step, score so far and verdict of a running run', () => {
    const h = new HistoryBuilder()
      .started({})
      .task('Validate', {}, s0)
      .task('Judge', judged, judged)
      .enter('ShiftWeight', judged);
    const status = summarizeRun(execution('RUNNING'), h.events);
    expect(status).toMatchObject({
      result: 'running',
      currentState: 'ShiftWeight',
      runId: s0.runId,
      service: 'checkout',
      canaryVersion: '1.42.0',
      step: { number: 2, of: 3, weight: 10 },
      score: 64,
      verdict: 'marginal',
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(status.judgments).toEqual([
      { step: 0, weight: 5, score: 92, verdict: 'pass', action: 'continue' },
      { step: 1, weight: 10, score: 64, verdict: 'marginal', action: 'continue' },
    ]);
    expect(status.decision).toBeUndefined();
  });

  it('says awaiting-approval while in the approval state', () => {
    const h = new HistoryBuilder().started({}).awaitApproval('AwaitApproval', judged, 'tok');
    expect(summarizeRun(execution('RUNNING'), h.events).result).toBe('awaiting-approval');
  });

  it('takes score, verdict and decision from the outcome once decided', () => {
    const done = {
      ...judged,
      outcome: {
        decision: 'rollback' as const,
        verdict: 'fail' as const,
        score: 31,
        reason: 'error-rate failed',
        reportUrl: 'https://r',
      },
    };
    const h = new HistoryBuilder().started({}).task('Notify', done, done).enter('RolledBack', done, 'Fail');
    const status = summarizeRun(
      execution('FAILED', {
        error: RUN_ERRORS.rolledBack,
        cause: 'error-rate failed',
        stopDate: new Date('2026-01-01T01:00:00Z'),
      }),
      h.events,
    );
    expect(status).toMatchObject({
      result: 'rolled-back',
      score: 31,
      verdict: 'fail',
      decision: 'rollback',
      reason: 'error-rate failed',
      reportUrl: 'https://r',
      stoppedAt: '2026-01-01T01:00:00.000Z',
      error: { error: RUN_ERRORS.rolledBack, cause: 'error-rate failed' },
    });
  });

  it.each([
    ['SUCCEEDED', undefined, 'promoted'],
    ['FAILED', RUN_ERRORS.runFailed, 'failed'],
    ['FAILED', 'ValidationError', 'failed'],
    ['ABORTED', undefined, 'aborted'],
    ['TIMED_OUT', undefined, 'timed-out'],
  ])('maps %s (%s) to %s', (status, error, result) => {
    expect(summarizeRun(execution(status, { error }), []).result).toBe(result);
  });
});
