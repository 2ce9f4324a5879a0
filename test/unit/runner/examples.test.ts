import { readFileSync } from 'node:fs';
import path from 'node:path';
import { prepareInput } from '../../../local/runner/run-workflow';
import { looksInStep } from '../../../shared/run/looks';
import { resolveMetricQuery } from '../../../shared/config/metric-presets';

/** The run configs `npm start` uses are valid run inputs, and differ only where their scenario says. */

const examples = path.join(__dirname, '../../../examples');
const load = (name: string) => JSON.parse(readFileSync(path.join(examples, name), 'utf8')) as Record<string, unknown>;

describe('examples/local-*.json', () => {
  const healthy = load('local-run.json');

  it.each([
    ['local-run.json', {}],
    ['local-latency.json', { LATENCY_FACTOR: '1.5' }],
    ['local-errors.json', { ERROR_RATE: '0.2' }],
    ['local-crash.json', { CRASH_AFTER: '100' }],
  ])('%s validates and regresses only the canary (%j)', (file, regression) => {
    const raw = load(file);
    const { input } = prepareInput({ input: raw });
    expect(input.target).toBe('local');
    expect(input.canary.local?.env).toEqual({ ...input.baseline.local?.env, ...regression });
    expect({ ...raw, canary: undefined }).toEqual({ ...healthy, canary: undefined });
  });

  it('local-errors-x2.json: 1% 5xx on the baseline, 2% on the canary, judged by the error-rate-5xx preset', () => {
    const raw = load('local-errors-x2.json');
    const { input } = prepareInput({ input: raw });
    expect(input.baseline.local?.env).toEqual({ BASE_LATENCY_MS: '20', ERROR_RATE: '0.01' });
    expect(input.canary.local?.env).toEqual({ BASE_LATENCY_MS: '20', ERROR_RATE: '0.02' });
    const [errors, ...others] = input.canaryConfig.metrics;
    // the preset as it stands: a count metric (5xx and connection errors of all requests), critical
    expect(errors).toMatchObject({ name: 'error-rate-5xx', preset: 'error-rate-5xx', groups: ['errors'] });
    expect(errors.analysisConfigurations.canary).toMatchObject({ critical: true, direction: 'increase' });
    expect(resolveMetricQuery(errors, input.metricsSource.type)).toMatchObject({ type: 'cloudwatch-counts' });
    expect(input.judgment.mode).toBe('sequential');
    // the rest is the healthy run's
    const healthyInput = prepareInput({ input: healthy }).input;
    expect(others).toEqual(healthyInput.canaryConfig.metrics.slice(1));
    expect({ ...input, baseline: undefined, canary: undefined, canaryConfig: undefined }).toEqual({
      ...healthyInput,
      baseline: undefined,
      canary: undefined,
      canaryConfig: undefined,
    });
  });

  it('local-latency-x1.1.json: the canary 10% slower, judged from the latency histogram (critical) and the 5xx counts', () => {
    const raw = load('local-latency-x1.1.json');
    const { input } = prepareInput({ input: raw });
    expect(input.baseline.local?.env).toEqual({ BASE_LATENCY_MS: '20' });
    expect(input.canary.local?.env).toEqual({ BASE_LATENCY_MS: '20', LATENCY_FACTOR: '1.1' });
    const [errors, latency] = input.canaryConfig.metrics;
    expect(errors).toMatchObject({ name: 'error-rate-5xx', preset: 'error-rate-5xx' });
    expect(latency).toMatchObject({
      name: 'latency',
      preset: 'latency-histogram',
      groups: ['latency'],
      unit: 'seconds',
    });
    expect(latency.analysisConfigurations.canary).toMatchObject({ critical: true, minDataPoints: 3 });
    expect(resolveMetricQuery(latency, input.metricsSource.type)).toMatchObject({
      type: 'cloudwatch-histogram',
      metricName: 'TargetResponseTime',
    });
    const healthyInput = prepareInput({ input: healthy }).input;
    expect({ ...input, baseline: undefined, canary: undefined, canaryConfig: undefined }).toEqual({
      ...healthyInput,
      baseline: undefined,
      canary: undefined,
      canaryConfig: undefined,
    });
  });

  it('sizes the demo: four steps, 80 s of traffic, 1-second periods, and --speed keeps it valid', () => {
    const { input } = prepareInput({ input: healthy });
    expect(input.steps.map((s) => s.weight)).toEqual([10, 20, 30, 50]);
    expect(input.steps.reduce((sum, s) => sum + s.durationSeconds, 0)).toBe(80);
    expect(input.metricsSource).toEqual({ type: 'local', periodSeconds: 1, delaySeconds: 0 });
    expect(prepareInput({ input: healthy, speed: 4 }).input.steps.map((s) => s.durationSeconds)).toEqual([5, 5, 5, 5]);
  });

  it('looks several times a step, at the default speed and faster (sequential judging)', () => {
    const looks = (speed: number) => {
      const { input } = prepareInput({ input: healthy, speed });
      return input.steps.map((_, i) => looksInStep(input, i));
    };
    expect(prepareInput({ input: healthy }).input.judgment).toEqual({
      mode: 'sequential',
      checkIntervalSeconds: 5,
      countTest: 'anytime-valid',
    });
    expect(looks(1)).toEqual([4, 4, 4, 4]);
    // 10-second steps looked at every 3 s (2.5 rounded), 5-second steps every second
    expect(looks(2)).toEqual([4, 4, 4, 4]);
    expect(looks(4)).toEqual([5, 5, 5, 5]);
  });
});
