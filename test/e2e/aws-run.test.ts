import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { runCommand } from '../../cli/commands/run';
import type { RunInputRaw } from '../../shared/config/run-config';
import { forwardWeights } from '../../shared/traffic/alb-rule';
import { createAlbFixtureFromEnv, fixtureRunInput, runLeftovers, type AlbFixture } from '../support/aws-fixtures';
import { startMoto, type Moto } from '../support/moto';
import { fault } from '../faults/catalog';

/**
 * `canary-judge run --config FILE --target aws` against moto: the workflow's real AWS adapters provision on a
 * fixture ALB, shift, judge from CloudWatch, and clean up. moto has no metric data for the new target
 * groups, so the run must end in the no-data outcome (rolled back, never promoted) and leave nothing behind.
 */

jest.setTimeout(120_000);

let moto: Moto;
let fx: AlbFixture;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
const work = mkdtempSync(path.join(tmpdir(), 'canary-judge-aws-e2e-'));
const savedBucket = process.env.REPORTS_BUCKET;

beforeAll(async () => {
  moto = await startMoto({ env: true });
  process.env.REPORTS_BUCKET = 'canary-judge-reports';
  ({ ec2, elbv2, fx } = await createAlbFixtureFromEnv());
  await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'canary-judge-reports' }));
});

afterAll(async () => {
  if (savedBucket === undefined) delete process.env.REPORTS_BUCKET;
  else process.env.REPORTS_BUCKET = savedBucket;
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
});

function config(runId = 'web-e2e-nodata', delaySeconds = 0): RunInputRaw {
  return fixtureRunInput(
    fx,
    {
      runId,
      // moto has no metric data: with no delay the looks judge empty windows (Nodata)
      metricsSource: { type: 'cloudwatch', periodSeconds: 60, delaySeconds },
      steps: [
        { weight: 5, durationSeconds: 2 },
        { weight: 25, durationSeconds: 2 },
      ],
      canaryConfig: {
        metrics: [
          { name: 'latency-p99', preset: 'latency-p99' },
          { name: 'errors', preset: 'error-rate-5xx' },
        ],
      },
      promote: { strategy: 'none' },
      notifications: { events: false },
    },
    2,
  );
}

const leftovers = (runId: string) => runLeftovers(ec2, elbv2, fx.listenerArn, runId);

describe('canary-judge run --target aws against moto', () => {
  it('ends a run without metric data in the no-data outcome, not promoted, and leaves nothing behind', async () => {
    const file = path.join(work, 'run.json');
    writeFileSync(file, JSON.stringify(config()));
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCommand(
      { config: file, target: 'aws', speed: 1, json: true, rps: 1 },
      { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readStdin: () => '', isTTY: false },
    );
    const result = JSON.parse(out.join(''));

    expect({ code, decision: result.decision, status: result.status }).toEqual({
      code: 1,
      decision: 'rollback',
      status: 'FAILED',
    });
    expect(result.runId).toBe('web-e2e-nodata');
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0].metrics).toEqual([
      { name: 'latency-p99', classification: 'Nodata' },
      { name: 'errors', classification: 'Nodata' },
    ]);
    expect(result.reason).toBe(
      'step 1/2: critical metric errors is Nodata (Missing data for errors (canary 0 requests, baseline 0 requests))',
    );
    // The run really shifted traffic before judging.
    expect(err.join('')).toMatch(/step 1\/2: canary 5% · baseline 5% · production 90%/);

    expect(await leftovers('web-e2e-nodata')).toEqual([]);
    const listener = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [fx.listenerArn] }))).Listeners![0];
    expect(Object.fromEntries(forwardWeights(listener.DefaultActions))).toEqual({ [fx.productionTargetGroupArn]: 1 });
    const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!;
    expect(rules.map((r) => r.IsDefault)).toEqual([true]);
    // The report went to S3 and its pre-signed link opens without credentials.
    const reports = await new S3Client({ forcePathStyle: true }).send(
      new ListObjectsV2Command({ Bucket: 'canary-judge-reports', Prefix: 'web-e2e-nodata/' }),
    );
    expect(reports.Contents!.map((o) => o.Key)).toContain('web-e2e-nodata/report.html');
    const page = await fetch(result.report);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('web-e2e-nodata');
  });

  it("fault 'nothing-judged-aws': a run too short for the source delay could not judge the canary: exit 2, verdict inconclusive, nothing left", async () => {
    const row = fault('nothing-judged-aws');
    const file = path.join(work, 'short.json');
    // CloudWatch's default 60 s delay: 4 s of traffic never leave a complete period to judge
    const { metricsSource, ...rest } = config('web-e2e-short', 0);
    writeFileSync(file, JSON.stringify({ ...rest, metricsSource: { ...metricsSource, delaySeconds: undefined } }));
    const out: string[] = [];
    const code = await runCommand(
      { config: file, target: 'aws', speed: 1, json: true, rps: 1 },
      { stdout: (t) => void out.push(t), stderr: () => undefined, readStdin: () => '', isTTY: false },
    );
    const result = JSON.parse(out.join(''));
    expect({ code, decision: result.decision, verdict: result.verdict, steps: result.steps }).toEqual({
      code: 2,
      decision: 'rollback',
      verdict: 'inconclusive',
      steps: [],
    });
    expect(code).toBe(row.exit);
    expect(result.reason).toContain(row.reason);
    expect(result.summary).toMatch(/^COULD NOT JUDGE/);
    expect(result.reason).toBe(
      'step 2/2: could not judge: nothing to judge after the last step: no complete cloudwatch period in the window yet (warm-up 0s, source delay 60s)',
    );
    expect(await leftovers('web-e2e-short')).toEqual([]);
  });
});
