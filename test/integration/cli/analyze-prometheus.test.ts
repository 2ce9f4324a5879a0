import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyze } from '../../../shared/analyze/analyze';
import { PrometheusSource } from '../../../shared/metrics/prometheus-source';
import { FileReportStore } from '../../../shared/reports/file-report-store';
import type { StoredJudgment } from '../../../shared/reports/stored-judgment';
import { ensureBuiltCli, ROOT, runCli } from '../../support/built-cli';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus';
import { minuteOf, RECORDED, recordedOpenMetrics, totals } from '../../support/recorded-traffic';

jest.setTimeout(60_000);

/**
 * `analyze` against a real Prometheus holding recorded series: 35 minutes of scrapes of three versions of a service
 * (and another job), backfilled with promtool into the server's TSDB before it starts, ending ten minutes ago. The
 * past half hour is judged in 10-minute intervals at a 60 s step, so every point the queries return is one known
 * minute of traffic.
 */

const MINUTE = 60_000;
const EXAMPLE = JSON.parse(readFileSync(path.join(ROOT, 'examples/analyze-prometheus.json'), 'utf8')) as {
  metricsSource: object;
};

let prometheus: PrometheusServer;
let t0: number;
let reportsDir: string;
let configFile: string;

beforeAll(async () => {
  // 40 minutes ago, on a minute: scrapes from five minutes before the window (so its first minute has a counter
  // sample at its start) to its end ten minutes ago, all inside the server's one hour of retention.
  t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 40 * MINUTE;
  prometheus = await startPrometheus({ targets: [], backfill: recordedOpenMetrics(t0, -5, 29) });
  reportsDir = mkdtempSync(path.join(tmpdir(), 'canary-judge-analyze-prom-'));
  configFile = path.join(reportsDir, 'analyze-prometheus.json');
  writeFileSync(configFile, JSON.stringify(config()));
  ensureBuiltCli();
});

afterAll(async () => {
  await prometheus?.stop();
  if (reportsDir) rmSync(reportsDir, { recursive: true, force: true });
});

/** The example config, pointed at this test's Prometheus. */
function config() {
  return { ...EXAMPLE, metricsSource: { ...EXAMPLE.metricsSource, url: prometheus.url } };
}

const window = () => ({ from: new Date(t0).toISOString(), to: new Date(t0 + 30 * MINUTE).toISOString() });

/** Minutes first..last of the window, as the 60 s step's points: each at its minute's end. */
const minuteEnds = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => t0 + (first + i + 1) * MINUTE);

function storedJudgment(analysisId: string, step: number): StoredJudgment {
  return JSON.parse(
    readFileSync(path.join(reportsDir, analysisId, `judgments/step-${step}.json`), 'utf8'),
  ) as StoredJudgment;
}

