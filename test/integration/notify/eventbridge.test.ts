import { CreateArchiveCommand, CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  EventBridgeNotifier,
  VERDICT_DETAIL_TYPE,
  verdictEventDetail,
} from '../../../shared/notify/eventbridge-notifier';
import type { RunEvent } from '../../../shared/notify/notifier';
import { startMoto, type Moto } from '../../support/moto';
import { buildRunReportFixture } from '../../support/run-report-fixture';

/**
 * EventBridgeNotifier against moto_server over real HTTP. An archive on the bus catches the events that
 * match its pattern; moto's state dump shows each archived event as EventBridge delivered it.
 */

interface ArchivedEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  time: number;
}

jest.setTimeout(60_000);

describe('EventBridgeNotifier against moto', () => {
  let moto: Moto;
  let client: EventBridgeClient;
  let warnings: { message: string; details?: Record<string, unknown> }[];
  const logger = { warn: (message: string, details?: Record<string, unknown>) => warnings.push({ message, details }) };
  const { state } = buildRunReportFixture();
  const links = {
    report: 'https://reports.example.com/checkout-api-20261122-1400/report.html',
    execution:
      'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:123456789012:execution:canary-judge:x',
  };
  const finished: RunEvent = { kind: 'finished', state, links };

  beforeAll(async () => {
    moto = await startMoto();
    client = new EventBridgeClient(moto.config);
  });
  afterAll(() => moto?.stop());

  beforeEach(async () => {
    await moto.reset();
    warnings = [];
  });

  async function archive(busName: string, pattern: object): Promise<void> {
    const arn =
      busName === 'default'
        ? `arn:aws:events:us-east-1:123456789012:event-bus/default`
        : (await client.send(new CreateEventBusCommand({ Name: busName }))).EventBusArn!;
    await client.send(
      new CreateArchiveCommand({
        ArchiveName: `${busName}-all`,
        EventSourceArn: arn,
        EventPattern: JSON.stringify(pattern),
      }),
    );
  }

  async function archived(): Promise<ArchivedEvent[]> {
    const dump = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as {
      events: { Archive: { events: ArchivedEvent[] }[] };
    };
    return dump.events.Archive.flatMap((a) => a.events);
  }

  it('puts one canary-judge.verdict event with the run, versions, verdict, score, decision, reason and links', async () => {
    await archive('default', { source: ['canary-judge'] });
    await new EventBridgeNotifier({ client, logger }).notify(finished);
    const events = await archived();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.source).toBe('canary-judge');
    expect(event['detail-type']).toBe(VERDICT_DETAIL_TYPE);
    expect(event.detail).toEqual({
      runId: 'checkout-api-20261122-1400',
      service: 'checkout-api',
      baselineVersion: '1.4.2',
      canaryVersion: '1.5.0',
      target: 'local',
      dryRun: false,
      verdict: 'fail',
      score: 0,
      decision: 'rollback',
      status: 'rolled back',
      summary:
        'critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher on the canary (median 120 ms → 146 ms, +21.3%)',
      reason: 'Canary Failed: latency-p99 was classified as High',
      thresholds: { marginal: 50, pass: 75 },
      steps: { planned: 3, judged: 2 },
      failedMetrics: ['latency-p99'],
      startedAt: state.startedAt,
      finishedAt: state.outcome?.finishedAt,
      reportUrl: links.report,
      reportKey: state.outcome?.reportKey,
      executionUrl: links.execution,
    });
    expect(event.detail).toEqual(verdictEventDetail(state, links));
    // The event's time is when the run decided, not when it was put.
    expect(event.time * 1000).toBe(Date.parse(state.outcome!.finishedAt!));
    expect(warnings).toEqual([]);
  });

  it('matches rules on the verdict: a pattern for "pass" does not see a failed run', async () => {
    await archive('default', { source: ['canary-judge'], detail: { verdict: ['pass'] } });
    await new EventBridgeNotifier({ client, logger }).notify(finished);
    expect(await archived()).toHaveLength(0);
  });

  it('a rule on detail.decision "rollback" sees a rollback at a marginal score; one on verdict "fail" does not', async () => {
    const judgments = state.judgments.map((j, i) => (i === 1 ? { ...j, score: 50, verdict: 'marginal' as const } : j));
    const marginal = {
      ...finished,
      state: { ...state, judgments, outcome: { ...state.outcome!, verdict: 'marginal' as const, score: 50 } },
    };
    await archive('default', { source: ['canary-judge'], detail: { verdict: ['fail'] } });
    await new EventBridgeNotifier({ client, logger }).notify(marginal);
    expect(await archived()).toHaveLength(0);
    await moto.reset();
    await archive('default', { source: ['canary-judge'], detail: { decision: ['rollback'] } });
    await new EventBridgeNotifier({ client, logger }).notify(marginal);
    expect((await archived()).map((e) => [e.detail.verdict, e.detail.score, e.detail.decision])).toEqual([
      ['marginal', 50, 'rollback'],
    ]);
  });

  it('puts nothing for events other than finished', async () => {
    await archive('default', { source: ['canary-judge'] });
    const notifier = new EventBridgeNotifier({ client, logger });
    for (const kind of ['started', 'judgment', 'approval'] as const) await notifier.notify({ ...finished, kind });
    expect(await archived()).toHaveLength(0);
  });

  it('uses the configured bus and source', async () => {
    await archive('deploys', { source: ['acme.canary'], 'detail-type': [VERDICT_DETAIL_TYPE] });
    await new EventBridgeNotifier({ client, eventBusName: 'deploys', source: 'acme.canary', logger }).notify(finished);
    const events = await archived();
    expect(events.map((e) => [e.source, e['detail-type'], e.detail.runId])).toEqual([
      ['acme.canary', VERDICT_DETAIL_TYPE, 'checkout-api-20261122-1400'],
    ]);
  });

  it('logs, never throws, when the put fails', async () => {
    const notifier = new EventBridgeNotifier({ client, eventBusName: 'no-such-bus', logger });
    await expect(notifier.notify(finished)).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toBe('verdict event not put');
    expect(warnings[0].details).toMatchObject({ runId: 'checkout-api-20261122-1400', eventBusName: 'no-such-bus' });
    expect(String(warnings[0].details?.error)).toContain('no-such-bus');
  });
});
