import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runWorkflow, type RunWorkflowOptions } from '../../../local/runner/run-workflow';
import { exitCodeFor, runResultJson, verdictLines } from '../../../local/runner/summary';
import type { RunInputRaw } from '../../../shared/config/run-config';
import { ValidationError } from '../../../shared/config/validation';
import { fakeAdapters, type FakeAdapters, type SeriesMaker } from '../../support/fake-adapters';
import { localRunInput, TEST_LISTENER_ARN } from '../../support/run-inputs';

/**
 * The runner around the workflow, with in-memory adapters (target aws, so no stand-ins start): validation
 * before anything, --speed, local approval answers, interruption, and what it reports.
 */

const same: SeriesMaker = (name) => (name === 'latency' ? [0.1, 0.12, 0.11, 0.1, 0.13, 0.1] : [0, 0, 0, 0, 0, 0]);
const slow: SeriesMaker = (name, role) =>
  name === 'latency'
    ? Array.from({ length: 10 }, (_, i) => (role === 'canary' ? 0.3 : 0.1) + i * 0.001)
    : Array(10).fill(0);

const aws = { launchTemplate: { launchTemplateName: 'checkout' } };
function awsInput(overrides: Partial<RunInputRaw> = {}): RunInputRaw {
  const base = localRunInput();
  return {
    ...base,
    target: 'aws',
    baseline: { version: '1.41.0', aws },
    canary: { version: '1.42.0', aws },
    steps: [
      { weight: 10, durationSeconds: 1 },
      { weight: 50, durationSeconds: 1 },
    ],
    healthCheck: { intervalSeconds: 1, timeoutSeconds: 10 },
    ...overrides,
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function options(adapters: FakeAdapters, extra: Partial<RunWorkflowOptions>): RunWorkflowOptions & { lines: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cj-runner-'));
  dirs.push(dir);
  const lines: string[] = [];
  return {
    input: awsInput(),
    adapters: () => adapters,
    stateDir: dir,
    reportsDir: dir,
    progress: (line) => lines.push(line),
    env: { CANARY_JUDGE_LOG_LEVEL: 'SILENT' },
    lines,
    ...extra,
  };
}

describe('runWorkflow with in-memory adapters', () => {
  it('promotes, and reports verdict, score, steps, report and progress', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const opts = options(adapters, {});
    const summary = await runWorkflow(opts);
    expect(summary).toMatchObject({
      status: 'SUCCEEDED',
      decision: 'promote',
      verdict: 'pass',
      score: 100,
      error: undefined,
    });
    expect(summary.steps.map((s) => [s.step, s.weight, s.action])).toEqual([
      [1, 10, 'continue'],
      [2, 50, 'promote'],
    ]);
    expect(summary.report).toBe(`memory://${summary.runId}/report.html`);
    expect(summary.transitions).toBe(1 + 2 + 2 + 2 * 4 + 6);
    expect(adapters.fleet.of(summary.runId!)).toEqual([]);
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(100);
    expect(opts.lines.join('\n')).toMatch(
      /step 2\/2: canary 50% · baseline 50% · production 0% for 1s[\s\S]*judged step 2\/2: score 100\/100 → promote: score 100 ≥ pass 75 after the last step/,
    );
    expect(verdictLines(summary)[0]).toBe('PROMOTED: score 100 ≥ pass 75 after the last step; all 2 metrics passed');
  });

  it('rolls back a regression, leading with the decision and why in one sentence, values in their unit', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, slow);
    const opts = options(adapters, {});
    const summary = await runWorkflow(opts);
    expect(summary).toMatchObject({ status: 'FAILED', error: 'CanaryRolledBack', decision: 'rollback', score: 50 });
    expect(summary.reason).toBe('step 1/2: score 50 <= marginal 50');
    // the steps have one look each: the sentence says when it was made, not which look
    const sentence = expect.stringMatching(
      /^ROLLED BACK: score 50 ≤ marginal 50 at step 1 of 2 \(\d+ s after the first shift\): latency is higher on the canary \(median 105 ms → 305 ms, \+191%\)$/,
    );
    expect(verdictLines(summary)).toEqual([
      sentence,
      `score 50/100 (judge: marginal) · run ${summary.runId}`,
      `report: memory://${summary.runId}/report.html`,
    ]);
    expect(runResultJson(summary).summary).toEqual(sentence);
    const judged = opts.lines.filter((l) => /judged step|✓|✗/.test(l)).map((l) => l.replace(/^\[ *[\d.]+s\] /, ''));
    expect(judged).toEqual([
      '  judged step 1/2: score 50/100 → roll back: score 50 ≤ marginal 50',
      '    ✓ error-rate  no significant difference · median 0% → 0%',
      '    ✗ latency     higher on the canary · median 105 ms → 305 ms (+191%)',
    ]);
    expect(adapters.fleet.of(summary.runId!)).toEqual([]);
  });

  it('names the look when a failure is proven before the step ends', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, slow);
    const input = awsInput({
      steps: [
        { weight: 10, durationSeconds: 2 },
        { weight: 50, durationSeconds: 2 },
      ],
      judgment: { mode: 'sequential', checkIntervalSeconds: 1 },
    });
    const opts = options(adapters, { input });
    const summary = await runWorkflow(opts);
    expect(summary).toMatchObject({ decision: 'rollback', score: 50 });
    const judged = opts.lines.filter((l) => /judged /.test(l)).map((l) => l.replace(/^\[ *[\d.]+s\] /, ''));
    expect(judged).toEqual(['  judged look 1/2 of step 1/2: score 50/100 → roll back: score 50 ≤ marginal 50']);
  });

  it('says a failed critical metric once per step, in words, not the judge reason four times', async () => {
    const errors: SeriesMaker = (name, role) =>
      name === 'latency'
        ? Array.from({ length: 10 }, (_, i) => 0.1 + i * 0.001)
        : Array.from({ length: 10 }, (_, i) => (role === 'canary' ? 0.2 + (i % 3) * 0.01 : 0));
    const adapters = fakeAdapters(TEST_LISTENER_ARN, errors);
    const opts = options(adapters, {});
    const summary = await runWorkflow(opts);
    const judgeReason = summary.state!.judgments[0].metrics.find((m) => m.name === 'error-rate')!.reason!;
    expect(judgeReason).toContain('the baseline mean is 0');
    const everything = [...opts.lines, ...verdictLines(summary)];
    expect(everything.filter((l) => l.includes('Hodges-Lehmann') || l.includes('mean is 0'))).toEqual([]);
    expect(everything.filter((l) => l.includes('✗ error-rate'))).toEqual([
      expect.stringMatching(/✗ error-rate \(critical\) {2}higher on the canary · median 0% → 21%$/),
    ]);
    expect(verdictLines(summary)[0]).toMatch(
      /^ROLLED BACK: critical metric error-rate failed at step 1 of 2 \(\d+ s after the first shift\): error-rate is higher on the canary \(median 0% → 21%\)$/,
    );
  });

  it('refuses bad input before creating any adapter, naming the field', async () => {
    const make = jest.fn(() => fakeAdapters(TEST_LISTENER_ARN));
    const bad = awsInput({ thresholds: { marginal: 80, pass: 60 } });
    await expect(runWorkflow({ ...options(make(), {}), adapters: make, input: bad })).rejects.toThrow(
      /thresholds\.marginal/,
    );
    expect(make).toHaveBeenCalledTimes(1); // only the call above, none by the runner
  });

  it('--speed shortens steps and health polls before validation', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const input = awsInput({
      steps: [{ weight: 10, durationSeconds: 30 }],
      healthCheck: { intervalSeconds: 10, timeoutSeconds: 60 },
    });
    const started = Date.now();
    const summary = await runWorkflow(options(adapters, { input, speed: 30 }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary.state?.input.steps[0].durationSeconds).toBe(1);
    expect(summary.state?.input.healthCheck).toMatchObject({ intervalSeconds: 1, timeoutSeconds: 5 });
  });

  it.each([
    ['approve', undefined, 'SUCCEEDED', undefined],
    ['reject', undefined, 'FAILED', /^promotion rejected by canary-judge run: no approval given/],
    ['ask', true, 'SUCCEEDED', undefined],
    ['ask', false, 'FAILED', /^promotion rejected by terminal$/],
  ] as const)('answers an approval before promoting: %s (%s)', async (approval, answer, status, reason) => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const questions: string[] = [];
    const summary = await runWorkflow(
      options(adapters, {
        input: awsInput({ approval: 'before-promote' }),
        approval,
        ask: async (q) => {
          questions.push(q);
          return answer ?? false;
        },
      }),
    );
    expect(summary.status).toBe(status);
    if (reason) expect(summary.reason).toMatch(reason);
    expect(questions).toEqual(approval === 'ask' ? ['Promote checkout 1.42.0 (score 100, pass)?'] : []);
    expect(adapters.promoted).toHaveLength(status === 'SUCCEEDED' ? 1 : 0);
  });

  it('on interruption stops the workflow, then restores traffic and tears the run down', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const controller = new AbortController();
    const input = awsInput({ steps: [{ weight: 20, durationSeconds: 30 }] });
    const opts = options(adapters, { input, signal: controller.signal });
    const progress = opts.progress!;
    opts.progress = (line) => {
      progress(line);
      // abort while the step bakes with 40% of the traffic on the run's versions
      if (line.includes('step 1/1: canary 20%')) setTimeout(() => controller.abort('SIGTERM'), 50);
    };
    const started = Date.now();
    const summary = await runWorkflow(opts);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary.status).toBe('ABORTED');
    expect(adapters.traffic.history).toEqual([
      { production: 100, baseline: 0, canary: 0 },
      { production: 60, baseline: 20, canary: 20 },
    ]);
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(100);
    expect(adapters.fleet.of(summary.runId!)).toEqual([]);
    expect(summary.state?.teardown?.trafficRestored).toBe(true);
    expect(opts.lines).toContainEqual(expect.stringContaining('the workflow ended before teardown: tearing down now'));
    // Reported and announced like any finished run, with why it ended; the canary is not blamed.
    const reason = 'interrupted by SIGTERM at step 1/1; torn down';
    expect(summary).toMatchObject({ interruptedBy: 'SIGTERM', verdict: 'inconclusive', reason });
    expect(exitCodeFor(summary)).toBe(143);
    expect(summary.report).toBe(`memory://${summary.runId}/report.html`);
    expect(adapters.reports.files.get(`${summary.runId}/report.html`)?.body).toContain(reason);
    const finished = adapters.notifiers[0].events.filter((e) => e.kind === 'finished');
    expect(finished.map((e) => e.state.outcome?.reason)).toEqual([reason]);
  });

  it('a dead baseline ends the run as could not judge: verdict inconclusive, exit 2, traffic back on production', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    adapters.fleet.health_.baseline = { status: 'unhealthy', detail: '0/1 healthy; exited with code 1' };
    const summary = await runWorkflow(options(adapters, { input: awsInput() }));
    expect(summary).toMatchObject({
      status: 'FAILED',
      verdict: 'inconclusive',
      reason: 'could not judge: baseline 1.41.0 not healthy: 0/1 healthy; exited with code 1',
    });
    expect(exitCodeFor(summary)).toBe(2);
    expect(verdictLines(summary)[0]).toMatch(/^COULD NOT JUDGE/);
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(100);
    expect(adapters.fleet.of(summary.runId!)).toEqual([]);
  });

  it('an interruption without a named reason still reports the step it stopped at (exit 130)', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const controller = new AbortController();
    const opts = options(adapters, {
      input: awsInput({ steps: [{ weight: 20, durationSeconds: 30 }] }),
      signal: controller.signal,
    });
    const progress = opts.progress!;
    opts.progress = (line) => {
      progress(line);
      if (line.includes('step 1/1: canary 20%')) setTimeout(() => controller.abort(), 50);
    };
    const summary = await runWorkflow(opts);
    expect(summary).toMatchObject({
      status: 'ABORTED',
      interruptedBy: undefined,
      reason: 'interrupted at step 1/1; torn down',
    });
    expect(exitCodeFor(summary)).toBe(130);
  });
});

