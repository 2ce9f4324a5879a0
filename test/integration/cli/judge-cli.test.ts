import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judge } from '../../../shared/judge/judge';
import type { JudgeResult } from '../../../shared/judge/types';
import { CLI, ensureBuiltCli, ROOT, runCli } from '../../support/built-cli';
import { fault } from '../../faults/catalog';

const CONFIG = 'examples/canary-config.json';
const DATA = 'examples/judge-data.json';
let dir: string;

const write = (name: string, content: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

beforeAll(() => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'cj-cli-'));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the built CLI is the bin with a node shebang', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(join(ROOT, pkg.bin['canary-judge'])).toBe(CLI);
  expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

test("the package's main export (built) provides mannWhitney, judge, the schemas and the decision rule", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built package as a user would
  const lib = require(join(ROOT, pkg.main)) as typeof import('../../../shared/index');
  expect(lib.mannWhitney([1, 2, 3, 4, 5, 6], [4, 5, 6, 7, 8, 9])).toMatchObject({ estimate: 3, lower: -1, upper: 7 });
  const config = JSON.parse(readFileSync(join(ROOT, CONFIG), 'utf8'));
  const data = JSON.parse(readFileSync(join(ROOT, DATA), 'utf8'));
  expect(lib.judge(config, data)).toMatchObject({ score: 70, verdict: 'marginal' });
  expect(lib.canaryConfigSchema.safeParse(config).success).toBe(true);
  expect(typeof lib.metricDataSchema.parse).toBe('function');
  expect(typeof lib.runInputSchema.parse).toBe('function');
  // the count tests: 5 of 10 events on each side, equal exposures: P(X ≥ 5 | 10, ½) = 638/1024
  const side = { events: [5], totals: [1000] };
  const counts = { alpha: 0.025, allowedIncrease: 1, allowedDecrease: 1 };
  expect(lib.binomialRateTest(side, side, counts).pIncrease).toBeCloseTo(638 / 1024, 12);
  expect(lib.countTest(side, side, counts).increase).toBe(false);
  // the histogram test: one request in the lower bucket against one in the upper, U = 1 of 1, σ = ½: p = Φ(0) = ½
  expect(lib.compareBuckets([1, 0], [0, 1])).toMatchObject({ slowerShare: 1, pHigher: 0.5 });
  expect(
    lib.decideInterval({ score: 70, metrics: [] }, { stepIndex: 0, stepCount: 1 }, { marginal: 50, pass: 75 }).action,
  ).toBe('rollback');
  expect(() => lib.judge(config, { nope: { baseline: [1], canary: [1] } })).toThrow(lib.ValidationError);
});

