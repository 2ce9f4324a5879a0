import { runInputSchema, type RunInputRaw } from '../../../shared/config/run-config';
import { parseOrThrow, ValidationError } from '../../../shared/config/validation';
import { localRunInput } from '../../support/run-inputs';

/**
 * Fields whose size a run depends on are bounded, and a warm-up that would swallow a whole step is refused
 * at validation (before anything is launched) instead of failing in Judge or ending as a score of 0. So is a
 * check interval that plans more looks than an execution's history can hold.
 */

function issuesOf(input: RunInputRaw): { path: string; message: string }[] {
  try {
    parseOrThrow(runInputSchema, input, 'run input');
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues;
  }
}

const steps = [
  { weight: 10, durationSeconds: 30 },
  { weight: 20, durationSeconds: 20 },
];

/** The most steps a run may have (20), each `seconds` long. */
const hourSteps = (seconds: number) => Array.from({ length: 20 }, () => ({ weight: 10, durationSeconds: seconds }));

describe('run input bounds', () => {
  it.each<[string, Partial<RunInputRaw>, string, RegExp]>([
    ['warm-up of 1e15 s', { analysis: { warmupSeconds: 1e15 } }, 'analysis.warmupSeconds', /86400/],
    ['look-back of 1e15 s', { analysis: { lookbackSeconds: 1e15 } }, 'analysis.lookbackSeconds', /604800/],
    [
      'CloudWatch period of 1e15 s',
      { metricsSource: { type: 'cloudwatch', periodSeconds: 1e15 } },
      'metricsSource.periodSeconds',
      /3600/,
    ],
    [
      'Prometheus step of 1e15 s',
      {
        metricsSource: { type: 'prometheus', url: 'http://127.0.0.1:9090', stepSeconds: 1e15 },
        // a preset: the fixture's CloudWatch-shaped queries would be refused for a Prometheus source as well
        canaryConfig: {
          metrics: [{ name: 'p99', preset: 'latency-p99' }],
          classifier: { groupWeights: { latency: 100 } },
        },
      },
      'metricsSource.stepSeconds',
      /3600/,
    ],
    [
      'local period of 1e15 s',
      { metricsSource: { type: 'local', periodSeconds: 1e15 } },
      'metricsSource.periodSeconds',
      /3600/,
    ],
    [
      'a 65-character version',
      { canary: { version: '1'.repeat(65), local: { command: ['node'] } } },
      'canary.version',
      /at most 64/,
    ],
    [
      'a version with a space and markup',
      { baseline: { version: '1.0 <b>', local: { command: ['node'] } } },
      'baseline.version',
      /letters, digits/,
    ],
    [
      'a warm-up as long as the shortest step',
      { steps, analysis: { warmupSeconds: 20 } },
      'analysis.warmupSeconds',
      /shorter than every step: steps\[1\]\.durationSeconds is 20/,
    ],
    [
      'more than 1000 planned looks',
      { steps: hourSteps(3600), judgment: { checkIntervalSeconds: 60 } },
      'judgment.checkIntervalSeconds',
      /^a look every 60s plans 1200 looks over the steps, more than 1000: use at least 72s/,
    ],
    [
      'a look a second over 1001 seconds of steps',
      { steps: [{ weight: 10, durationSeconds: 1001 }], judgment: { checkIntervalSeconds: 1 } },
      'judgment.checkIntervalSeconds',
      /plans 1001 looks .* use at least 2s/,
    ],
  ])('refuses %s, naming the field', (_what, change, path, message) => {
    const issues = issuesOf(localRunInput(change));
    expect(new Set(issues.map((i) => i.path))).toEqual(new Set([path]));
    expect(issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it.each<[string, Partial<RunInputRaw>]>([
    ['exactly 1000 planned looks', { steps: hourSteps(3000), judgment: { checkIntervalSeconds: 60 } }],
    [
      'Kayenta mode, one look a step',
      { steps: hourSteps(3600), judgment: { mode: 'kayenta', checkIntervalSeconds: 1 } },
    ],
    ['a warm-up shorter than every step', { steps, analysis: { warmupSeconds: 19 } }],
    [
      'versions as release tools write them',
      { canary: { version: 'v2.0.0-rc.1+build.7_x', local: { command: ['node'] } } },
    ],
    ['a 64-character version', { canary: { version: 'a'.repeat(64), local: { command: ['node'] } } }],
    ['an hour-long CloudWatch period', { metricsSource: { type: 'cloudwatch', periodSeconds: 3600 } }],
  ])('accepts %s', (_what, change) => {
    expect(issuesOf(localRunInput(change))).toEqual([]);
  });
});
