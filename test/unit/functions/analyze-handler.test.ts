import type { Context } from 'aws-lambda';
import { makeHandler } from '../../../functions/analyze/handler';
import { createLogger } from '../../../functions/common/task-handler';
import { executeDefinition, type TaskFunction } from '../../../local/runner/execute';
import type { AnalyzeInputRaw } from '../../../shared/config/analyze-input';
import type { MetricRequest, MetricSeries, MetricSource } from '../../../shared/metrics/metric-source';
import {
  buildDefinition,
  localFunctionArns,
  TASK_STATES,
  type TaskStateName,
} from '../../../state-machines/definition';
import { MemoryReportStore } from '../../support/fake-adapters';
import { LATENCY_METRIC } from '../../support/run-inputs';

/**
 * functions/analyze: the thin handler (the one analyze schema at the boundary), and the state machine's
 * `mode: "analyze"` route executed locally with it (aws-local-stepfunctions): nothing of a run is entered.
 */

const MINUTE = 60_000;
const FROM = Date.UTC(2026, 4, 4, 14, 0);
const NOW = new Date(FROM + 60 * MINUTE);
const context = { functionName: 'analyze', awsRequestId: 'req-1' } as unknown as Context;
const logger = createLogger({ CANARY_JUDGE_LOG_LEVEL: 'SILENT' });

/** Latency per minute: 100 ms ± a little on the baseline, `canary` times that on the canary. */
class Latency implements MetricSource {
  readonly description = 'in-memory';
  calls = 0;
  constructor(private readonly canary: number) {}
  async fetch(request: MetricRequest): Promise<MetricSeries[]> {
    this.calls++;
    const timestamps: number[] = [];
    for (let t = request.window.start.getTime(); t < request.window.end.getTime(); t += MINUTE) timestamps.push(t);
    const values = (factor: number, shift: number) =>
      timestamps.map((t) => factor * (0.1 + 0.001 * ((t / MINUTE + shift) % 7)));
    return request.metrics.map(({ name }) => ({
      name,
      baseline: { timestamps, values: values(1, 0) },
      canary: { timestamps, values: values(this.canary, 3) },
    }));
  }
}

function input(overrides: Partial<AnalyzeInputRaw> = {}): AnalyzeInputRaw {
  return {
    mode: 'analyze',
    analysisId: 'shop-green',
    service: 'shop',
    baseline: '{version="1.41.0"}',
    canary: 'version=1.42.0,job=shop',
    from: new Date(FROM).toISOString(),
    to: new Date(FROM + 30 * MINUTE).toISOString(),
    intervalSeconds: 600,
    metricsSource: { type: 'prometheus', url: 'http://127.0.0.1:9', stepSeconds: 60 },
    canaryConfig: { name: 'shop', metrics: [LATENCY_METRIC], classifier: { groupWeights: { latency: 100 } } },
    ...overrides,
  };
}

function handlerWith(source: MetricSource, reports = new MemoryReportStore()) {
  const requests: MetricRequest[] = [];
  const recording: MetricSource = {
    description: source.description,
    fetch: (request) => {
      requests.push(request);
      return source.fetch(request);
    },
  };
  return { handler: makeHandler({ logger, metrics: () => recording, reports, now: () => NOW }), requests, reports };
}

describe('functions/analyze', () => {
  it("answers with the analysis: label sets as the versions' selectors, the report in the store", async () => {
    const { handler, requests, reports } = handlerWith(new Latency(1));
    const result = await handler(input(), context);
    expect(result).toMatchObject({
      analysisId: 'shop-green',
      label: 'WOULD PROMOTE',
      decision: 'promote',
      headline: 'WOULD PROMOTE: score 100 ≥ pass 75 after the last interval; all 1 metrics passed',
      intervalCount: 3,
      report: { key: 'shop-green/report.html' },
    });
    expect(requests).toHaveLength(3);
    expect(requests[0].scopes.baseline.selector).toBe('version="1.41.0"');
    expect(requests[0].scopes.canary.selector).toBe('version="1.42.0",job="shop"');
    expect(reports.files.has('shop-green/report.html')).toBe(true);
  });

  it('refuses bad input naming the field, and reads nothing', async () => {
    const { handler, requests } = handlerWith(new Latency(1));
    await expect(handler(input({ to: new Date(FROM + 90 * MINUTE).toISOString() }), context)).rejects.toThrow(
      /invalid analyze input: to: 2026-05-04T15:30:00.000Z is in the future/,
    );
    await expect(handler(input({ intervalSeconds: 0 }), context)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/intervalSeconds: /),
    });
    await expect(handler({ ...input(), steps: [] }, context)).rejects.toThrow(/Unrecognized key.*steps/);
    expect(requests).toHaveLength(0);
  });
});

describe('the state machine with mode "analyze" (executed locally)', () => {
  const definition = buildDefinition(localFunctionArns());

  function execute(raw: unknown, canary: number) {
    const { handler } = handlerWith(new Latency(canary));
    const entered: string[] = [];
    const refuse =
      (name: string): TaskFunction =>
      async () => {
        entered.push(name);
        throw new Error(`${name} must not run for an analysis`);
      };
    const tasks = Object.fromEntries(
      (Object.keys(TASK_STATES) as TaskStateName[]).map((name) => [
        name,
        name === 'Analyze' ? (payload: unknown) => handler(payload, context) : refuse(name),
      ]),
    ) as Record<TaskStateName, TaskFunction>;
    return {
      entered,
      run: () =>
        executeDefinition(definition, raw, {
          tasks,
          approve: async () => ({ approved: false }),
          retryIntervalMs: 1,
        }),
    };
  }

  it('routes to Analyze and succeeds when the canary would be promoted, touching no run state', async () => {
    const { run, entered } = execute(input(), 1);
    const result = await run();
    expect(result).toMatchObject({ status: 'SUCCEEDED', path: ['Mode', 'Analyze', 'Analyzed', 'AnalysisPromoted'] });
    expect(result.transitions).toBe(4);
    expect(entered).toEqual([]);
  });

  it('fails with CanaryRolledBack and the headline as cause when it would roll back', async () => {
    const result = await execute(input(), 1.5).run();
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('CanaryRolledBack');
    expect(result.cause).toMatch(/^WOULD ROLL BACK: .* at interval 1 of 3: latency is higher on the canary/);
    expect(result.path).toEqual(['Mode', 'Analyze', 'Analyzed', 'AnalysisRolledBack']);
  });

  it('fails as NotStarted with the ValidationError when the input is bad', async () => {
    const result = await execute(input({ from: 'soon' }), 1).run();
    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(result.cause).toMatch(/from: expected an ISO 8601 time/);
    expect(result.path).toEqual(['Mode', 'Analyze', 'NotStarted']);
  });
});