describe('analyze over a real Prometheus (recorded series)', () => {
  it('rolls back a slower, failing canary at the first interval, with the numbers that were recorded', async () => {
    const result = await analyze(
      { ...config(), ...window(), baseline: '{job="shop",version="v1"}', canary: '{job="shop",version="v2"}' },
      {
        metrics: new PrometheusSource({ url: prometheus.url, stepSeconds: 60, scopeSelector: 'unused="${role}"' }),
        reports: new FileReportStore(reportsDir),
      },
    );
    expect(result).toMatchObject({
      label: 'WOULD ROLL BACK',
      decision: 'rollback',
      verdict: 'fail',
      intervalCount: 3,
      source: `prometheus ${prometheus.url}`,
      baseline: { label: '{job="shop",version="v1"}' },
      canary: { label: '{job="shop",version="v2"}' },
    });
    expect(result.intervals).toHaveLength(1);
    const [first] = result.intervals;
    expect(first.window).toEqual({ start: window().from, end: new Date(t0 + 10 * MINUTE).toISOString() });
    expect(first.action).toBe('rollback');

    // What the queries returned: one point per minute of the interval, each that minute's recorded value.
    const stored = storedJudgment(result.analysisId, 1);
    const series = Object.fromEntries(stored.series.map((s) => [s.name, s]));
    const ends = minuteEnds(0, 9);
    const minutes = ends.map((_, m) => m);
    expect(series.latency.baseline.timestamps).toEqual(ends);
    expect(series.latency.canary.timestamps).toEqual(ends);
    series.latency.baseline.values.forEach((v, m) => expect(v).toBeCloseTo(RECORDED.v1.latency(m), 12));
    series.latency.canary.values.forEach((v, m) => expect(v).toBeCloseTo(RECORDED.v2.latency(m), 12));
    const counts = series['error-rate'].counts!;
    expect(counts.baseline.totals).toEqual({
      timestamps: ends,
      values: minutes.map((m) => minuteOf(RECORDED.v1, m).requests),
    });
    expect(counts.baseline.events.values).toEqual(minutes.map((m) => minuteOf(RECORDED.v1, m).errors));
    expect(counts.canary.events.values).toEqual(minutes.map((m) => minuteOf(RECORDED.v2, m).errors));

    // The judgment's numbers: the interval's sums, and the medians of the recorded latencies.
    const latency = first.metrics.find((m) => m.name === 'latency')!;
    const errors = first.metrics.find((m) => m.name === 'error-rate')!;
    const baseline = totals(RECORDED.v1, 0, 9);
    const canary = totals(RECORDED.v2, 0, 9);
    // 4·(25 + m mod 7) requests a minute; 4·(1 + m mod 2) and 4·(5 + m mod 2) of them 5xx
    expect(baseline).toEqual({ requests: 1096, errors: 60 });
    expect(canary).toEqual({ requests: 1096, errors: 220 });
    expect(errors.counts?.baseline).toEqual({ events: 60, total: 1096 });
    expect(errors.counts?.canary).toEqual({ events: 220, total: 1096 });
    expect(errors.counts?.rateRatio).toBeCloseTo(220 / 60, 9);
    // the rate ratio's interval lies above 1: the canary's 5xx rate is higher beyond doubt
    expect(errors.counts?.lower).toBeGreaterThan(2);
    expect(errors.counts?.upper).toBeGreaterThan(220 / 60);
    expect(errors.classification).toBe('High');
    expect(latency.classification).toBe('High');
    expect(latency.critical).toBe(true);
    // minutes 0-9: 0.100, 0.102, ..., 0.108 twice over: median 0.104, and 1.6 times that on the canary
    expect(latency.baselineMedian).toBeCloseTo(0.104, 12);
    expect(latency.canaryMedian).toBeCloseTo(0.1664, 12);
    expect(errors.critical).toBe(true);
    // the first critical metric of the config names the cause; both failing metrics are named with their numbers
    expect(result.summary).toMatch(
      new RegExp(
        '^critical metric error-rate failed at interval 1 of 3: error-rate is higher on the canary' +
          ' \\(rate 5\\.5% \\(60 of 1,096\\) → 20% \\(220 of 1,096\\), rate ×3\\.67 \\[CI ×[\\d.]+, ×[\\d.]+\\]\\);' +
          ' latency is higher on the canary \\(median 104 ms → 166 ms, \\+60\\.0%\\)$',
      ),
    );
    expect(readFileSync(path.join(reportsDir, result.analysisId, 'report.html'), 'utf8')).toContain('WOULD ROLL BACK');
  });

  it('canary-judge analyze promotes a canary like its baseline: exit 0, three intervals, the whole window summed', () => {
    const { from, to } = window();
    const r = runCli(
      [
        'analyze',
        ...['--config', configFile, '--baseline', 'job=shop,version=v1', '--canary', 'version=v3,job=shop'],
        ...['--from', from, '--to', to, '--interval', '10m', '--reports-dir', reportsDir, '--id', 'v3', '--json'],
      ],
      undefined,
      { ...process.env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      intervals: { action: string; score: number; metrics: { name: string; counts?: object }[] }[];
    };
    expect(out).toMatchObject({
      analysisId: 'v3',
      label: 'WOULD PROMOTE',
      decision: 'promote',
      verdict: 'pass',
      score: 100,
      intervalCount: 3,
      baseline: { target: 'job=shop,version=v1', label: '{job="shop",version="v1"}' },
      canary: { target: 'version=v3,job=shop', label: '{version="v3",job="shop"}' },
      report: path.join(reportsDir, 'v3/report.html'),
    });
    expect(out.intervals.map((j) => [j.action, j.score])).toEqual([
      ['continue', 100],
      ['continue', 100],
      ['promote', 100],
    ]);
    // Cumulative windows: the last interval reads all 30 minutes, and its counts are their sums.
    const all = { baseline: totals(RECORDED.v1, 0, 29), canary: totals(RECORDED.v3, 0, 29) };
    expect(all.baseline).toEqual({ requests: 3340, errors: 180 });
    expect(out.intervals[2].metrics.find((m) => m.name === 'error-rate')?.counts).toMatchObject({
      baseline: { events: all.baseline.errors, total: all.baseline.requests },
      canary: { events: all.canary.errors, total: all.canary.requests },
    });
    const last = storedJudgment('v3', 3);
    const latency = last.series.find((s) => s.name === 'latency')!;
    expect(latency.canary.timestamps).toEqual(minuteEnds(0, 29));
    latency.canary.values.forEach((v, m) => expect(v).toBeCloseTo(RECORDED.v3.latency(m), 12));
  });

  it('canary-judge analyze prints the decision first, naming the metrics and their counts, and exits 1', () => {
    const { from, to } = window();
    const r = runCli(
      [
        'analyze',
        ...['--config', configFile, '--baseline', '{job="shop",version="v1"}', '--canary', '{job="shop",version="v2"}'],
        ...['--from', from, '--to', to, '--reports-dir', reportsDir, '--id', 'v2-cli'],
      ],
      undefined,
      { ...process.env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^WOULD ROLL BACK: critical metric error-rate failed at interval 1 of 3: error-rate is higher on the canary \(rate 5\.5% \(60 of 1,096\) → 20% \(220 of 1,096\), rate ×3\.67 .*; latency is higher on the canary \(median 104 ms → 166 ms, \+60\.0%\)$/,
    );
    expect(r.stdout).toMatch(/^1\/3 +\S+ +\d+ +fail +rollback +interval 1\/3: /m);
    expect(r.stdout).toMatch(/^error-rate +higher on the canary +rate 5\.5% \(60 of 1,096\) → 20% \(220 of 1,096\)/m);
    expect(r.stdout).toMatch(/^latency +higher on the canary +median 104 ms → 166 ms \(\+60\.0%\)/m);
    expect(r.stdout).toContain(`report: ${path.join(reportsDir, 'v2-cli/report.html')}`);
  });
});
