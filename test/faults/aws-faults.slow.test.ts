import type { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { RunInputRaw } from '../../shared/config/run-config';
import { Ec2Fleet } from '../../shared/fleet/ec2-fleet';
import { AlbTraffic } from '../../shared/traffic/alb-traffic';
import { forwardWeights } from '../../shared/traffic/alb-rule';
import { createAlbFixtureFromEnv, fixtureRunInput, runLeftovers, type AlbFixture } from '../support/aws-fixtures';
import { startMoto, type Moto } from '../support/moto';
import { fault, type Fault } from './catalog';
import { CliBench } from '../support/cli-bench';
import { expectEnded, slackMessages, slackPath } from './support/expect-fault';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * The fault matrix, AWS runs: `canary-judge run --target aws` as a child process against moto (the real AWS
 * adapters over HTTP), provoked as the catalogue says, then moto read back: the listener forwards to production
 * only, no rule, target group or instance tagged with the run is left, the launch template has the versions it
 * had, the report is in S3 when due. Slow: 20 s on 2 idle cores, 67 s at a load of 12.
 */

jest.setTimeout(120_000);

const BUCKET = 'canary-judge-fault-reports';
let moto: Moto;
let fx: AlbFixture;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
let s3: S3Client;
let bench: CliBench;
let receiver: Receiver;
const savedBucket = process.env.REPORTS_BUCKET;

beforeAll(async () => {
  [moto, bench, receiver] = await Promise.all([
    startMoto({ env: true }),
    CliBench.create('faults-aws'),
    startReceiver(),
  ]);
  // The CLI child inherits the environment: moto's endpoint, region and credentials, and the report bucket.
  process.env.REPORTS_BUCKET = BUCKET;
  ({ ec2, elbv2, fx } = await createAlbFixtureFromEnv());
  s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 120_000);

afterAll(async () => {
  if (savedBucket === undefined) delete process.env.REPORTS_BUCKET;
  else process.env.REPORTS_BUCKET = savedBucket;
  await Promise.all([moto?.stop(), receiver?.close()]);
  bench?.dispose();
});

function runConfig(row: Fault, steps: RunInputRaw['steps']): RunInputRaw {
  return fixtureRunInput(fx, {
    runId: `fault-${row.id}`,
    steps,
    notifications: { slack: { webhookUrl: `${receiver.url}${slackPath(row)}` }, events: false },
  });
}

const run = (row: Fault, steps: RunInputRaw['steps']) =>
  bench.run(row.id, runConfig(row, steps), { args: ['--target', 'aws'] });

async function listenerRules() {
  return (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!;
}

/** moto read back: production only on the listener, nothing of the run left, the launch template unchanged. */
async function expectNothingLeft(runId: string): Promise<void> {
  expect(await runLeftovers(ec2, elbv2, fx.listenerArn, runId)).toEqual([]);
  const listener = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [fx.listenerArn] }))).Listeners![0];
  expect(Object.fromEntries(forwardWeights(listener.DefaultActions))).toEqual({ [fx.productionTargetGroupArn]: 1 });
  expect((await listenerRules()).map((r) => r.IsDefault)).toEqual([true]);
  const versions = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: fx.launchTemplateId }));
  expect(versions.LaunchTemplateVersions!.map((v) => v.VersionNumber).sort()).toEqual([1, 2]);
}

async function reportKeys(runId: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${runId}/` }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function expectReportAndMessage(row: Fault): Promise<void> {
  expect((await reportKeys(`fault-${row.id}`)).includes(`fault-${row.id}/report.html`)).toBe(row.report);
  expect(slackMessages(receiver, row)).toHaveLength(row.notification ? 1 : 0);
}

const BAKING = /step 1\/1: canary 20% · baseline 20% · production 60%/;

describe('AWS run faults (moto)', () => {
  it('sigterm-aws: restores the listener, removes the run, reports, exits 143', async () => {
    const row = fault('sigterm-aws');
    const cli = run(row, [{ weight: 20, durationSeconds: 60 }]);
    await cli.waitFor(BAKING);
    // The weights really were shifted: this is what a killed CLI used to leave on the listener.
    const shifted = (await listenerRules()).find((r) => !r.IsDefault)!;
    expect(Object.fromEntries(forwardWeights(shifted.Actions))[fx.productionTargetGroupArn]).toBe(60);
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    expectEnded(row, result);
    expect(result.json).toMatchObject({ status: 'ABORTED', verdict: 'inconclusive' });
    await expectNothingLeft(`fault-${row.id}`);
    await expectReportAndMessage(row);
  });

  it("locked-aws: refused before anything is created, the other run's rule untouched, exit 2", async () => {
    const row = fault('locked-aws');
    const holder = await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: fx.listenerArn,
        Priority: 7,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: fx.productionTargetGroupArn }],
        Tags: [{ Key: 'canary-judge:run-id', Value: 'fault-holder' }],
      }),
    );
    try {
      const result = await run(row, [{ weight: 20, durationSeconds: 5 }]).exited;
      expectEnded(row, result);
      expect(result.json).toMatchObject({ error: 'TrafficLocked', steps: [], report: null });
      expect(await runLeftovers(ec2, elbv2, fx.listenerArn, `fault-${row.id}`)).toEqual([]);
      expect((await listenerRules()).filter((r) => !r.IsDefault).map((r) => r.RuleArn)).toEqual([
        holder.Rules![0].RuleArn,
      ]);
    } finally {
      await elbv2.send(new DeleteRuleCommand({ RuleArn: holder.Rules![0].RuleArn }));
    }
    await expectNothingLeft(`fault-${row.id}`);
    await expectReportAndMessage(row);
  });

  it('second-signal-aws: exits 10 s after a second signal while AWS hangs; teardown by tag removes what was left', async () => {
    const row = fault('second-signal-aws');
    const runId = `fault-${row.id}`;
    const cli = run(row, [{ weight: 20, durationSeconds: 60 }]);
    await cli.waitFor(BAKING);
    process.kill(-moto.processGroup, 'SIGSTOP');
    let secondAt = 0;
    try {
      cli.child.kill('SIGTERM');
      await cli.waitFor(/interrupted by SIGTERM: restoring production traffic/);
      secondAt = Date.now();
      cli.child.kill('SIGTERM');
      const result = await cli.exited;
      const after = Date.now() - secondAt;
      expect({ code: result.code, signal: result.signal }).toEqual({ code: row.exit, signal: null });
      expect(result.stderr).toContain(row.reason);
      // FORCED_EXIT_AFTER_MS (10 s), plus the time the process takes to exit on a loaded machine.
      expect(after).toBeGreaterThanOrEqual(9_500);
      expect(after).toBeLessThan(20_000);
    } finally {
      process.kill(-moto.processGroup, 'SIGCONT');
    }
    // Whatever the hung teardown did not get to, the run's tag finds: restore traffic, then remove the fleet.
    const traffic = { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn };
    await new AlbTraffic({}).restore(runId, traffic);
    await new Ec2Fleet({}).teardown(runId, []);
    await expectNothingLeft(runId);
    await expectReportAndMessage(row);
  });
});
