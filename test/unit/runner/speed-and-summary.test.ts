import { applySpeed } from '../../../local/runner/speed';
import { prepareInput } from '../../../local/runner/run-workflow';
import { looksInStep } from '../../../shared/run/looks';
import { displayPath, exitCodeFor, runResultJson } from '../../../local/runner/summary';
import type { RunSummary } from '../../../local/runner/run-workflow';
import { localRunInput } from '../../support/run-inputs';

describe('applySpeed', () => {
  it('divides durations, keeping each above its schema minimum', () => {
    const input = localRunInput({
      steps: [
        { weight: 5, durationSeconds: 600 },
        { weight: 10, durationSeconds: 3 },
      ],
      healthCheck: { intervalSeconds: 10, timeoutSeconds: 600 },
      analysis: { warmupSeconds: 60, lookbackSeconds: 300 },
    });
    const fast = applySpeed(input, 10);
    expect(fast.steps).toEqual([
      { weight: 5, durationSeconds: 60 },
      { weight: 10, durationSeconds: 1 },
    ]);
    expect(fast.healthCheck).toEqual({ intervalSeconds: 1, timeoutSeconds: 60 });
    expect(fast.analysis).toEqual({ warmupSeconds: 6, lookbackSeconds: 30 });
    expect(applySpeed(input, 1000).healthCheck?.timeoutSeconds).toBe(5);
    expect(input.steps[0].durationSeconds).toBe(600);
  });

  it('divides the interval between looks, so a step keeps its number of looks', () => {
    const input = localRunInput({
      steps: [{ weight: 5, durationSeconds: 600 }],
      judgment: { mode: 'sequential', checkIntervalSeconds: 60 },
    });
    const fast = prepareInput({ input, speed: 10 }).input;
    expect(fast.judgment).toEqual({ mode: 'sequential', checkIntervalSeconds: 6, countTest: 'anytime-valid' });
    expect(looksInStep(fast, 0)).toBe(10);
    expect(looksInStep(prepareInput({ input }).input, 0)).toBe(10);
    // kept at the schema minimum of 1 s
    expect(applySpeed(input, 1000).judgment?.checkIntervalSeconds).toBe(1);
    expect(input.judgment?.checkIntervalSeconds).toBe(60);
  });

  it('scales the default check interval too when the input gives none, except in Kayenta mode', () => {
    const input = localRunInput({ steps: [{ weight: 5, durationSeconds: 600 }], judgment: undefined });
    expect(applySpeed(input, 4).judgment).toEqual({ checkIntervalSeconds: 15 });
    expect(looksInStep(prepareInput({ input, speed: 4 }).input, 0)).toBe(10);
    const kayenta = localRunInput({ judgment: { mode: 'kayenta' } });
    expect(applySpeed(kayenta, 4).judgment).toEqual({ mode: 'kayenta' });
    // an interval given in Kayenta mode is a duration like any other
    expect(applySpeed(localRunInput({ judgment: { mode: 'kayenta', checkIntervalSeconds: 30 } }), 3).judgment).toEqual({
      mode: 'kayenta',
      checkIntervalSeconds: 10,
    });
  });

  it('refuses too many looks as given, before scaling would have brought them under the bound', () => {
    // at --speed 2 the step is 501 s looked at every second: 501 looks, but the run as given plans 1001
    const input = localRunInput({
      steps: [{ weight: 10, durationSeconds: 1001 }],
      judgment: { checkIntervalSeconds: 1 },
    });
    expect(() => prepareInput({ input, speed: 2 })).toThrow(
      'invalid run input: judgment.checkIntervalSeconds: a look every 1s plans 1001 looks over the steps, more than 1000',
    );
  });

  it('keeps the metrics source delay: how late the source has data does not change with the run speed', () => {
    const input = localRunInput({ metricsSource: { type: 'cloudwatch', periodSeconds: 60, delaySeconds: 60 } });
    expect(applySpeed(input, 10).metricsSource).toEqual({ type: 'cloudwatch', periodSeconds: 60, delaySeconds: 60 });
  });

  it('leaves what the input does not say to the schema defaults, and refuses a speed that is not positive', () => {
    const input = localRunInput({ healthCheck: undefined, analysis: undefined });
    expect(applySpeed(input, 4)).toMatchObject({ healthCheck: undefined, analysis: undefined });
    expect(() => applySpeed(input, 0)).toThrow(/--speed/);
    expect(() => applySpeed(input, Number.NaN)).toThrow(/--speed/);
  });
});

const summary = (over: Partial<RunSummary>): RunSummary => ({
  status: 'FAILED',
  decision: 'rollback',
  steps: [],
  transitions: 10,
  ...over,
});

describe('run results on the command line', () => {
  it.each([
    [{ status: 'SUCCEEDED', decision: 'promote' }, 0],
    [{ error: 'CanaryRolledBack' }, 1],
    [{ error: 'CanaryRunFailed' }, 1],
    [{ error: 'ValidationError' }, 3],
    [{ error: 'CanaryTeardownFailed' }, 2],
    [{ error: 'CanaryNotifyFailed' }, 2],
    [{ error: 'TrafficLocked' }, 2],
    [{ status: 'ABORTED' }, 130],
  ] as const)('%j exits %d', (over, code) => {
    expect(exitCodeFor(summary(over))).toBe(code);
  });

  it('prints report paths relative to the working directory when below it', () => {
    expect(displayPath('/work/x/reports/r/report.html', '/work/x')).toBe('reports/r/report.html');
    expect(displayPath('/elsewhere/report.html', '/work/x')).toBe('/elsewhere/report.html');
    expect(displayPath('https://bucket.s3/x?sig', '/work/x')).toBe('https://bucket.s3/x?sig');
  });

  it('has the final JSON keys CI scripts read', () => {
    const json = runResultJson(
      summary({ runId: 'r1', verdict: 'fail', score: 12.5, report: '/w/reports/r1/report.html' }),
      '/w',
    );
    expect(json).toMatchObject({
      verdict: 'fail',
      score: 12.5,
      decision: 'rollback',
      steps: [],
      report: 'reports/r1/report.html',
    });
  });
});
