import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';
import type { RunInputRaw } from '../../shared/config/run-config';
import { runWorkflow, type RunSummary } from '../../local/runner/run-workflow';
import { isAlive } from '../support/local-process';
import { verdictLines } from '../../local/runner/summary';
import { localRunInput } from '../support/run-inputs';
import type { HistogramSummary } from '../../shared/judge/types';

/**
 * Whole runs on loopback: the real sample service (bundled fresh from source), the local router, the load
 * generator, the judge, the report. Each scenario is bounded to well under a minute.
 */

// A guard against hangs, not a speed check: a 40-second run took 140 s on 2 cores at load 12.
jest.setTimeout(240_000);

const work = mkdtempSync(path.join(tmpdir(), 'canary-judge-e2e-'));
const serviceBundle = path.join(work, 'sample-service.js');

beforeAll(async () => {
  await build({
    entryPoints: [path.join(__dirname, '../../local/sample-service/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: serviceBundle,
    logLevel: 'silent',
  });
  // esbuild keeps a service process running; it is not part of what the runs may leave behind.
  await stopEsbuild();
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Regressions big enough to stand out of a loaded machine's noise: there, scheduling delays add up to a few
 * hundred ms to every request, which swamped a +10 ms (50 % of 20 ms) regression and its effect size, and the
 * load generator's few requests per second left a 20 % error rate with error-free seconds. Statistical power
 * on small effects is measured by `npm run bench:stats`, not here.
 */
const BASE_LATENCY_MS = '200';

function scenario(canaryEnv: Record<string, string>, extra: Partial<RunInputRaw> = {}): RunInputRaw {
  const command = ['node', serviceBundle];
  return localRunInput({
    ...extra,
    baseline: { version: '1.41.0', local: { command, env: { BASE_LATENCY_MS } } },
    canary: { version: '1.42.0', local: { command, env: { BASE_LATENCY_MS, ...canaryEnv } } },
    healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 20 },
    steps: [
      { weight: 10, durationSeconds: 10 },
      { weight: 25, durationSeconds: 10 },
      { weight: 50, durationSeconds: 10 },
    ],
    analysis: { warmupSeconds: 1 },
  });
}

/** This process's children, except the ps that lists them. */
function childPids(): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, comm]) => Number(pid) > 0 && comm !== 'ps')
      .map(([pid]) => Number(pid));
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

/**
 * Children the run started that are still there after a short grace (an exited child is reaped on the next
 * turns of the event loop). Children from before the run are not the run's: a jest worker that ran another
 * test file first may keep, e.g., esbuild's service process.
 */
async function childrenAfter(graceMs: number, before: ReadonlySet<number>): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  const runChildren = () => childPids().filter((pid) => !before.has(pid));
  let left = runChildren();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = runChildren();
  }
  return left;
}

async function run(
  name: string,
  canaryEnv: Record<string, string>,
  extra: Partial<RunInputRaw> = {},
): Promise<{ summary: RunSummary; progress: string[] }> {
  const progress: string[] = [];
  const childrenBefore = new Set(childPids());
  const summary = await runWorkflow({
    input: scenario(canaryEnv, extra),
    target: 'local',
    rps: 150,
    reportsDir: path.join(work, name, 'reports'),
    stateDir: path.join(work, name, 'state'),
    progress: (line) => progress.push(line),
  });
  // After every run: production has all traffic, the run's target groups and rules are gone, no process is left.
  expect(summary.routerAfterRun).toEqual({ productionOnly: true, extraRules: [], extraTargetGroups: [] });
  const instancePids = [summary.state?.resources.baseline, summary.state?.resources.canary]
    .flatMap((r) => r?.instanceIds ?? [])
    .map((id) => Number(id.replace(/^local:/, '')));
  expect(instancePids.length).toBeGreaterThanOrEqual(2);
  // Exited (a zombie not reaped yet counts as exited), then reaped: no child of the run is left at all.
  expect(instancePids.filter(isAlive)).toEqual([]);
  expect(await childrenAfter(2000, childrenBefore)).toEqual([]);
  return { summary, progress };
}

const metric = (summary: RunSummary, step: number, name: string) =>
  summary.steps[step]?.metrics.find((m) => m.name === name)?.classification;