describe('canary-judge judge', () => {
  test('judges histogram data (requests per bucket) by Mann-Whitney on the requests, the means in the table', () => {
    const side = (perPeriod: number[], mean: number) => ({
      bounds: [0.05, 0.1, 0.25, 0.5],
      counts: Array(6).fill(perPeriod),
      sums: Array(6).fill(perPeriod.reduce((a, b) => a + b, 0) * mean),
    });
    const config = {
      metrics: [{ name: 'latency', preset: 'latency-histogram' }],
      classifier: { groupWeights: { latency: 100 } },
    };
    const data = {
      latency: { baseline: side([100, 300, 400, 150, 50], 0.15), canary: side([60, 260, 430, 180, 70], 0.18) },
    };
    const args = ['judge', '--config', write('h-config.json', config), '--data', write('h-data.json', data)];
    const json = runCli([...args, '--json']);
    expect(json.code).toBe(2);
    const { metrics } = JSON.parse(json.stdout) as JudgeResult;
    expect(metrics).toEqual(JSON.parse(JSON.stringify(judge(config, data).metrics)));
    expect(metrics[0]).toMatchObject({
      kind: 'histogram',
      classification: 'High',
      histogram: { bounds: [0.05, 0.1, 0.25, 0.5] },
    });
    const text = runCli(args);
    expect(text.stdout.split('\n')[1]).toMatch(
      /^latency +High +mean 150 ms +mean 180 ms +- +canary latency mean 180 ms of 6,000 requests/,
    );
    const bad = runCli([
      'judge',
      '--config',
      args[2],
      '--data',
      write('h-bad.json', { latency: { ...data.latency, canary: { ...data.latency.canary, sums: [1] } } }),
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('latency.canary.sums: sums has 1 periods, counts 6');
    // the preset's floor on the mean's 80 % bound needs the buckets: a series for it is refused, not judged laxly
    const series = runCli([
      'judge',
      '--config',
      args[2],
      '--data',
      write('h-series.json', { latency: { baseline: [0.15, 0.16, 0.15], canary: [0.18, 0.17, 0.18] } }),
    ]);
    expect(series.code).toBe(3);
    expect(series.stdout).toBe('');
    expect(series.stderr).toContain(
      'latency: effectSize.floorConfidence 0.8 needs histogram data (bucket counts and sums) for "latency"; it got a series',
    );
  });

  test('--json on the examples: marginal (exit 1), the same numbers as the library', () => {
    const r = runCli(['judge', '--config', CONFIG, '--data', DATA, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as JudgeResult;
    expect(out).toMatchObject({ score: 70, verdict: 'marginal', thresholds: { marginal: 50, pass: 75 } });
    expect(out.groups.map((g) => [g.name, g.score, g.weight])).toEqual([
      ['latency', 50, 60],
      ['errors', 100, 25],
      ['system', 100, 15],
    ]);
    const p99 = out.metrics[0];
    expect(p99).toMatchObject({ name: 'latency-p99', classification: 'High', critical: false });
    expect(p99.reason).toBe(
      'canary latency-p99 shift +21.3% [CI +7.7%, +49.4%] relative to baseline median 293 ms (Hodges-Lehmann); mean change +22.5%, above allowed +10.0% (the threshold applies to the mean change)',
    );
    expect([p99.lower, p99.estimate, p99.upper].map((v) => Number(v!.toFixed(10)))).toEqual([0.0225, 0.0624, 0.145]);
    const library = judge(
      JSON.parse(readFileSync(join(ROOT, CONFIG), 'utf8')),
      JSON.parse(readFileSync(join(ROOT, DATA), 'utf8')),
    );
    // The library's reason is Kayenta's (set only when the score was forced to 0); the CLI always says why.
    expect(library.reason).toBe('');
    expect(out.reason).toBe('score 70 is below pass 75 and at or above marginal 50: latency-p99 is High');
    expect(out).toEqual({ ...library, reason: out.reason, levelWarnings: [] });
  });

  test('thresholds from flags: pass is exit 0, fail is exit 2', () => {
    const pass = runCli(['judge', '--config', CONFIG, '--data', DATA, '--json', '--pass', '70']);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout)).toMatchObject({
      score: 70,
      verdict: 'pass',
      reason: 'score 70 ≥ pass 70: latency-p99 is High',
      thresholds: { marginal: 50, pass: 70 },
    });
    const fail = runCli(['judge', '--config', CONFIG, '--data', DATA, '--json', '--marginal', '71', '--pass', '80']);
    expect(fail.code).toBe(2);
    expect(JSON.parse(fail.stdout)).toMatchObject({
      score: 70,
      verdict: 'fail',
      reason: 'score 70 is below marginal 71: latency-p99 is High',
    });
  });

  test('--confidence changes every interval', () => {
    const r = runCli(['judge', '--config', CONFIG, '--data', DATA, '--json', '--confidence', '0.9']);
    const out = JSON.parse(r.stdout) as JudgeResult;
    expect(out.confidenceLevel).toBe(0.9);
    expect(out.metrics.every((m) => m.confidenceLevel === 0.9)).toBe(true);
    expect(out.metrics[0].lower!).toBeGreaterThan(0.0225);
  });

  test('readable table: metric rows with medians and CI in their unit and the reason, then groups, score, verdict and why', () => {
    const r = runCli(['judge', '--config', CONFIG, '--data', DATA]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^metric\s+result\s+baseline median\s+canary median\s+HL shift \[98% CI\]\s+reason$/);
    expect(lines[1]).toMatch(
      /^latency-p99\s+High\s+293 ms\s+447 ms\s+\+62\.4 ms \[\+22\.5 ms, \+145 ms\]\s+canary latency-p99 shift \+21\.3%/,
    );
    expect(lines[4]).toMatch(/^cpu\s+Pass\s+31\.8%\s+32\.2%\s+\+0\.42 pp \[-0\.26 pp, \+1\.12 pp\]$/);
    expect(r.stdout).toContain('groups: latency 50 (weight 60), errors 100 (weight 25), system 100 (weight 15)');
    expect(r.stdout).toContain('score:  70 → MARGINAL (marginal 50, pass 75)');
    expect(r.stdout).toContain('reason: score 70 is below pass 75 and at or above marginal 50: latency-p99 is High');
  });

  test('too few points: flagged in the table and listed under the score, left out of it', () => {
    const config = JSON.parse(readFileSync(join(ROOT, CONFIG), 'utf8'));
    config.metrics[2].analysisConfigurations.canary.minDataPoints = 10; // errors-5xx, critical
    const data = JSON.parse(readFileSync(join(ROOT, DATA), 'utf8'));
    data['latency-p99'].canary = data['latency-p99'].canary.slice(0, 6);
    data['errors-5xx'].canary = data['errors-5xx'].canary.slice(0, 6);
    const r = runCli(['judge', '--config', write('few-config.json', config), '--data', write('few-data.json', data)]);
    expect(r.stderr).toBe('');
    // the judged metrics pass; the score is the judge's, the run's last step would not promote on it
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(
      /^latency-p99\s+Nodata \(too few points\)\s+293 ms\s+\d+ ms\s+-\s+canary has 6 points, baseline 60; at least 10 per side are needed to judge latency-p99$/,
    );
    expect(lines[3]).toMatch(/^errors-5xx\s+Nodata \(too few points\)\s/);
    expect(r.stdout).toContain('score:  100 → PASS (marginal 50, pass 75)');
    expect(lines.at(-2)).toBe(
      'not judged (too few points): latency-p99, errors-5xx; a run does not promote without errors-5xx (critical or mustHaveData)',
    );
  });

  test('--count-test: count data judged by the anytime-valid test (default) or the exact binomial test', () => {
    const data = {
      'errors-5xx': {
        baseline: { events: [6, 5, 7, 6], totals: [3000, 3005, 3000, 3005] },
        canary: { events: [12, 13, 11, 13], totals: [2980, 2980, 2980, 2980] },
      },
    };
    const metric = (args: string[]) => {
      const r = runCli(['judge', '--config', CONFIG, '--data', '-', '--json', ...args], JSON.stringify(data));
      return (JSON.parse(r.stdout) as JudgeResult).metrics[2];
    };
    const anytime = metric([]);
    const exact = metric(['--count-test', 'conditional-binomial']);
    expect(anytime).toMatchObject({ kind: 'counts', classification: 'Pass', counts: { test: 'anytime-valid' } });
    // 49 of 11,920 vs 24 of 12,010: the exact one-look test proves the increase at 98 % (p about 0.0021)
    expect(exact).toMatchObject({ kind: 'counts', classification: 'High', counts: { test: 'conditional-binomial' } });
    expect(exact.pValue).toBeLessThan(0.01);
    const bad = runCli(['judge', '--config', CONFIG, '--data', DATA, '--count-test', 'fisher']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--count-test.*fisher.*anytime-valid, conditional-binomial/);
  });

  test('data from stdin', () => {
    const data = { 'latency-p99': { baseline: [1, 2, 3, 4, 5, 6, 7, 8], canary: [1, 2, 3, 4, 5, 6, 7, 8] } };
    const r = runCli(['judge', '--config', CONFIG, '--data', '-', '--json'], JSON.stringify(data));
    // the other three metrics have no data, among them the critical errors-5xx: the canary fails on it
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as JudgeResult;
    expect(out.reason).toBe('Canary Failed: no data returned for errors-5xx');
    expect(out.metrics[2]).toMatchObject({ classification: 'Nodata', critical: true });
    expect(out.metrics[1]).toMatchObject({ classification: 'Nodata', reason: 'no data returned for latency-mean' });
  });

  test('a metric compared at a level its sizes cannot reach (2 against 3 points at 98 %) is warned about', () => {
    const config = JSON.parse(readFileSync(join(ROOT, CONFIG), 'utf8'));
    config.metrics[0].analysisConfigurations.canary.minDataPoints = 2; // latency-p99: judged from 2 points a side
    const configFile = write('two-three-config.json', config);
    const data = { 'latency-p99': { baseline: [0.2, 0.21], canary: [0.4, 0.41, 0.42] } };
    const text = runCli(['judge', '--config', configFile, '--data', '-'], JSON.stringify(data));
    const lines = text.stdout.split('\n');
    expect(lines[1]).toMatch(/^latency-p99\s+High\s/);
    expect(lines.at(-2)).toBe(
      'warning: latency-p99: 98% confidence is not attainable with 2 baseline and 3 canary points: the smallest ' +
        'two-sided p-value of the exact Mann-Whitney test is 0.2, so at most 80% confidence: the interval is then ' +
        'the whole range of pairwise differences, and one above or below 0 is not a 98% result',
    );
    const json = runCli(['judge', '--config', configFile, '--data', '-', '--json'], JSON.stringify(data));
    expect(JSON.parse(json.stdout).levelWarnings).toEqual([
      {
        metric: 'latency-p99',
        baselineCount: 2,
        canaryCount: 3,
        confidenceLevel: 0.98,
        smallestAttainablePValue: 0.2,
        highestAttainableConfidenceLevel: 0.8,
        warning: lines.at(-2)!.slice('warning: latency-p99: '.length),
      },
    ]);
    // at 80 % the same sizes suffice: no warning
    const at80 = runCli(
      ['judge', '--config', CONFIG, '--data', '-', '--json', '--confidence', '0.8'],
      JSON.stringify(data),
    );
    expect(JSON.parse(at80.stdout).levelWarnings).toEqual([]);
  });

  describe('bad input: exit 3, one line on stderr naming the file and field, nothing on stdout', () => {
    const cases: [string, () => string[], RegExp][] = [
      [
        'invalid config field',
        () => {
          const config = JSON.parse(readFileSync(join(ROOT, CONFIG), 'utf8'));
          config.metrics[2].analysisConfigurations.canary.critical = 'yes';
          return ['--config', write('bad-field.json', config), '--data', DATA];
        },
        /^canary-judge judge: \S+bad-field\.json: invalid canary config: metrics\[2\]\.analysisConfigurations\.canary\.critical: .*boolean/,
      ],
      [
        'config not JSON',
        () => ['--config', write('not-json.json', '{"metrics": ['), '--data', DATA],
        /^canary-judge judge: --config \S+not-json\.json is not valid JSON: /,
      ],
      [
        'unreadable data file',
        () => ['--config', CONFIG, '--data', join(dir, 'missing.json')],
        /^canary-judge judge: cannot read --data \S+missing\.json: ENOENT/,
      ],
      [
        'data for a metric the config lacks',
        () => ['--config', CONFIG, '--data', write('unknown.json', { 'latency-p50': { baseline: [1], canary: [2] } })],
        /^canary-judge judge: \S+unknown\.json: invalid metric data: latency-p50: no metric "latency-p50" in the canary config/,
      ],
      [
        'a sample that is not a number',
        () => ['--config', CONFIG, '--data', write('text.json', { cpu: { baseline: [1, '2'], canary: [2] } })],
        /^canary-judge judge: \S+text\.json: invalid metric data: cpu\.baseline\[1\]: expected a number or null$/,
      ],
      [
        'marginal above pass',
        () => ['--config', CONFIG, '--data', DATA, '--marginal', '90'],
        /^canary-judge judge: --marginal\/--pass: invalid thresholds: marginal: marginal must not exceed pass$/,
      ],
      [
        'score out of range',
        () => ['--config', CONFIG, '--data', DATA, '--pass', '120'],
        /^error: option '--pass <score>' argument '120' is invalid\. expected a score from 0 to 100$/,
      ],
      [
        'confidence out of range',
        () => ['--config', CONFIG, '--data', DATA, '--confidence', '98'],
        /^error: option '--confidence <level>' argument '98' is invalid\. expected a number strictly between 0 and 1/,
      ],
      ['missing --data', () => ['--config', CONFIG], /^error: required option '--data <file>' not specified$/],
    ];
    for (const [name, args, message] of cases) {
      test(name, () => {
        const r = runCli(['judge', ...args()]);
        expect(r.code).toBe(3);
        expect(r.stdout).toBe('');
        expect(r.stderr.split('\n')[0]).toMatch(message);
      });
    }
  });

  test('--help shows usage, examples and exit codes', () => {
    const r = runCli(['judge', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: canary-judge judge [options]');
    expect(r.stdout).toContain(
      '$ canary-judge judge --config examples/canary-config.json --data examples/judge-data.json',
    );
    expect(r.stdout).toContain('Exit codes: 0 pass, 1 marginal, 2 fail, 3 bad input');
    expect(r.stdout).toMatch(/--confidence <level> +two-sided confidence level of each metric's interval/);
  });
});

describe('canary-judge run --help', () => {
  test('shows examples, exit codes and the default load', () => {
    const r = runCli(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:\n  $ canary-judge run --config examples/local-run.json\n');
    expect(r.stdout).toContain('$ canary-judge run --config examples/local-latency.json --speed 2');
    expect(r.stdout).toContain('Exit codes: 0 promoted, 1 rolled back, 2 the run could not finish cleanly');
    expect(r.stdout).toMatch(/--rps <n> +local load generator: requests per second to the router\s+\(default: 150\)/);
  });
});

describe('canary-judge mann-whitney', () => {
  interface ReferenceCase {
    name: string;
    baseline: number[];
    canary: number[];
    confidenceLevel: number;
    expected: { estimate: number; lower: number; upper: number; pValue: number };
  }
  const reference = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/reference/mann-whitney.json'), 'utf8'),
  ) as ReferenceCase[];

  test('--json matches the exact reference values (lognormal-20x31-c0.95)', () => {
    const c = reference.find((k) => k.name === 'lognormal-20x31-c0.95-s0.2-1')!;
    const r = runCli([
      'mann-whitney',
      '--baseline',
      write('b.json', c.baseline),
      '--canary',
      write('c.json', c.canary),
      '--confidence',
      String(c.confidenceLevel),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      'estimate',
      'lower',
      'upper',
      'pValue',
      'baselineCount',
      'canaryCount',
      'confidenceLevel',
      'levelAttainable',
      'smallestAttainablePValue',
      'highestAttainableConfidenceLevel',
      'warning',
    ]);
    expect(out).toMatchObject({ levelAttainable: true, warning: null });
    // 2 / C(51, 20), the binomial coefficient counted exactly
    let arrangements = 1n;
    for (let i = 1n; i <= 20n; i++) arrangements = (arrangements * (31n + i)) / i;
    expect(out.smallestAttainablePValue / (2 / Number(arrangements)) - 1).toBeLessThan(1e-12);
    expect([out.estimate, out.lower, out.upper]).toEqual([c.expected.estimate, c.expected.lower, c.expected.upper]);
    expect(Math.abs(out.pValue / c.expected.pValue - 1)).toBeLessThan(1e-9);
    expect([out.baselineCount, out.canaryCount]).toEqual([31, 20]);
  });

  test('stdin object with -, default confidence 0.98', () => {
    const r = runCli(
      ['mann-whitney', '--baseline', '-', '--canary', '-', '--json'],
      '{"baseline":[1,2,3,4,5,6],"canary":[4,5,6,7,8,9]}',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      estimate: 3,
      lower: -1,
      upper: 7,
      baselineCount: 6,
      canaryCount: 6,
      confidenceLevel: 0.98,
    });
  });

  test('readable summary', () => {
    const r = runCli(
      ['mann-whitney', '--baseline', '-', '--canary', '-'],
      '{"baseline":[1,2,3,4,5,6],"canary":[14,15,16,17,18,19]}',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'Mann-Whitney comparison, shift = canary - baseline, 98% confidence',
      '  baseline  6 points, median 3.5',
      '  canary    6 points, median 16.5',
      '  estimate  +13 (Hodges-Lehmann: median of all pairwise differences)',
      '  interval  [+9, +17]',
      expect.stringMatching(/^ {2}p-value {3}0\.00\d+ \(shift 0, two-sided\)$/),
      '  canary is higher than baseline (the interval is above 0)',
      '',
    ]);
  });

  test("fault 'unattainable-level': 1 against 5 points at 98 % is said, with the numbers", () => {
    const row = fault('unattainable-level');
    const r = runCli(['mann-whitney', '--baseline', '-', '--canary', '-'], '{"baseline":[1],"canary":[2,3,4,5,6]}');
    expect(r.code).toBe(row.exit);
    expect(r.stdout).toContain(row.reason);
    expect(r.stdout.split('\n').slice(-3)).toEqual([
      '  canary is higher than baseline (the interval is above 0)',
      '  warning   98% confidence is not attainable with 1 baseline and 5 canary points: the smallest two-sided ' +
        'p-value of the exact Mann-Whitney test is 0.3333, so at most 66.66% confidence: the interval is then the ' +
        'whole range of pairwise differences, and one above or below 0 is not a 98% result',
      '',
    ]);
    const json = runCli(
      ['mann-whitney', '--baseline', '-', '--canary', '-', '--json'],
      '{"baseline":[1],"canary":[2,3,4,5,6]}',
    );
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ lower: 1, upper: 5, levelAttainable: false });
    expect(out.smallestAttainablePValue).toBeCloseTo(2 / 6, 15);
    expect(out.highestAttainableConfidenceLevel).toBeCloseTo(4 / 6, 15);
    expect(out.warning).toMatch(/^98% confidence is not attainable with 1 baseline and 5 canary points/);
  });

  test('2 against 3 points: smallest p 0.2, so 98 % warns and 80 % does not', () => {
    const input = '{"baseline":[1,2],"canary":[10,11,12]}';
    const at = (level: string) =>
      JSON.parse(
        runCli(['mann-whitney', '--baseline', '-', '--canary', '-', '--confidence', level, '--json'], input).stdout,
      );
    expect(at('0.98')).toMatchObject({
      levelAttainable: false,
      smallestAttainablePValue: 0.2,
      highestAttainableConfidenceLevel: 0.8,
      warning: expect.stringContaining('is 0.2, so at most 80% confidence'),
    });
    expect(at('0.8')).toMatchObject({ levelAttainable: true, smallestAttainablePValue: 0.2, warning: null });
  });

  test('bad input: a null in the sample, a missing stdin side, an empty array', () => {
    const nul = runCli([
      'mann-whitney',
      '--baseline',
      write('n.json', [1, null]),
      '--canary',
      write('ok.json', [1, 2]),
    ]);
    expect(nul.code).toBe(3);
    expect(nul.stderr).toMatch(
      /^canary-judge mann-whitney: \S+n\.json: invalid baseline sample: \[1\]: .*expected number/,
    );
    const side = runCli(['mann-whitney', '--baseline', '-', '--canary', '-'], '{"baseline":[1,2]}');
    expect(side.code).toBe(3);
    expect(side.stderr).toBe(
      'canary-judge mann-whitney: stdin: no "canary" array (expected {"baseline": [...], "canary": [...]})\n',
    );
    const empty = runCli(['mann-whitney', '--baseline', write('e.json', []), '--canary', write('ok2.json', [1])]);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/e\.json: invalid baseline sample: \(root\): needs at least one number/);
  });

  test('--help shows examples', () => {
    const r = runCli(['mann-whitney', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$ canary-judge mann-whitney --baseline baseline.json --canary canary.json');
    expect(r.stdout).toMatch(/--confidence <level> +two-sided confidence level of the interval of the shift/);
    expect(r.stdout).not.toContain('each metric');
  });
});

test('no command or an unknown one is bad input (3), not a verdict code', () => {
  expect(runCli([]).code).toBe(3);
  const unknown = runCli(['judg']);
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toContain("unknown command 'judg'");
});
