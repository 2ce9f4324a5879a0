import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInputSchema } from '../../../shared/config/run-config';
import { planRun } from '../../../shared/plan/run-plan';
import { ensureBuiltCli, ROOT, runCli } from '../../support/built-cli';

/** `canary-judge plan` as an operator calls it: the built CLI on a run input file. */

let dir: string;
let config: string;
const input = {
  ...JSON.parse(readFileSync(join(ROOT, 'examples/console-input.json'), 'utf8')),
  steps: [5, 5, 5, 5].map((weight) => ({ weight, durationSeconds: 600 })),
  analysis: {},
  metricsSource: { type: 'cloudwatch', periodSeconds: 60, delaySeconds: 60 },
  canaryConfig: {
    metrics: [
      { name: 'errors', preset: 'error-rate-5xx' },
      { name: 'slow', preset: 'latency-slow-share' },
      { name: 'latency', preset: 'latency-average' },
    ],
  },
};

beforeAll(() => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'cj-plan-'));
  config = join(dir, 'run.json');
  writeFileSync(config, JSON.stringify(input));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const assumptions = {
  requestsPerSecond: 100,
  eventRates: { default: 0.002, byMetric: { slow: 0.01 } },
  ratio: 2,
};

describe('canary-judge plan', () => {
  test('--json prints the plan the library makes for the same input and assumptions', () => {
    const r = runCli(['plan', '--config', config, '--rps', '100', '--event-rate', 'slow=0.01', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(planRun(runInputSchema.parse(input), assumptions))));
  });

  test('the text says per metric what the run can catch at best', () => {
    const r = runCli(['plan', '--config', config, '--rps', '100', '--event-rate', 'slow=0.01']);
    expect(r.code).toBe(0);
    const plan = planRun(runInputSchema.parse(input), assumptions);
    const errors = plan.countMetrics.find((m) => m.name === 'errors');
    const pct = (x: number) => `${Number((100 * x).toPrecision(3))} %`;
    expect(r.stdout).toContain('Plan: 40 min, 40 looks; data in 60-s periods, 60 s late at the source');
    expect(r.stdout).toContain('Each version is judged on about 11,700 requests');
    expect(r.stdout).toContain(
      `  errors: baseline 0.2 % of requests, 23.4 events expected; floor ×1.1; any test, one look at the end: ` +
        `${pct(errors!.bestPower)}; a count test at every look's level: ${pct(errors!.everyLookPower!)}`,
    );
    expect(r.stdout).toMatch(/ {2}slow: baseline 1 % of requests, 117 events expected; floor ×1\.5;/);
    // the floor of what the count test can prove: at any look the anytime-valid test at half the 2 % needs 12
    // canary-only errors against ×1.1, 14 against ×1.5; the last look's exact test at the other half 8 and 10
    expect(r.stdout).toContain(
      "    the run's count test proves a rise only from 12 events (8 at the run's last look, by its exact test), all " +
        'on the canary (fewer prove nothing, however bad the canary); expected on the canary at ×2: 46.8\n',
    );
    expect(r.stdout).toContain(
      "    the run's count test proves a rise only from 14 events (10 at the run's last look, by its exact test), all",
    );
    expect(r.stdout).toContain(
      '  latency (minimum 5 points): 7 min after the first shift (6 points per side, level 98.95 %)',
    );
  });

  test('bad input exits 3 and says what was wrong', () => {
    const unknown = runCli(['plan', '--config', config, '--event-rate', 'latency=0.01']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe(
      'canary-judge plan: --event-rate latency: not a count metric of the run (count metrics: errors, slow)\n',
    );
    const share = runCli(['plan', '--config', config, '--event-rate', '5']);
    expect(share.code).toBe(3);
    expect(share.stderr).toContain('--event-rate 5: the rate must be a share strictly between 0 and 1');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...input, steps: [{ weight: 150, durationSeconds: 60 }] }));
    const field = runCli(['plan', '--config', bad]);
    expect(field.code).toBe(3);
    expect(field.stderr).toMatch(/^canary-judge plan: .*bad\.json: .*steps\[0\]\.weight/);
    expect(runCli(['plan', '--config', config, '--rps', '0']).code).toBe(3);
  });

  describe('--latency: how soon a histogram metric could catch a latency regression', () => {
    const histogramInput = {
      ...input,
      metricsSource: { type: 'prometheus', url: 'http://prometheus:9090', stepSeconds: 10, delaySeconds: 10 },
      analysis: {},
      canaryConfig: { metrics: [{ name: 'latency', preset: 'latency-histogram' }] },
    };
    let histogramConfig: string;
    beforeAll(() => {
      histogramConfig = join(dir, 'histogram.json');
      writeFileSync(histogramConfig, JSON.stringify(histogramInput));
    });

    test('the text and the JSON give the share of the information the buckets keep and the best minutes', () => {
      const args = ['plan', '--config', histogramConfig, '--rps', '100', '--latency', '80ms,0.323s'];
      const text = runCli(args);
      expect(text.stderr).toBe('');
      expect(text.code).toBe(0);
      const latency = { p50Seconds: 0.08, p99Seconds: 0.323, increase: 1.1 };
      const plan = planRun(runInputSchema.parse(histogramInput), { ...assumptions, latency });
      const shift = plan.continuousMetrics[0].latencyShift;
      expect(shift).toMatchObject({ bucketsFrom: 'assumed', bounds: 11, medianMinutes: 3 });
      expect(text.stdout).toContain(
        "    latency ×1.1 (p50 80 ms, p99 323 ms, log-normal): the client libraries' 11 default bounds (--buckets to " +
          `give yours) keep 88 % of what every request tells of a shift; a test that knew the distribution would roll ` +
          `it back by 3 min after the first shift in half the runs (${Number((100 * shift!.probability).toPrecision(3))} % by then)\n`,
      );
      const json = runCli([...args, '--buckets', '0.05,0.1,0.25', '--latency-increase', '1.25', '--json']);
      expect(json.code).toBe(0);
      const told = { ...latency, increase: 1.25, bucketsSeconds: [0.05, 0.1, 0.25] };
      expect(JSON.parse(json.stdout)).toEqual(
        JSON.parse(JSON.stringify(planRun(runInputSchema.parse(histogramInput), { ...assumptions, latency: told }))),
      );
      const without = runCli(['plan', '--config', histogramConfig]);
      expect(without.stdout).toContain('(--latency P50,P99: how soon a histogram metric could catch');
    });

    test('bad latency flags exit 3 and say what was wrong', () => {
      const cases: [string[], string][] = [
        [['--latency', '80ms'], '--latency 80ms: expected the p50 and the p99, larger, in ms or s'],
        [['--latency', '300ms,80ms'], '--latency 300ms,80ms: expected the p50 and the p99, larger'],
        [['--latency', '80,320'], '--latency 80,320: expected the p50 and the p99, larger, in ms or s'],
        [['--buckets', '0.1,0.2'], '--buckets: give --latency too'],
        [['--latency', '80ms,320ms', '--buckets', 'x,0.1'], 'bound 1 ("x") is not a positive number of seconds'],
        [
          ['--latency', '80ms,320ms', '--buckets', '0.1,0.05'],
          '--buckets 0.1,0.05: bound 2 ("0.05") is not a positive number of seconds above',
        ],
        [['--latency', '80ms,320ms', '--latency-increase', '0.9'], 'expected a ratio above 1'],
      ];
      for (const [flags, message] of cases) {
        const r = runCli(['plan', '--config', histogramConfig, ...flags]);
        expect(r.code).toBe(3);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(message);
      }
    });
  });
});