describe('a local canary run, end to end', () => {
  it('promotes a healthy canary after judging every step', async () => {
    const { summary, progress } = await run('healthy', {});
    // The reason too: when this fails, the diff says why the run did not promote.
    expect(summary).toMatchObject({
      status: 'SUCCEEDED',
      decision: 'promote',
      verdict: 'pass',
      reason: expect.stringMatching(/final score \d+(\.\d+)? >= pass 75/),
    });
    expect(summary.steps.map((s) => s.weight)).toEqual([10, 25, 50]);
    expect(summary.steps.map((s) => s.action)).toEqual(['continue', 'continue', 'promote']);
    expect(summary.score).toBeGreaterThanOrEqual(75);
    expect(summary.transitions).toBeLessThan(200);
    // the report exists and shows the verdict
    expect(summary.report).toBe(path.join(work, 'healthy', 'reports', summary.runId!, 'report.html'));
    const html = readFileSync(summary.report!, 'utf8');
    expect(html).toContain(summary.runId!);
    expect(existsSync(path.join(work, 'healthy', 'reports', summary.runId!, 'judgments', 'step-3.json'))).toBe(true);
    // live progress: each step's weights, the requests each version served, every metric's class
    expect(progress.some((l) => /step 2\/3: canary 25% · baseline 25% · production 50%/.test(l))).toBe(true);
    const served = progress.filter((l) => /requests: baseline \d+/.test(l));
    expect(served).toHaveLength(3);
    const [, baselineRequests, canaryRequests] = /baseline (\d+).*canary (\d+)/.exec(served[0])!.map(Number);
    // 150 req/s, 10% each, ~10 s: about 150 requests each
    expect(baselineRequests).toBeGreaterThan(80);
    expect(canaryRequests).toBeGreaterThan(80);
  });

  it('rolls back a latency regression before the last step', async () => {
    const { summary } = await run('latency', { LATENCY_FACTOR: '1.5' });
    expect(summary).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack', decision: 'rollback' });
    expect(summary.steps.length).toBeLessThan(3);
    expect(summary.steps.at(-1)?.action).toBe('rollback');
    expect(metric(summary, summary.steps.length - 1, 'latency')).toBe('High');
  });

  it('rolls back a latency regression judged from the requests in the latency histogram (latency-histogram preset)', async () => {
    const canaryConfig = {
      name: 'checkout',
      metrics: [
        { name: 'latency', preset: 'latency-histogram', analysisConfigurations: { canary: { critical: true } } },
      ],
      classifier: { groupWeights: { latency: 100 } },
    };
    const { summary } = await run('histogram', { LATENCY_FACTOR: '1.5' }, { canaryConfig });
    expect(summary).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack', decision: 'rollback', score: 0 });
    expect(summary.steps).toHaveLength(1);
    expect(metric(summary, 0, 'latency')).toBe('High');
    expect(summary.reason).toMatch(/^step 1\/3: critical metric latency is High/);
    // the stored judgment holds the request-level comparison, and the report shows it
    const judgment = JSON.parse(
      readFileSync(path.join(work, 'histogram', 'reports', summary.runId!, 'judgments', 'step-1.json'), 'utf8'),
    ) as { result: { metrics: { kind: string; histogram: HistogramSummary }[] } };
    const [latency] = judgment.result.metrics;
    expect(latency.kind).toBe('histogram');
    expect(latency.histogram.baseline.requests).toBeGreaterThan(20);
    expect(latency.histogram.meanRatio).toBeGreaterThan(1.2);
    // the preset's floors applied to the mean ratio's 80 % bound, which the failure cleared
    expect(latency.histogram.floorConfidence).toBe(0.8);
    expect(latency.histogram.meanRatioBound).toBeGreaterThan(1.05);
    expect(latency.histogram.meanRatioBound).toBeLessThan(latency.histogram.meanRatio!);
    const report = readFileSync(summary.report!, 'utf8');
    expect(report).toContain('Mann-Whitney on the requests');
    expect(report).toContain('the floors apply to its 80% bound');
  });

  it('rolls back an error-rate regression on the critical metric at the first judgment', async () => {
    const { summary } = await run('errors', { ERROR_RATE: '0.5' });
    expect(summary).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack', decision: 'rollback', score: 0 });
    expect(summary.steps).toHaveLength(1);
    expect(metric(summary, 0, 'error-rate')).toBe('High');
    expect(summary.reason).toMatch(/^step 1\/3: critical metric error-rate is High/);
  });

  it('rolls back a canary that crashes, saying it died and how many of its requests failed', async () => {
    const { summary, progress } = await run('crash', { CRASH_AFTER: '60' });
    expect(summary).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack', decision: 'rollback' });
    expect(summary.steps).toHaveLength(1);
    expect(summary.reason).toMatch(/step 1\/3: canary 1\.42\.0 unhealthy/);
    // The router answered for the dead canary: its 5xx are counted, and the summary says so.
    const served = summary.canaryServed!;
    expect(served.errors).toBeGreaterThan(0);
    expect(served.requests).toBeGreaterThan(served.errors);
    const [lead] = verdictLines(summary);
    expect(lead).toMatch(/^ROLLED BACK: the canary 1\.42\.0 died during step 1 of 3 \(0\/1 healthy; .*process exited/);
    expect(lead).toContain(`; ${served.errors} of its ${served.requests} requests failed (5xx)`);
    // Production answered every request it got: no 5xx are booked against it.
    const production = progress
      .filter((l) => /requests: /.test(l))
      .map((l) => /production \d+( \(\d+ 5xx\))?/.exec(l)?.[0]);
    expect(production).toEqual([expect.stringMatching(/^production \d+$/)]);
  });
});
