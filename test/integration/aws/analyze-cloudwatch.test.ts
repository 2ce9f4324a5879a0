import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { analyze } from '../../../shared/analyze/analyze';
import { CloudWatchSource } from '../../../shared/metrics/cloudwatch-source';
import { FileReportStore } from '../../../shared/reports/file-report-store';
import { ensureBuiltCli, ROOT, runCli } from '../../support/built-cli';
import { startMoto, type Moto } from '../../support/moto';

jest.setTimeout(120_000);

/**
 * `analyze` against moto's CloudWatch: per-minute ALB metrics of three target groups put by the test for a past
 * half hour, read back with GetMetricData through the CloudWatch source, judged in 10-minute intervals.
 */

const MINUTE = 60_000;
const LB = 'app/web/50dc6c495c0c9188';
const TG = {
  blue: 'targetgroup/shop-blue/1111111111111111',
  green: 'targetgroup/shop-green/2222222222222222',
  slow: 'targetgroup/shop-slow/3333333333333333',
};
const CONFIG = JSON.parse(readFileSync(path.join(ROOT, 'examples/analyze-cloudwatch.json'), 'utf8')) as object;

let moto: Moto;
let t0: number;
let reportsDir: string;

/** Per minute m: 100 + (m mod 7) requests, 1 + (m mod 3) 5xx, an average latency of `latency(m)` seconds. */
function minutes(tg: string, latency: (m: number) => number): MetricDatum[] {
  const dims = [
    { Name: 'LoadBalancer', Value: LB },
    { Name: 'TargetGroup', Value: tg },
  ];
  return Array.from({ length: 30 }, (_, m) => {
    const at = new Date(t0 + m * MINUTE + 20_000);
    return [
      { MetricName: 'RequestCount', Dimensions: dims, Timestamp: at, Value: 100 + (m % 7) },
      { MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: dims, Timestamp: at, Value: 1 + (m % 3) },
      { MetricName: 'TargetResponseTime', Dimensions: dims, Timestamp: at, Value: latency(m) },
    ];
  }).flat();
}

beforeAll(async () => {
  moto = await startMoto({ env: true });
  reportsDir = mkdtempSync(path.join(tmpdir(), 'canary-judge-analyze-'));
  // ten minutes before now, so CloudWatch's one-minute delay is long past
  t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 40 * MINUTE;
  const put = new CloudWatchClient({ disableRequestCompression: true });
  const data = [
    ...minutes(TG.blue, (m) => 0.1 + 0.002 * (m % 5)),
    ...minutes(TG.green, (m) => 0.1 + 0.002 * ((m + 2) % 5)),
    ...minutes(TG.slow, (m) => 1.6 * (0.1 + 0.002 * (m % 5))),
  ];
  for (let i = 0; i < data.length; i += 500) {
    await put.send(new PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: data.slice(i, i + 500) }));
  }
  ensureBuiltCli();
});

afterAll(async () => {
  rmSync(reportsDir, { recursive: true, force: true });
  await moto?.stop();
});

const window = () => ({ from: new Date(t0).toISOString(), to: new Date(t0 + 30 * MINUTE).toISOString() });

