import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { stop as stopEsbuild } from 'esbuild';
import { cleanupCommand } from '../../cli/commands/cleanup';
import type { RunInputRaw } from '../../shared/config/run-config';
import { forwardWeights } from '../../shared/traffic/alb-rule';
import { createAlbFixtureFromEnv, runLeftovers, type AlbFixture } from '../support/aws-fixtures';
import { bundle } from '../support/bundle';
import { startMoto, type Moto } from '../support/moto';
import { fault } from '../faults/catalog';

/**
 * Fault: `canary-judge run --target aws` killed with SIGKILL after provision left its listener rule (the
 * listener locked for every later run), two target groups and two instances. `canary-judge cleanup --target
 * aws` finds the dead run by its record and its resources by the run-id tag, removes them and says so.
 */

jest.setTimeout(120_000);

let moto: Moto;
let fx: AlbFixture;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;
const work = mkdtempSync(path.join(tmpdir(), 'canary-judge-killed-aws-'));
const stateDir = path.join(work, 'state');
const cli = path.join(work, 'canary-judge.js');

beforeAll(async () => {
  moto = await startMoto({ env: true });
  ({ ec2, elbv2, fx } = await createAlbFixtureFromEnv());
  await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'canary-judge-reports' }));
  await bundle('cli/main.ts', cli);
  await stopEsbuild();
});

afterAll(async () => {
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
});

function config(runId: string): string {
  const launch = (version: string) => ({ launchTemplate: { launchTemplateId: fx.launchTemplateId, version } });
  const input: RunInputRaw = {
    runId,
    service: 'web',
    baseline: { version: '1.41.0', aws: launch('1') },
    canary: { version: '1.42.0', aws: launch('2') },
    traffic: { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn },
    healthCheck: { path: '/healthz', intervalSeconds: 1, timeoutSeconds: 30 },
    steps: [{ weight: 5, durationSeconds: 120 }],
    metricsSource: { type: 'cloudwatch', periodSeconds: 60 },
    canaryConfig: { metrics: [{ name: 'errors', preset: 'error-rate-5xx' }] },
    notifications: { events: false },
  };
  const file = path.join(work, `${runId}.json`);
  writeFileSync(file, JSON.stringify(input));
  return file;
}

function io() {
  const out: string[] = [];
  return { out, stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), readStdin: () => '' };
}

describe('canary-judge run --target aws killed with SIGKILL after provision (moto)', () => {
  it("fault 'runner-killed-aws': canary-judge cleanup --target aws removes the rule, target groups and instances by tag, once", async () => {
    const row = fault('runner-killed-aws');
    const runId = 'web-killed';
    const child = spawn(process.execPath, [cli, 'run', '--config', config(runId), '--target', 'aws', '--json'], {
      cwd: work,
      env: { ...process.env, REPORTS_BUCKET: 'canary-judge-reports', CANARY_JUDGE_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('step 1/1: canary 5%')) resolve();
      });
      child.once('exit', () => reject(new Error(`the run ended before its first step:\n${stderr}`)));
    });
    child.kill('SIGKILL');
    await once(child, 'exit');

    // The fault: the run's rule, two target groups and two instances stay, the listener locked.
    const left = await runLeftovers(ec2, elbv2, fx.listenerArn, runId);
    expect(left.filter((l) => l.startsWith('instance '))).toHaveLength(2);
    expect(left.filter((l) => l.includes(':targetgroup/'))).toHaveLength(2);
    expect(left.filter((l) => l.includes(':listener-rule/'))).toHaveLength(1);

    const first = io();
    expect(await cleanupCommand({ target: 'aws', stateDir, json: true }, first)).toBe(row.exit);
    const result = JSON.parse(first.out.join('')) as {
      runs: { runId: string; trafficRestored: boolean; removed: string[]; error?: string }[];
      removedCount: number;
    };
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]).toMatchObject({ runId, trafficRestored: true });
    expect(result.runs[0].removed.sort()).toEqual(
      left
        .filter((l) => !l.includes(':listener-rule/'))
        .map((l) => (l.startsWith('instance ') ? l : `target group ${l}`))
        .sort(),
    );
    expect(result.removedCount).toBe(5);

    // Read back from moto: nothing tagged with the run id is left, the listener forwards 100 % to production.
    expect(await runLeftovers(ec2, elbv2, fx.listenerArn, runId)).toEqual([]);
    const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!;
    expect(rules.map((r) => r.IsDefault)).toEqual([true]);
    const listener = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [fx.listenerArn] }))).Listeners![0];
    expect(Object.fromEntries(forwardWeights(listener.DefaultActions))).toEqual({ [fx.productionTargetGroupArn]: 1 });

    const again = io();
    expect(await cleanupCommand({ target: 'aws', stateDir }, again)).toBe(row.exit);
    expect(again.out.join('')).toContain(row.reason);
    expect(again.out.join('')).toBe(
      `nothing to clean up: no aws run recorded under ${stateDir} died before its teardown\n`,
    );
  });
});
