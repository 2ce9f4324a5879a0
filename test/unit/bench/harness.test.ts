import { runRepetitions } from '../../../bench/stats/harness';
import { buildSetup } from '../../../bench/stats/setup';
import { renderReport, summaryJson } from '../../../bench/stats/report';
import { rollbackRate, rollbackRateByStep } from '../../../bench/stats/tally';

const repetitions = 200;

/** Runs the real harness once per describe block (seed 1) and looks its cells up by scenario and policy. */
function harnessRun(profile: string, policies: string[]) {
  const setup = buildSetup({ profiles: [profile], scenarios: ['aa', 'latency-25pct'], policies });
  const run = { setup, cells: [] as ReturnType<typeof runRepetitions> };
  beforeAll(() => {
    run.cells = runRepetitions(setup, 1, 0, repetitions);
  }, 120_000);
  const tally = (scenario: string, policy: string) => {
    const cell = run.cells.find((c) => c.scenario === scenario && c.policy === policy);
    if (!cell) throw new Error(`no cell ${scenario}/${policy}`);
    return cell.tally;
  };
  return { run, tally };
}

// A small-repetition run of the real harness (real judge, error control and decision rule).
describe('bench:stats harness (smoke)', () => {
  const { run, tally } = harnessRun('cw-5pct', ['default', 'kayenta']);

  it('keeps the A/A false-rollback estimate of the defaults within a binomial bound of the 1 % target', () => {
    const t = tally('aa', 'default');
    expect(t.runs).toBe(repetitions);
    const rolledBack = t.rollbacksAtStep.reduce((a, b) => a + b, 0);
    // X ~ Binomial(200, 0.01): P(X >= 8) = 0.00101 (scipy binom.sf(7, 200, 0.01)), so 8 or more would mean
    // the true rate is above 1 % at the 0.1 % level.
    expect(rolledBack).toBeLessThanOrEqual(7);
  });

  it("rolls back more A/A runs with Kayenta's per-interval 98 % and no floors, on the same series", () => {
    expect(rollbackRate(tally('aa', 'kayenta'))).toBeGreaterThan(rollbackRate(tally('aa', 'default')));
  });

  it('detects a +25 % latency regression at the first step', () => {
    expect(rollbackRateByStep(tally('latency-25pct', 'default'), 1)).toBeGreaterThanOrEqual(0.99);
  });

  it('reports the table and a JSON summary with the headline figures', () => {
    const input = { cells: run.cells, setup: run.setup, repetitions, seed: 1 };
    const text = renderReport(input);
    expect(text).toContain('A/A (no difference)');
    const json = summaryJson(input);
    expect(json.repetitions).toBe(repetitions);
    expect(json.aaFalseRollbackRate).toBe(rollbackRate(tally('aa', 'default')));
    expect(json.confidenceLevels).toHaveLength(4);
    expect(json).not.toHaveProperty('detectionRateLatency10pctByStep2');
  });
});

// The minimum sample on short steps: 3, 6, 9, 12 points per side at the four judgments of cw-short.
describe('bench:stats harness: minimum sample (cw-short)', () => {
  const { tally } = harnessRun('cw-short', ['default', 'min-points-1']);

  it('never rolls back on the first judgment (3 points per side: not judged yet), even a +25 % regression', () => {
    expect(tally('aa', 'default').rollbacksAtStep[0]).toBe(0);
    expect(tally('latency-25pct', 'default').rollbacksAtStep[0]).toBe(0);
    // judged from the second step on (6 points): the regression is caught there
    expect(rollbackRateByStep(tally('latency-25pct', 'default'), 2)).toBeGreaterThanOrEqual(0.95);
  });

  it('without the minimum the same A/A series are rolled back on 3 points, more often than with it', () => {
    const without = tally('aa', 'min-points-1');
    expect(without.rollbacksAtStep[0]).toBeGreaterThan(0);
    expect(rollbackRate(without)).toBeGreaterThan(rollbackRate(tally('aa', 'default')));
  });
});
