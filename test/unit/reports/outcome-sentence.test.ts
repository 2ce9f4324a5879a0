import { lookTiming } from '../../../shared/reports/outcome-sentence';
import { runHeadline } from '../../../shared/reports/run-summary';
import type { RunState } from '../../../shared/run-model/run-state';
import { buildRunReportFixture } from '../../support/run-report-fixture';

/** The fixture's rolled-back run, its last judgment made at `look` of its step, `seconds` after the first shift. */
function rolledBackAtLook(look: { number: number; of: number }, seconds: number): RunState {
  const { state } = buildRunReportFixture();
  const judgments = state.judgments.map((j, i) =>
    i === state.judgments.length - 1
      ? { ...j, look, judgedAt: new Date(Date.parse(state.trafficStartedAt!) + seconds * 1000).toISOString() }
      : j,
  );
  return { ...state, judgments };
}

describe('the time of the decisive look', () => {
  it('says which look of the step rolled back and how long after the first shift', () => {
    const state = rolledBackAtLook({ number: 3, of: 10 }, 12 * 60 + 10);
    expect(lookTiming(state, state.judgments[1])).toBe(' (look 3 of 10, 12 min after the first shift)');
    expect(runHeadline(state).summary).toContain('at step 2 of 3 (look 3 of 10, 12 min after the first shift)');
  });

  it('counts seconds under two minutes (the local demo)', () => {
    const state = rolledBackAtLook({ number: 2, of: 6 }, 47.4);
    expect(lookTiming(state, state.judgments[1])).toBe(' (look 2 of 6, 47 s after the first shift)');
  });

  it('leaves out the look when the step has one (Kayenta mode)', () => {
    const state = rolledBackAtLook({ number: 1, of: 1 }, 600);
    expect(lookTiming(state, state.judgments[1])).toBe(' (10 min after the first shift)');
  });

  it('says nothing for a judgment written before looks existed', () => {
    const { state } = buildRunReportFixture();
    expect(lookTiming(state, state.judgments[1])).toBe('');
    expect(runHeadline(state).summary).not.toContain('look');
  });
});
