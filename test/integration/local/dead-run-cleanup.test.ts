import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stop as stopEsbuild } from 'esbuild';
import { cleanupCommand } from '../../../cli/commands/cleanup';
import { RouterAdminClient } from '../../../shared/router-api/client';
import { LocalRouter, type LocalRouterEndpoints } from '../../../local/router/local-router';
import { bundle } from '../../support/bundle';
import { writeUserService } from '../../support/user-service';
import { groupMembers, running, waitGone } from '../../support/process-groups';
import { ERROR_RATE_METRIC, localRunInput } from '../../support/run-inputs';

/**
 * Fault: a runner killed after provision left its listener rule (weights on the router), its target
 * groups and its processes; nothing found them again. `canary-judge cleanup --target local` removes all of
 * it for runs whose runner is gone, through the router when it still runs, and leaves live runs alone.
 */

jest.setTimeout(120_000);

const work = mkdtempSync(path.join(tmpdir(), 'cj-dead-run-'));
const stateDir = path.join(work, 'state');
const runner = path.join(work, 'dying-runner.js');
const service = path.join(work, 'user-service.js');

const routers: LocalRouter[] = [];
const runners: ChildProcess[] = [];

beforeAll(async () => {
  writeUserService(service);
  await bundle('test/support/dying-runner.ts', runner);
  await stopEsbuild();
});

afterAll(async () => {
  for (const child of runners) child.kill('SIGKILL');
  await cleanupCommand({ target: 'local', stateDir }, io());
  for (const router of routers) await router.stop();
  rmSync(work, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t: string) => void out.push(t),
    stderr: (t: string) => void err.push(t),
    readStdin: () => '',
  };
}

async function startRouter(): Promise<{ endpoints: LocalRouterEndpoints; admin: RouterAdminClient }> {
  const router = new LocalRouter();
  routers.push(router);
  const endpoints = await router.start();
  return { endpoints, admin: new RouterAdminClient(endpoints.adminUrl) };
}

/** A runner that provisions `runId` on the router and stays until killed. */
async function provisionedRun(runId: string, endpoints: LocalRouterEndpoints): Promise<ChildProcess> {
  const command = ['node', service];
  const input = localRunInput({
    runId,
    baseline: { version: '1.41.0', local: { command } },
    canary: { version: '1.42.0', local: { command } },
    traffic: { listenerArn: endpoints.listenerArn, productionTargetGroupArn: endpoints.productionTargetGroupArn },
    canaryConfig: { metrics: [ERROR_RATE_METRIC] },
  });
  const child = spawn(process.execPath, [runner], {
    env: { ...process.env, ROUTER_URL: endpoints.adminUrl, STATE_DIR: stateDir, RUN_INPUT: JSON.stringify(input) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  runners.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('provisioned')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`runner exited before provisioning:\n${output}`)));
  });
  return child;
}

/** The run's tagged resources on the router and the pids of its instances' process groups. */
async function runResources(admin: RouterAdminClient, runId: string) {
  const tagged = await admin.findResources([{ key: 'canary-judge:run-id', value: runId }]);
  const rules = (await admin.describeRules()).filter((r) => !r.isDefault);
  return { tagged: tagged.map((r) => `${r.type} ${r.resourceArn}`).sort(), rules: rules.map((r) => r.ruleArn) };
}

describe('canary-judge cleanup --target local', () => {
  it('removes the rule, target groups and processes of a run whose runner was killed, and only of that run', async () => {
    const dead = await startRouter();
    const alive = await startRouter();
    const killed = await provisionedRun('shop-dead', dead.endpoints);
    const live = await provisionedRun('shop-alive', alive.endpoints);

    const before = await runResources(dead.admin, 'shop-dead');
    expect(before.tagged.map((t) => t.split(' ')[0])).toEqual(['listener-rule', 'targetgroup', 'targetgroup']);
    const deadInstances = (await dead.admin.describeTargetGroups())
      .filter((g) => g.targetGroupArn !== dead.endpoints.productionTargetGroupArn)
      .map((g) => g.targetGroupArn);
    const ports = (await Promise.all(deadInstances.map((arn) => dead.admin.describeTargetHealth(arn)))).flat();
    expect(ports).toHaveLength(2);
    const liveBefore = await runResources(alive.admin, 'shop-alive');

    killed.kill('SIGKILL');
    await once(killed, 'exit');
    const killedPids = readdirSync(path.join(stateDir, 'shop-dead'))
      .filter((f) => /^instance-\d+\.json$/.test(f))
      .map((f) => Number(/\d+/.exec(f)![0]));
    const orphans = killedPids.flatMap(groupMembers);
    expect(orphans).toHaveLength(4); // two services, each with its helper
    expect(orphans.every(running)).toBe(true);

    const streams = io();
    expect(await cleanupCommand({ target: 'local', stateDir, json: true }, streams)).toBe(0);
    const result = JSON.parse(streams.out.join('')) as {
      runs: { runId: string; trafficRestored: boolean; removed: string[] }[];
      removedCount: number;
    };
    expect(result.runs.map((r) => [r.runId, r.trafficRestored])).toEqual([['shop-dead', true]]);
    expect(result.runs[0].removed.sort()).toEqual(
      [
        ...killedPids.map((pid) => `instance local:${pid}`),
        ...deadInstances.map((arn) => `target group ${arn}`),
      ].sort(),
    );
    expect(result.removedCount).toBe(5);

    // Read back: the router forwards 100 % to production again and has nothing of the run; its processes are gone.
    expect(await runResources(dead.admin, 'shop-dead')).toEqual({ tagged: [], rules: [] });
    const [listener] = await dead.admin.describeListeners();
    expect(listener.defaultActions[0].targetGroups).toEqual([
      { targetGroupArn: dead.endpoints.productionTargetGroupArn, weight: 1 },
    ]);
    expect(await waitGone(orphans)).toEqual([]);
    // The live run was not touched.
    expect(await runResources(alive.admin, 'shop-alive')).toEqual(liveBefore);

    // Idempotent; a live run named explicitly is left alone and says why; an unknown run id is bad input.
    const again = io();
    expect(await cleanupCommand({ target: 'local', stateDir, runId: ['shop-alive', 'shop-dead'] }, again)).toBe(0);
    const { stoppedAt } = JSON.parse(readFileSync(path.join(stateDir, 'shop-dead', 'run.json'), 'utf8')) as {
      stoppedAt: string;
    };
    expect(again.out.join('')).toBe(
      `run shop-alive: left alone, still running (pid ${live.pid})\n` +
        `run shop-dead: left alone, torn down at ${stoppedAt}\n` +
        `removed 0 resource(s) and process(es) left by 0 run(s)\n`,
    );
    const unknown = io();
    expect(await cleanupCommand({ target: 'local', stateDir, runId: ['nope'] }, unknown)).toBe(3);
    expect(unknown.err.join('')).toBe(
      `canary-judge cleanup: invalid cleanup request: --run-id: no local run "nope" is recorded under ${stateDir} ` +
        `(runs started with canary-judge run on this machine are recorded there)\n`,
    );
  });
});
