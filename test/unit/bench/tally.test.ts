import {
  addVerdict,
  binomialUpperBound,
  emptyTally,
  meanRollbackStep,
  medianMinutesToRollback,
  mergeTallies,
  rollbackRate,
  rollbackRateByStep,
} from '../../../bench/stats/tally';

describe('tally', () => {
  it('counts rollbacks per step, detection by step and the mean step', () => {
    const t = emptyTally(4);
    addVerdict(t, { action: 'rollback', stepIndex: 0, minutes: 7, failing: ['latency'] });
    addVerdict(t, { action: 'rollback', stepIndex: 2, minutes: 25, failing: ['latency', 'cpu'] });
    addVerdict(t, { action: 'promote', stepIndex: 3, minutes: 40, failing: [] });
    addVerdict(t, { action: 'promote', stepIndex: 3, minutes: 40, failing: ['cpu'] });
    expect(t.rollbacksAtStep).toEqual([1, 0, 1, 0]);
    expect(rollbackRate(t)).toBe(0.5);
    expect(rollbackRateByStep(t, 2)).toBe(0.25);
    expect(meanRollbackStep(t)).toBe(2);
    expect(t.failingMetrics).toEqual({ latency: 2, cpu: 1 });
    const merged = mergeTallies(t, t);
    expect(merged.runs).toBe(8);
    expect(merged.rollbacksAtStep).toEqual([2, 0, 2, 0]);
    expect(merged.failingMetrics).toEqual({ latency: 4, cpu: 2 });
    expect(merged.rollbackMinutes).toEqual([7, 25, 7, 25]);
  });

  it('median minutes to the rollback counts runs not rolled back as never', () => {
    const t = emptyTally(4);
    for (const minutes of [3, 9, 5]) addVerdict(t, { action: 'rollback', stepIndex: 0, minutes, failing: [] });
    addVerdict(t, { action: 'promote', stepIndex: 3, minutes: 40, failing: [] });
    // 4 runs: the 2nd smallest of 3, 5, 9, never
    expect(medianMinutesToRollback(t)).toBe(5);
    addVerdict(t, { action: 'promote', stepIndex: 3, minutes: 40, failing: [] });
    addVerdict(t, { action: 'promote', stepIndex: 3, minutes: 40, failing: [] });
    addVerdict(t, { action: 'promote', stepIndex: 3, minutes: 40, failing: [] });
    // 7 runs, 3 rolled back: fewer than half
    expect(medianMinutesToRollback(t)).toBe(Infinity);
  });

  it('mean step is NaN without rollbacks', () => {
    const t = emptyTally(2);
    addVerdict(t, { action: 'promote', stepIndex: 1, minutes: 20, failing: [] });
    expect(meanRollbackStep(t)).toBeNaN();
  });

  it('binomial upper bound matches Clopper-Pearson (scipy beta.ppf)', () => {
    expect(binomialUpperBound(3, 1000, 0.95)).toBeCloseTo(0.007735244718479458, 9);
    expect(binomialUpperBound(0, 100, 0.95)).toBeCloseTo(0.029513049607039925, 9);
    expect(binomialUpperBound(40, 1000, 0.95)).toBeCloseTo(0.051753401352160444, 9);
    expect(binomialUpperBound(5, 5, 0.95)).toBe(1);
  });
});
