/**
 * Speed and memory of the judge's statistics: `npm run bench` (ts-node --transpile-only bench/judge-bench.ts).
 *
 * For every sample size (points per side) and metric count, a fresh child process generates seeded metrics
 * (log-normal latency, tied error counts, normal CPU), then times each metric's statistics path: NaN removal,
 * IQR outlier removal, summary stats, mean ratio, CLES and mannWhitney (interval, estimate, p-value). Each child
 * reports wall time per metric (the first metric includes JIT warm-up, as a cold Lambda would), the total and
 * its peak RSS. With Rscript on PATH, R's wilcox.test(canary, baseline, conf.int = TRUE, exact = FALSE,
 * correct = TRUE, conf.level = 0.98) runs on the first metric of each size, timed inside R.
 *
 * The count tests come after: the anytime-valid test and the exact conditional test (with their intervals) on 40
 * periods of seeded counts, by events per side, CPU time of the call (the exact test's convolution grows with the
 * events).
 *
 * Flags: --sizes 1000,10000,100000  --metrics 1,10,50  --count-events 100,10000,50000  --no-r  --json
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binomialRateTest } from '../shared/judge/binomial-rate-test';
import { countTest, type CountSide } from '../shared/judge/count-test';
import { summaryStats } from '../shared/judge/descriptive';
import { cles, meanRatio } from '../shared/judge/effect-size';
import { judge } from '../shared/judge/judge';
import { mannWhitney } from '../shared/judge/mann-whitney';
import { removeNaN, removeOutliers } from '../shared/judge/transforms';
import type { MannWhitneyResult } from '../shared/judge/types';
import { createRng } from './stats/rng';

const CONFIDENCE_LEVEL = 0.98;
const SEED = 20240601;

interface Metric {
  name: string;
  baseline: number[];
  canary: number[];
}

/** Metric i of a run: the same (size, i) always gives the same samples, in any process. */
function metric(i: number, size: number): Metric {
  const rng = createRng(SEED, i);
  const kind = i % 3;
  const draw = (shift: number): number[] =>
    Array.from({ length: size }, () => {
      if (kind === 0) return 0.12 * Math.exp(0.35 * rng.normal() + shift); // latency, seconds
      if (kind === 1) return Math.max(0, Math.round(2 + 1.5 * rng.normal() + 10 * shift)); // error counts, tied
      return 40 + 8 * rng.normal() + 20 * shift; // CPU %
    });
  return { name: ['latency', 'errors', 'cpu'][kind] + i, baseline: draw(0), canary: draw(i % 2 === 0 ? 0 : 0.02) };
}

/** The judge's preprocessing: NaN removal, then IQR outlier removal (factor 3, reduced sensitivity). */
function cleaned(m: Metric): { baseline: number[]; canary: number[] } {
  const clean = (values: number[]) => removeOutliers(removeNaN(values), { method: 'iqr', factor: 3 });
  return { baseline: clean(m.baseline), canary: clean(m.canary) };
}

/** CPU time of this process so far, ms (user + system): unlike wall time, not inflated by other processes. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Everything the judge computes per metric apart from classification and scoring; times mannWhitney alone too. */
function judgeStatistics(m: Metric): { result: MannWhitneyResult; mannWhitneyMs: number; mannWhitneyCpuMs: number } {
  const { baseline, canary } = cleaned(m);
  summaryStats(baseline);
  summaryStats(canary);
  meanRatio(baseline, canary);
  cles(baseline, canary);
  const t0 = process.hrtime.bigint();
  const c0 = cpuMs();
  const result = mannWhitney(baseline, canary, { confidenceLevel: CONFIDENCE_LEVEL });
  return { result, mannWhitneyMs: Number(process.hrtime.bigint() - t0) / 1e6, mannWhitneyCpuMs: cpuMs() - c0 };
}

