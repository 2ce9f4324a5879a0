import { ValidationError } from '../../../shared/config/validation';
import {
  parseStoredJudgment,
  readStoredJudgment,
  type LookRecord,
  type StoredJudgment,
} from '../../../shared/reports/stored-judgment';
import { MemoryReportStore } from '../../support/fake-adapters';
import { buildRunReportFixture } from '../../support/run-report-fixture';

const KEY = 'judgments/step-2.json';

function storedText(): string {
  return JSON.stringify(buildRunReportFixture({ points: 12 }).judgments[1]);
}

/** The stored judgment as JSON, with fields replaced by `edit` (`as never`: deliberately the wrong type). */
function edited(edit: (json: StoredJudgment) => void): string {
  const json: StoredJudgment = JSON.parse(storedText());
  edit(json);
  return JSON.stringify(json);
}

function errorOf(text: string): ValidationError {
  try {
    parseStoredJudgment(text, KEY);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected the stored judgment to be refused');
}

describe('stored judgments read back', () => {
  it('reads back what the workflow wrote, field for field', () => {
    const written = buildRunReportFixture({ points: 12 }).judgments[1];
    expect(parseStoredJudgment(JSON.stringify(written), KEY)).toEqual(written);
  });

  it('reads a missing point (null in JSON) back as NaN, as the series had it in memory', () => {
    const text = edited((j) => {
      j.series[0].canary.values[3] = null as never;
    });
    const values = parseStoredJudgment(text, KEY).series[0].canary.values;
    expect(values[3]).toBeNaN();
    expect(values.filter((v) => Number.isNaN(v))).toHaveLength(1);
  });

  it('keeps the looks of a step, and refuses a look with an unknown action', () => {
    const look: LookRecord = {
      look: 1,
      judgedAt: '2026-11-22T14:01:00.000Z',
      score: 100,
      action: 'continue',
      failing: [],
    };
    expect(
      parseStoredJudgment(
        edited((j) => (j.looks = [look])),
        KEY,
      ).looks,
    ).toEqual([look]);
    const bad = errorOf(edited((j) => (j.looks = [look, { ...look, look: 2, action: 'maybe' as never }])));
    expect(bad.issues.map((i) => i.path)).toEqual(['looks[1].action']);
  });

  it('names the file and the field path of a malformed judgment', () => {
    const error = errorOf(
      edited((j) => {
        j.result.metrics[1].baseline.median = 'fast' as never;
        Reflect.deleteProperty(j.summary, 'reportKey');
      }),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['result.metrics[1].baseline.median', 'summary.reportKey']);
    expect(error.message).toMatch(
      /^invalid stored judgment judgments\/step-2\.json: .*result\.metrics\[1\]\.baseline\.median: .*expected number/,
    );
  });

  it('names a series point that is neither a number nor null', () => {
    const error = errorOf(edited((j) => (j.series[0].baseline.values[5] = '0.12' as never)));
    expect(error.issues.map((i) => i.path)).toEqual(['series[0].baseline.values[5]']);
  });

  it('says a file that is not JSON is not JSON', () => {
    expect(errorOf('{"summary": ').message).toMatch(
      /^invalid stored judgment judgments\/step-2\.json: \(root\): not JSON: /,
    );
  });

  it('reads through the report store: undefined when the file is missing, the error when it is malformed', async () => {
    const reports = new MemoryReportStore();
    expect(await readStoredJudgment(reports, 'run-1', KEY)).toBeUndefined();
    await reports.put(
      'run-1',
      KEY,
      edited((j) => (j.result.verdict = 'great' as never)),
      'application/json',
    );
    await expect(readStoredJudgment(reports, 'run-1', KEY)).rejects.toThrow(
      /stored judgment judgments\/step-2\.json: result\.verdict: /,
    );
  });
});