describe('analyze over CloudWatch (moto)', () => {
  it('rolls back a 60 % slower canary at the first interval, with the numbers CloudWatch returned', async () => {
    const reports = new FileReportStore(reportsDir);
    const result = await analyze(
      { ...CONFIG, ...window(), baseline: TG.blue, canary: TG.slow, analysisId: 'slow' },
      { metrics: new CloudWatchSource({ periodSeconds: 60 }), reports },
    );
    expect(result).toMatchObject({ label: 'WOULD ROLL BACK', decision: 'rollback', intervalCount: 3 });
    expect(result.intervals).toHaveLength(1);
    const [first] = result.intervals;
    expect(first.window).toEqual({ start: window().from, end: new Date(t0 + 10 * MINUTE).toISOString() });
    const latency = first.metrics.find((m) => m.name === 'latency')!;
    expect(latency.classification).toBe('High');
    // minutes 0-9: 0.100, 0.102, ..., 0.108 twice over: median 0.104, and 1.6 times that on the canary
    expect(latency.baselineMedian).toBeCloseTo(0.104, 9);
    expect(latency.canaryMedian).toBeCloseTo(0.1664, 9);
    const errors = first.metrics.find((m) => m.name === 'error-rate')!;
    // 100..106 requests per minute and 1, 2, 3 errors by turns: the same on both sides
    expect(errors.counts?.baseline).toEqual({ events: 19, total: 1024 });
    expect(errors.counts?.canary).toEqual({ events: 19, total: 1024 });
    expect(errors.classification).toBe('Pass');
    expect(result.summary).toMatch(/at interval 1 of 3: latency is higher on the canary \(median 104 ms → 166 ms/);
    expect(readFileSync(path.join(reportsDir, 'slow/report.html'), 'utf8')).toContain('WOULD ROLL BACK');
  });

  it('canary-judge analyze promotes a canary like its baseline: exit 0 and one JSON object', () => {
    const { from, to } = window();
    const r = runCli(
      [
        'analyze',
        ...['--config', 'examples/analyze-cloudwatch.json', '--baseline', TG.blue, '--canary', TG.green],
        ...['--from', from, '--to', to, '--interval', '10m', '--reports-dir', reportsDir, '--id', 'green', '--json'],
      ],
      undefined,
      { ...process.env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { intervals: { action: string; score: number }[] };
    expect(out).toMatchObject({
      analysisId: 'green',
      label: 'WOULD PROMOTE',
      decision: 'promote',
      verdict: 'pass',
      score: 100,
      intervalCount: 3,
      intervalSeconds: 600,
      baseline: { target: TG.blue, label: 'shop-blue' },
      canary: { target: TG.green, label: 'shop-green' },
      report: path.join(reportsDir, 'green/report.html'),
    });
    expect(out.intervals.map((j) => [j.action, j.score])).toEqual([
      ['continue', 100],
      ['continue', 100],
      ['promote', 100],
    ]);
    expect(readFileSync(path.join(reportsDir, 'green/report.html'), 'utf8')).toContain('WOULD PROMOTE');
  });

  it('canary-judge analyze prints the decision first, then the intervals, and exits 1 on a rollback', () => {
    const { from, to } = window();
    const r = runCli(
      [
        'analyze',
        ...['--config', 'examples/analyze-cloudwatch.json', '--baseline', TG.blue, '--canary', TG.slow],
        ...['--from', from, '--to', to, '--reports-dir', reportsDir, '--id', 'slow-cli'],
      ],
      undefined,
      { ...process.env },
    );
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'WOULD ROLL BACK: critical metric latency failed at interval 1 of 3: latency is higher on the canary (median 104 ms → 166 ms, +60.0%)',
    );
    expect(r.stdout).toMatch(/^1\/3 +\S+ +\d+ +\w+ +rollback +interval 1\/3: /m);
    expect(r.stdout).toContain(`report: ${path.join(reportsDir, 'slow-cli/report.html')}`);
  });

  it('refuses bad input with exit 3, naming the field, and reads nothing', () => {
    const future = new Date(Date.now() + 60 * MINUTE).toISOString();
    const r = runCli([
      'analyze',
      ...['--config', 'examples/analyze-cloudwatch.json', '--baseline', TG.blue, '--canary', '{version="v2"}'],
      ...['--from', window().from, '--to', future, '--reports-dir', reportsDir],
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^canary-judge analyze: invalid analyze input: canary: the cloudwatch source reads an ALB target group/,
    );
    expect(runCli(['analyze', '--config', 'examples/analyze-cloudwatch.json', '--interval', 'soon']).code).toBe(3);
    const help = runCli(['analyze', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes: 0 would promote, 1 would roll back, 2 could not judge');
  });
});