describe('refusals and input checks before the run', () => {
  it('a refusal by Validate (listener locked) resolves with the refusal, no unhandled rejection, nothing created', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    adapters.traffic.rules.set(TEST_LISTENER_ARN, {
      ruleArn: 'rule/other-run',
      runId: 'other-run',
      weights: { production: 80, baseline: 10, canary: 10 },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const opts = options(adapters, {});
      const summary = await runWorkflow(opts);
      // let a rejection nobody handled surface
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(summary).toMatchObject({ status: 'FAILED', error: 'TrafficLocked', decision: 'rollback' });
      expect(summary.reason).toMatch(/in use by canary-judge run "other-run"/);
      expect(exitCodeFor(summary)).toBe(2);
      expect(opts.lines).toContainEqual(expect.stringMatching(/Validate failed: TrafficLocked listener .* in use/));
      expect(adapters.fleet.calls).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it.each([
    ['"steps": "fast"', { steps: 'fast' }, /steps: /],
    ['a zero step duration', { steps: [{ weight: 10, durationSeconds: 0 }] }, /steps\[0\]\.durationSeconds/],
    ['a negative step duration', { steps: [{ weight: 10, durationSeconds: -30 }] }, /steps\[0\]\.durationSeconds/],
    [
      'a negative health interval',
      { healthCheck: { intervalSeconds: -1, timeoutSeconds: 60 } },
      /healthCheck\.intervalSeconds/,
    ],
  ])('--speed validates before scaling: %s is refused naming the field', async (_what, change, field) => {
    const make = jest.fn(() => fakeAdapters(TEST_LISTENER_ARN, same));
    const input = { ...awsInput(), ...change } as unknown as RunInputRaw;
    const run = runWorkflow({ ...options(make(), {}), adapters: make, input, speed: 4 });
    await expect(run).rejects.toThrow(ValidationError);
    await expect(run).rejects.toThrow(field);
    expect(make).toHaveBeenCalledTimes(1); // only the call above: nothing was started
  });

  it("a query of another source's kind (CloudWatch counts for Prometheus) is refused before any adapter exists", async () => {
    const make = jest.fn(() => fakeAdapters(TEST_LISTENER_ARN, same));
    const input = awsInput({ metricsSource: { type: 'prometheus', url: 'http://127.0.0.1:9090' } });
    const counts = {
      name: '5xx',
      groups: ['errors'],
      query: {
        type: 'cloudwatch-counts',
        events: [
          { type: 'cloudwatch', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' },
        ],
        total: { type: 'cloudwatch', namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', stat: 'Sum' },
      },
    };
    input.canaryConfig = { metrics: [counts as never], classifier: { groupWeights: { errors: 100 } } };
    const adapters = make();
    const run = runWorkflow({ ...options(adapters, {}), adapters: make, input });
    await expect(run).rejects.toThrow(ValidationError);
    await expect(run).rejects.toThrow(
      'canaryConfig.metrics[0].query.type: metric "5xx" has a cloudwatch-counts query, which metricsSource.type "prometheus" cannot answer',
    );
    expect(make).toHaveBeenCalledTimes(1); // only the call above: no provisioning, no traffic moved
    expect(adapters.fleet.calls).toEqual([]);
    expect(adapters.traffic.calls).toEqual([]);
  });
});
