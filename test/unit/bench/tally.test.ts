import {
  addVerdict,
  binomialUpperBound,
  emptyTally,
  meanRollbackStep,
  mergeTallies,
  rollbackRate,
  rollbackRateByStep,
} from '../../../bench/stats/tally';

describe('tally', () => {
  it('counts rollbacks per step, detection by step and the mean step', () => {
    const t = emptyTally(4);
    addVerdict(t, { action: 'rollback', stepIndex: 0, failing: ['latency'] });
    addVerdict(t, { action: 'rollback', stepIndex: 2, failing: ['latency', 'cpu'] });
    addVerdict(t, { action: 'promote', stepIndex: 3, failing: [] });
    addVerdict(t, { action: 'promote', stepIndex: 3, failing: ['cpu'] });
    expect(t.rollbacksAtStep).toEqual([1, 0, 1, 0]);
    expect(rollbackRate(t)).toBe(0.5);
    expect(rollbackRateByStep(t, 2)).toBe(0.25);
    expect(meanRollbackStep(t)).toBe(2);
    expect(t.failingMetrics).toEqual({ latency: 2, cpu: 1 });
    const merged = mergeTallies(t, t);
    expect(merged.runs).toBe(8);
    expect(merged.rollbacksAtStep).toEqual([2, 0, 2, 0]);
    expect(merged.failingMetrics).toEqual({ latency: 4, cpu: 2 });
  });

  it('mean step is NaN without rollbacks', () => {
    const t = emptyTally(2);
    addVerdict(t, { action: 'promote', stepIndex: 1, failing: [] });
    expect(meanRollbackStep(t)).toBeNaN();
  });

  it('binomial upper bound matches Clopper-Pearson (scipy beta.ppf)', () => {
    expect(binomialUpperBound(3, 1000, 0.95)).toBeCloseTo(0.007735244718479458, 9);
    expect(binomialUpperBound(0, 100, 0.95)).toBeCloseTo(0.029513049607039925, 9);
    expect(binomialUpperBound(40, 1000, 0.95)).toBeCloseTo(0.051753401352160444, 9);
    expect(binomialUpperBound(5, 5, 0.95)).toBe(1);
  });
});
