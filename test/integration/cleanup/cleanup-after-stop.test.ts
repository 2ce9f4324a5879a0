import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRulesCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeHandler } from '../../../functions/cleanup/handler';
import { Ec2Fleet } from '../../../shared/fleet/ec2-fleet';
import type { Notifier, RunEvent } from '../../../shared/notify/notifier';
import { FileReportStore } from '../../../shared/reports/file-report-store';
import type { CleanupAdapters } from '../../../shared/run/cleanup';
import type { RunState } from '../../../shared/run-model/run-state';
import { AlbTraffic } from '../../../shared/traffic/alb-traffic';
import { RUN_ERRORS } from '../../../state-machines/definition';
import { lambdaContext } from '../../support/api-gateway-event';
import { createAlbFixtureFromEnv, runLeftovers, type AlbFixture } from '../../support/aws-fixtures';
import { HistoryBuilder, runState } from '../../support/execution-history';
import { startMoto, type Moto } from '../../support/moto';

/**
 * "Stop execution" while the canary takes traffic: the cleanup function (EventBridge target) finds the
 * run in the execution history and tears it down with the real AWS adapters against moto (EC2, ELBv2),
 * then writes the report and notifies. Step Functions itself is mocked: moto's history is canned.
 */

jest.setTimeout(120_000);

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:canary-judge-run:checkout_1.42.0_gh-1';
const sfnMock = mockClient(SFNClient);
const QUIET = { CANARY_JUDGE_LOG_LEVEL: 'SILENT' };

let moto: Moto;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let fx: AlbFixture;
let reportsDir: string;

class RecordingNotifier implements Notifier {
  readonly events: RunEvent[] = [];
  async notify(event: RunEvent): Promise<void> {
    this.events.push(event);
  }
}

function adapters(notifier: Notifier): CleanupAdapters {
  return {
    fleet: new Ec2Fleet({ ec2, elbv2 }),
    traffic: new AlbTraffic({ elbv2 }),
    reports: new FileReportStore(reportsDir),
    notifiers: [notifier],
  };
}

function statusChange(status: 'ABORTED' | 'TIMED_OUT' | 'FAILED', extra: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-01-01T01:00:00Z',
    region: 'us-east-1',
    resources: [EXECUTION],
    detail: { executionArn: EXECUTION, stateMachineArn: 'arn:sm', name: 'checkout_1.42.0_gh-1', status, ...extra },
  };
}

/** Launch baseline + canary and send them 10% each, as the workflow would have before Bake. */
async function runningCanary(runId: string): Promise<RunState> {
  const base = runState({ runId });
  const input = {
    ...base.input,
    traffic: { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn },
  };
  const fleet = new Ec2Fleet({ ec2, elbv2 });
  const launch = (role: 'baseline' | 'canary', version: string, lt: string) =>
    fleet.launch({
      runId,
      service: input.service,
      role,
      spec: {
        version,
        aws: { launchTemplate: { launchTemplateId: fx.launchTemplateId, version: lt }, instanceCount: 1 },
      },
      productionTargetGroupArn: fx.productionTargetGroupArn,
      healthCheck: input.healthCheck,
    });
  const baseline = await launch('baseline', '1.41.0', '1');
  const canary = await launch('canary', '1.42.0', '2');
  const rule = await new AlbTraffic({ elbv2 }).shift({
    runId,
    traffic: input.traffic,
    baselineTargetGroupArn: baseline.targetGroupArn,
    canaryTargetGroupArn: canary.targetGroupArn,
    weights: { production: 80, baseline: 10, canary: 10 },
  });
  return {
    ...base,
    input,
    resources: { baseline, canary, ruleArn: rule.ruleArn },
    step: { index: 0, weight: 10, appliedAt: '2026-01-01T00:10:00.000Z', waitSeconds: 600 },
  };
}

const leftovers = (runId: string) => runLeftovers(ec2, elbv2, fx.listenerArn, runId);

beforeAll(async () => {
  moto = await startMoto({ env: true });
  ({ ec2, elbv2, fx } = await createAlbFixtureFromEnv());
  reportsDir = mkdtempSync(path.join(tmpdir(), 'canary-judge-cleanup-'));
});

afterAll(async () => {
  await moto?.stop();
  if (reportsDir) rmSync(reportsDir, { recursive: true, force: true });
});

beforeEach(() => sfnMock.reset());