interface ChildReport {
  size: number;
  metrics: number;
  perMetricMs: number[];
  perMetricCpuMs: number[];
  mannWhitneyMs: number[];
  mannWhitneyCpuMs: number[];
  totalMs: number;
  totalCpuMs: number;
  dataRssMb: number;
  peakRssMb: number;
  judgeMs: number;
  judgeCpuMs: number;
  judgePeakRssMb: number;
  first: MannWhitneyResult;
}

/** judge() on the same metrics: a Kayenta-shaped config, one group per metric kind, outliers removed. */
function timeJudge(data: Metric[]): { judgeMs: number; judgeCpuMs: number } {
  const config = {
    metrics: data.map((m) => ({
      name: m.name,
      groups: [m.name.replace(/\d+$/, '')],
      analysisConfigurations: { canary: { outliers: { strategy: 'remove' as const } } },
    })),
  };
  const samples = Object.fromEntries(data.map((m) => [m.name, { baseline: m.baseline, canary: m.canary }]));
  const t0 = process.hrtime.bigint();
  const c0 = cpuMs();
  const result = judge(config, samples, { marginal: 50, pass: 75 }, { confidenceLevel: CONFIDENCE_LEVEL });
  const judgeMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const judgeCpuMs = cpuMs() - c0;
  if (result.metrics.length !== data.length) throw new Error('judge() dropped metrics');
  return { judgeMs, judgeCpuMs };
}

function runChild(size: number, count: number): ChildReport {
  const data = Array.from({ length: count }, (_, i) => metric(i, size));
  const dataRssMb = process.memoryUsage().rss / 2 ** 20;
  const perMetricMs: number[] = [];
  const perMetricCpuMs: number[] = [];
  const mannWhitneyMs: number[] = [];
  const mannWhitneyCpuMs: number[] = [];
  let first: MannWhitneyResult | undefined;
  const start = process.hrtime.bigint();
  const cpuStart = cpuMs();
  for (const m of data) {
    const t0 = process.hrtime.bigint();
    const c0 = cpuMs();
    const timed = judgeStatistics(m);
    perMetricMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    perMetricCpuMs.push(cpuMs() - c0);
    mannWhitneyMs.push(timed.mannWhitneyMs);
    mannWhitneyCpuMs.push(timed.mannWhitneyCpuMs);
    first ??= timed.result;
  }
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  const totalCpuMs = cpuMs() - cpuStart;
  const peakRssMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  if (!first) throw new Error('no metrics');
  const { judgeMs, judgeCpuMs } = timeJudge(data);
  const judgePeakRssMb = process.resourceUsage().maxRSS / 1024;
  return {
    size,
    metrics: count,
    perMetricMs,
    perMetricCpuMs,
    mannWhitneyMs,
    mannWhitneyCpuMs,
    totalMs,
    totalCpuMs,
    dataRssMb,
    peakRssMb,
    judgeMs,
    judgeCpuMs,
    judgePeakRssMb,
    first,
  };
}

/** 40 periods of counts, about `events` per side in all, the canary's rate ×1.2; shares vary with the traffic. */
function countData(events: number): { baseline: CountSide; canary: CountSide } {
  const rng = createRng(SEED, events);
  const side = (rate: number): CountSide => {
    const totals = Array.from({ length: 40 }, () => Math.round(250_000 * (1 + 0.05 * rng.normal())));
    const perPeriod = events / 40;
    const counts = totals.map((n) =>
      Math.min(n, Math.max(0, Math.round(rate * perPeriod + Math.sqrt(rate * perPeriod) * rng.normal()))),
    );
    return { events: counts, totals };
  };
  return { baseline: side(1), canary: side(1.2) };
}

interface CountRow {
  events: number;
  anytimeValidCpuMs: number;
  exactCpuMs: number;
}

/** CPU ms of the second of two calls (the first warms the JIT). */
function warmCpuMs(call: () => unknown): number {
  call();
  const c0 = cpuMs();
  call();
  return cpuMs() - c0;
}

function timeCountTests(events: number): CountRow {
  const { baseline, canary } = countData(events);
  const options = { alpha: 0.01, allowedIncrease: 1.1, allowedDecrease: 1 / 1.1 };
  return {
    events,
    anytimeValidCpuMs: warmCpuMs(() => countTest(baseline, canary, options)),
    exactCpuMs: warmCpuMs(() => binomialRateTest(baseline, canary, options)),
  };
}

