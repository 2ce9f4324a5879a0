import { notify } from '../../../shared/run/notify';
import { MemoryReportStore, RecordingNotifier } from '../../support/fake-adapters';
import { buildRunReportFixture } from '../../support/run-report-fixture';

describe('notify reading the stored judgments back', () => {
  it('leaves a malformed stored judgment out of the report with a warning naming the file and the field', async () => {
    const { state, judgments } = buildRunReportFixture({ points: 12 });
    const reports = new MemoryReportStore();
    const [step1, step2] = judgments;
    await reports.put(state.runId, step1.summary.reportKey, JSON.stringify(step1), 'application/json');
    const broken = JSON.parse(JSON.stringify(step2));
    broken.result.metrics[0].classification = 'Worse';
    await reports.put(state.runId, step2.summary.reportKey, JSON.stringify(broken), 'application/json');
    const warnings: { message: string; details?: Record<string, unknown> }[] = [];
    const notifier = new RecordingNotifier();

    const done = await notify(
      state,
      { reports, notifiers: [notifier], log: { warn: (message, details) => warnings.push({ message, details }) } },
      { now: new Date('2026-11-22T14:10:00Z') },
    );

    expect(warnings).toEqual([
      {
        message: 'judgment details left out of the report',
        details: {
          key: 'judgments/step-2.json',
          error: expect.stringMatching(
            /^invalid stored judgment judgments\/step-2\.json: result\.metrics\[0\]\.classification: /,
          ),
        },
      },
    ]);
    // The report still goes out, with the step whose details were readable as the last one shown in full.
    const html = (await reports.get(state.runId, 'report.html')) ?? '';
    expect(html).toContain('Metrics at step 1:');
    expect(html).not.toContain('Metrics at step 2:');
    expect(done.outcome?.reportKey).toBe(`${state.runId}/report.html`);
    expect(notifier.events.map((e) => e.kind)).toEqual(['finished']);
  });
});