describe('cleanup after an execution ended without its own teardown', () => {
  it('stopped during Bake: restores production, removes the run, reports and notifies; a redelivery neither fails nor notifies twice', async () => {
    const runId = 'checkout-stopped-1';
    const state = await runningCanary(runId);
    expect(await leftovers(runId)).toHaveLength(5);
    const raw = { service: 'checkout' };
    const history = new HistoryBuilder()
      .started(raw)
      .task('Validate', raw, runState({ runId }))
      .task('ShiftWeight', state, state)
      .enter('Bake', state, 'Wait')
      .ended('ExecutionAborted');
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: history.events });
    const notifier = new RecordingNotifier();
    const handler = makeHandler({ env: QUIET, sfn: new SFNClient({}), adaptersFor: () => adapters(notifier) });

    const report = await handler(statusChange('ABORTED'), lambdaContext('cleanup'));

    expect(report).toMatchObject({ runId, status: 'ABORTED', endedIn: 'Bake', tornDown: true, notified: true });
    expect(await leftovers(runId)).toEqual([]);
    const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!;
    expect(rules.map((r) => r.IsDefault)).toEqual([true]);
    const production = await ec2.send(new DescribeInstancesCommand({ InstanceIds: fx.productionInstanceIds }));
    expect(production.Reservations!.flatMap((r) => r.Instances!.map((i) => i.State!.Name))).toEqual([
      'running',
      'running',
    ]);

    expect(notifier.events).toHaveLength(1);
    const [finished] = notifier.events;
    expect(finished.kind).toBe('finished');
    expect(finished.state.outcome).toMatchObject({ decision: 'rollback', verdict: 'fail', score: 0 });
    expect(finished.state.outcome!.reason).toContain('execution ended ABORTED in state Bake');
    expect(finished.state.teardown?.trafficRestored).toBe(true);
    expect(existsSync(finished.links.report!)).toBe(true);
    expect(finished.links.execution).toBe(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${EXECUTION}`,
    );

    const again = await handler(statusChange('ABORTED'), lambdaContext('cleanup'));
    expect(again).toMatchObject({ tornDown: true, notified: false });
    expect(notifier.events).toHaveLength(1);
    expect(await leftovers(runId)).toEqual([]);
  });

  it('after a teardown that failed in the workflow: tears down again and sends the notification the run never sent', async () => {
    const runId = 'checkout-teardown-failed-1';
    const state = await runningCanary(runId);
    const failed = { ...state, error: { Error: 'States.TaskFailed', Cause: 'throttled' } };
    const history = new HistoryBuilder()
      .started({})
      .task('Rollback', state, state)
      .enter('Teardown', state)
      .exit('Teardown', failed)
      .enter('TeardownFailed', failed, 'Fail')
      .ended('ExecutionFailed');
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: history.events });
    const notifier = new RecordingNotifier();
    const handler = makeHandler({ env: QUIET, sfn: new SFNClient({}), adaptersFor: () => adapters(notifier) });

    const report = await handler(
      statusChange('FAILED', { error: RUN_ERRORS.teardownFailed, cause: 'throttled' }),
      lambdaContext('cleanup'),
    );

    expect(report).toMatchObject({ tornDown: true, notified: true, endedIn: 'TeardownFailed' });
    expect(await leftovers(runId)).toEqual([]);
    expect(notifier.events[0].state.error?.Error).toBe(RUN_ERRORS.teardownFailed);
    expect(notifier.events[0].state.outcome!.reason).toContain('earlier: States.TaskFailed: throttled');
  });

  it('does nothing for a run the workflow rolled back, tore down and reported itself', async () => {
    const runId = 'checkout-rolled-back-1';
    const state = await runningCanary(runId);
    const history = new HistoryBuilder()
      .started({})
      .task('Teardown', state, state)
      .task('Notify', state, state)
      .enter('RolledBack', state, 'Fail')
      .ended('ExecutionFailed');
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: history.events });
    const notifier = new RecordingNotifier();
    const adaptersFor = jest.fn(() => adapters(notifier));
    const handler = makeHandler({ env: QUIET, sfn: new SFNClient({}), adaptersFor });

    const report = await handler(statusChange('FAILED', { error: RUN_ERRORS.rolledBack }), lambdaContext('cleanup'));

    expect(report).toMatchObject({
      tornDown: false,
      notified: false,
      skipped: 'the workflow tore down and notified itself',
    });
    expect(adaptersFor).not.toHaveBeenCalled();
    // The run's resources here were left on purpose (the history says they are gone): cleanup trusts the history.
    expect(await leftovers(runId)).toHaveLength(5);
  });

  it('does nothing when the run never got past Validate (it created nothing)', async () => {
    const history = new HistoryBuilder()
      .started({ service: 'x' })
      .enter('Validate', { service: 'x' })
      .ended('ExecutionAborted');
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: history.events });
    const adaptersFor = jest.fn(() => adapters(new RecordingNotifier()));
    const handler = makeHandler({ env: QUIET, sfn: new SFNClient({}), adaptersFor });
    const report = await handler(statusChange('ABORTED'), lambdaContext('cleanup'));
    expect(report).toMatchObject({ tornDown: false, notified: false, endedIn: 'Validate' });
    expect(report.skipped).toMatch(/never got past Validate/);
    expect(adaptersFor).not.toHaveBeenCalled();
  });

  it('refuses an event that is not an execution status change, naming the field', async () => {
    const handler = makeHandler({
      env: QUIET,
      sfn: new SFNClient({}),
      adaptersFor: () => adapters(new RecordingNotifier()),
    });
    await expect(
      handler({ ...statusChange('ABORTED'), detail: { status: 'RUNNING' } }, lambdaContext('cleanup')),
    ).rejects.toThrow(/detail\.executionArn.*detail\.status|detail\.status.*detail\.executionArn/);
  });
});