interface RReport {
  seconds: number;
  cpuSeconds: number;
  lower: number;
  upper: number;
  estimate: number;
  pValue: number;
}

function hasRscript(): boolean {
  return spawnSync('Rscript', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** R's wilcox.test on metric 0 of this size, cleaned as ours; the call alone is timed inside R (no start-up). */
function runR(size: number): RReport {
  const m = cleaned(metric(0, size));
  const dir = mkdtempSync(join(tmpdir(), 'judge-bench-'));
  try {
    writeFileSync(join(dir, 'baseline.txt'), m.baseline.map((v) => v.toPrecision(17)).join('\n'));
    writeFileSync(join(dir, 'canary.txt'), m.canary.map((v) => v.toPrecision(17)).join('\n'));
    const script = [
      `baseline <- scan("${join(dir, 'baseline.txt')}", quiet = TRUE)`,
      `canary <- scan("${join(dir, 'canary.txt')}", quiet = TRUE)`,
      't <- system.time(r <- wilcox.test(canary, baseline, conf.int = TRUE, exact = FALSE, correct = TRUE,',
      `  conf.level = ${CONFIDENCE_LEVEL}))`,
      'cpu <- t[["user.self"]] + t[["sys.self"]]',
      'cat(sprintf("%.17g", c(t[["elapsed"]], cpu, r$conf.int[1], r$conf.int[2], r$estimate, r$p.value)), sep = "\\n")',
    ].join('\n');
    const out = spawnSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (out.status !== 0) throw new Error(`Rscript failed: ${out.stderr}`);
    const [seconds, cpuSeconds, lower, upper, estimate, pValue] = out.stdout.trim().split('\n').map(Number);
    return { seconds, cpuSeconds, lower, upper, estimate, pValue };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnChild(size: number, count: number): ChildReport {
  const out = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', __filename, '--child', String(size), String(count)],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (out.status !== 0) throw new Error(`benchmark child (${size} points, ${count} metrics) failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as ChildReport;
}

function listFlag(args: string[], name: string, fallback: number[]): number[] {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const values = (args[i + 1] ?? '').split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1))
    throw new Error(`${name} wants positive integers, e.g. 1,10,50`);
  return values;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const col = (v: number | string, width: number, digits = 1) =>
  (typeof v === 'number' ? v.toFixed(digits) : v).padStart(width);
const sci = (v: number) => v.toExponential(1).padStart(10);

function main(args: string[]): void {
  if (args[0] === '--child') {
    process.stdout.write(JSON.stringify(runChild(Number(args[1]), Number(args[2]))));
    return;
  }
  if (args.includes('--help')) {
    console.log(
      'usage: npm run bench -- [--sizes 1000,10000,100000] [--metrics 1,10,50] [--count-events 100,10000,50000] [--no-r] [--json]',
    );
    return;
  }
  const sizes = listFlag(args, '--sizes', [1000, 10000, 100000]);
  const counts = listFlag(args, '--metrics', [1, 10, 50]);
  const countEvents = listFlag(args, '--count-events', [100, 10_000, 50_000]);
  const withR = !args.includes('--no-r') && hasRscript();
  const json = args.includes('--json');
  const log = (line: string) => {
    if (!json) console.log(line);
  };

  log(`judge statistics benchmark: node ${process.version}, confidence ${CONFIDENCE_LEVEL}, seed ${SEED}`);
  log('points per side (baseline and canary each); one fresh process per row; per metric: clean + stats + effect');
  log('sizes + mannWhitney. "first" includes JIT warm-up. CPU = user + system time of the process.');
  log('peak RSS = process.resourceUsage().maxRSS (the ts-node process alone is about 100 MB).');
  log('');
  log('  points metrics  total ms  total CPU ms  first ms  median ms  max ms  median CPU ms  data RSS MB  peak RSS MB');
  const reports: ChildReport[] = [];
  for (const size of sizes) {
    for (const count of counts) {
      const r = spawnChild(size, count);
      reports.push(r);
      const later = (xs: number[]) => (xs.length > 1 ? xs.slice(1) : xs);
      log(
        col(size, 8, 0) +
          col(count, 8, 0) +
          col(r.totalMs, 10) +
          col(r.totalCpuMs, 14) +
          col(r.perMetricMs[0], 10) +
          col(median(later(r.perMetricMs)), 11) +
          col(Math.max(...r.perMetricMs), 8) +
          col(median(later(r.perMetricCpuMs)), 15) +
          col(r.dataRssMb, 13) +
          col(r.peakRssMb, 13),
      );
    }
  }

  log('');
  log('judge(config, data) on the same metrics (zod validation, NaN/outlier handling, classification, scoring),');
  log('run after the rows above in the same process (warm):');
  log('  points metrics  judge ms  judge CPU ms  CPU ms per metric  peak RSS MB');
  for (const r of reports) {
    log(
      col(r.size, 8, 0) +
        col(r.metrics, 8, 0) +
        col(r.judgeMs, 10) +
        col(r.judgeCpuMs, 14) +
        col(r.judgeCpuMs / r.metrics, 19) +
        col(r.judgePeakRssMb, 13),
    );
  }

  const rRows: {
    size: number;
    r: RReport;
    oursMs: number;
    oursCpuMs: number;
    warmCpuMs: number;
    ours: MannWhitneyResult;
  }[] = [];
  if (withR) {
    log('');
    log("R's wilcox.test(canary, baseline, conf.int = TRUE, exact = FALSE, correct = TRUE, conf.level = 0.98) on the");
    log('cleaned samples of metric 0 of each size, timed inside R. Ours: that mannWhitney call, cold (first in its');
    log('process), and warm (median CPU of the later mannWhitney calls of this size).');
    log(
      '  points   R s  R CPU s  cold ms  cold CPU ms  warm CPU ms  R/cold  R/warm  |R lower - ours|  |R upper - ours|  p rel. diff',
    );
    for (const size of sizes) {
      const rows = reports.filter((x) => x.size === size);
      const row = rows[0];
      if (!row) continue;
      const later = rows.flatMap((x) => x.mannWhitneyCpuMs.slice(1));
      const warmCpuMs = later.length ? median(later) : NaN;
      const r = runR(size);
      const ours = row.first;
      const oursMs = row.mannWhitneyMs[0];
      const oursCpuMs = row.mannWhitneyCpuMs[0];
      rRows.push({ size, r, oursMs, oursCpuMs, warmCpuMs, ours });
      const ratio = (ms: number) => (Number.isFinite(ms) ? `${Math.round((r.cpuSeconds * 1000) / ms)}x` : '-');
      log(
        col(size, 8, 0) +
          col(r.seconds, 6, 2) +
          col(r.cpuSeconds, 9, 2) +
          col(oursMs, 9) +
          col(oursCpuMs, 13) +
          col(warmCpuMs, 13) +
          col(ratio(oursCpuMs), 8) +
          col(ratio(warmCpuMs), 8) +
          col(sci(Math.abs(r.lower - ours.lower)), 18) +
          col(sci(Math.abs(r.upper - ours.upper)), 18) +
          col(sci(Math.abs(r.pValue - ours.pValue) / r.pValue), 13),
      );
    }
  } else {
    log('');
    log('(Rscript not on PATH or --no-r: R comparison skipped)');
  }

  log('');
  log('Count tests on 40 periods, the canary rate ×1.2, against ×1.1, with their intervals (warm CPU ms per call):');
  log('  events per side  anytime-valid  exact conditional');
  const countRows = countEvents.map(timeCountTests);
  for (const row of countRows) {
    log(col(row.events, 17, 0) + col(row.anytimeValidCpuMs, 15) + col(row.exactCpuMs, 19));
  }
  if (json) console.log(JSON.stringify({ reports, r: rRows, counts: countRows }, null, 2));
}

main(process.argv.slice(2));
