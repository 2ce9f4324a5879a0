import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { RetryableError } from '../../../shared/aws/errors';
import { parseOrThrow } from '../../../shared/config/validation';
import { healthCheckSchema, versionSpecSchema } from '../../../shared/config/run-config';
import type { LaunchRequest } from '../../../shared/fleet/fleet';
import { LocalFleet } from '../../../shared/fleet/local-fleet';
import type { VersionResources } from '../../../shared/run-model/run-state';
import { RouterAdminClient } from '../../../shared/router-api/client';
import { LocalRouter, type LocalRouterEndpoints } from '../../../local/router/local-router';
import { getMany, waitFor } from '../../support/local-http';
import { isAlive } from '../../support/local-process';
import { sampleServiceCommand } from '../../support/sample-service-binary';

/** LocalFleet with real sample-service processes behind the in-process router. */

const pidOf = (instanceId: string): number => Number(instanceId.replace('local:', ''));

describe('LocalFleet', () => {
  let router: LocalRouter;
  let endpoints: LocalRouterEndpoints;
  let admin: RouterAdminClient;
  let stateDir: string;
  let fleet: LocalFleet;
  let command: string[];
  const launched: VersionResources[] = [];

  beforeAll(async () => {
    command = await sampleServiceCommand();
  });

  beforeEach(async () => {
    router = new LocalRouter();
    endpoints = await router.start();
    admin = new RouterAdminClient(endpoints.adminUrl);
    stateDir = mkdtempSync(join(tmpdir(), 'cj-fleet-'));
    fleet = new LocalFleet({ routerUrl: endpoints.adminUrl, stateDir, killGraceMs: 2000, drainTimeoutMs: 1000 });
  });

  afterEach(async () => {
    // Whatever a test left behind goes, even when it failed halfway.
    for (const runId of readdirSync(stateDir)) await fleet.teardown(runId, []).catch(() => undefined);
    for (const pid of launched.splice(0).flatMap((r) => r.instanceIds.map(pidOf))) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await router.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const request = (runId: string, role: 'baseline' | 'canary', local: Record<string, unknown>): LaunchRequest => ({
    runId,
    service: 'shop',
    role,
    spec: parseOrThrow(versionSpecSchema, { version: role === 'baseline' ? 'v1' : 'v2', local }, 'spec'),
    productionTargetGroupArn: endpoints.productionTargetGroupArn,
    healthCheck: parseOrThrow(healthCheckSchema, { path: '/health', intervalSeconds: 1 }, 'healthCheck'),
  });

  const launch = async (req: LaunchRequest): Promise<VersionResources> => {
    const resources = await fleet.launch(req);
    launched.push(resources);
    return resources;
  };

  const waitHealthy = (resources: VersionResources) =>
    waitFor(
      `${resources.role} healthy`,
      async () => {
        const health = await fleet.health(resources);
        return health.status === 'healthy' ? health : undefined;
      },
      20_000,
      200,
    );

  it('launches instances into a tagged target group, reports health, and tears everything down (twice)', async () => {
    const resources = await launch(
      request('run-a', 'canary', { command, instanceCount: 2, env: { BASE_LATENCY_MS: '1' } }),
    );
    expect(resources).toMatchObject({ role: 'canary', version: 'v2', loadBalancerArn: endpoints.loadBalancerArn });
    expect(resources.instanceIds).toHaveLength(2);
    const pids = resources.instanceIds.map(pidOf);
    expect(pids.every(isAlive)).toBe(true);

    const [group] = await admin.describeTargetGroups({ arns: [resources.targetGroupArn] });
    expect(group.healthCheck).toMatchObject({ path: '/health', intervalSeconds: 1 });
    const [tags] = await admin.describeTags([resources.targetGroupArn]);
    expect(tags.tags).toEqual(
      expect.arrayContaining([
        { key: 'canary-judge:run-id', value: 'run-a' },
        { key: 'canary-judge:service', value: 'shop' },
        { key: 'canary-judge:role', value: 'canary' },
      ]),
    );

    expect(await waitHealthy(resources)).toEqual({ status: 'healthy', detail: '2/2 healthy' });
    // Traffic through the router reaches both instances, which know their role and version.
    await admin.modifyListener(endpoints.listenerArn, [
      { type: 'forward', targetGroups: [{ targetGroupArn: resources.targetGroupArn, weight: 1 }] },
    ]);
    const answers = await getMany(`${endpoints.url}/`, 10, 2);
    expect(new Set(answers.map((a) => a.headers.get('x-canary-judge-target'))).size).toBe(2);
    expect(answers.every((a) => JSON.parse(a.body).version === 'v2' && JSON.parse(a.body).role === 'canary')).toBe(
      true,
    );
    await admin.modifyListener(endpoints.listenerArn, [
      { type: 'forward', targetGroups: [{ targetGroupArn: endpoints.productionTargetGroupArn, weight: 1 }] },
    ]);

    const first = await fleet.teardown('run-a', [resources]);
    expect(first.removed.sort()).toEqual(
      [...resources.instanceIds.map((id) => `instance ${id}`), `target group ${resources.targetGroupArn}`].sort(),
    );
    expect(first.alreadyGone).toEqual([]);
    expect(pids.some(isAlive)).toBe(false);
    expect((await admin.describeTargetGroups()).map((g) => g.targetGroupArn)).toEqual([
      endpoints.productionTargetGroupArn,
    ]);

    const second = await fleet.teardown('run-a', [resources]);
    expect(second.removed).toEqual([]);
    expect(second.alreadyGone.sort()).toEqual(first.removed.sort());
  });

  it('tears down a half-done launch from another LocalFleet that knows nothing but the run id', async () => {
    const baseline = await launch(request('run-b', 'baseline', { command, instanceCount: 1 }));
    // The canary's command does not exist: its target group is created, then the launch fails.
    await expect(
      fleet.launch(request('run-b', 'canary', { command: ['/nonexistent/service-binary'] })),
    ).rejects.toThrow(/cannot start "\/nonexistent\/service-binary"/);
    const groups = await admin.findResources([{ key: 'canary-judge:run-id', value: 'run-b' }], 'targetgroup');
    expect(groups).toHaveLength(2);

    const elsewhere = new LocalFleet({
      routerUrl: endpoints.adminUrl,
      stateDir,
      killGraceMs: 2000,
      drainTimeoutMs: 1000,
    });
    const report = await elsewhere.teardown('run-b', []);
    expect(report.removed.sort()).toEqual(
      [`instance ${baseline.instanceIds[0]}`, ...groups.map((g) => `target group ${g.resourceArn}`)].sort(),
    );
    expect(isAlive(pidOf(baseline.instanceIds[0]))).toBe(false);
    expect(await admin.findResources([{ key: 'canary-judge:run-id', value: 'run-b' }])).toEqual([]);
  });

  it('touches nothing while a listener rule still forwards to the run’s group (retryable)', async () => {
    const resources = await launch(request('run-c', 'canary', { command, instanceCount: 1 }));
    const rule = await admin.createRule({
      listenerArn: endpoints.listenerArn,
      priority: 1,
      conditions: [{ field: 'path-pattern', values: ['/*'] }],
      actions: [{ type: 'forward', targetGroups: [{ targetGroupArn: resources.targetGroupArn, weight: 1 }] }],
    });
    const error = await fleet.teardown('run-c', [resources]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain(`rule ${rule.ruleArn} forwards to ${resources.targetGroupArn}`);
    expect(isAlive(pidOf(resources.instanceIds[0]))).toBe(true);
    expect(await admin.describeTargetHealth(resources.targetGroupArn)).toHaveLength(1);

    await admin.deleteRule(rule.ruleArn);
    expect((await fleet.teardown('run-c', [resources])).removed).toHaveLength(2);
  });

  it('reports a version whose process died as unhealthy, naming its log', async () => {
    const resources = await launch(
      request('run-d', 'canary', { command, instanceCount: 1, env: { CRASH_AFTER: '1' } }),
    );
    await waitHealthy(resources);
    await admin.modifyListener(endpoints.listenerArn, [
      { type: 'forward', targetGroups: [{ targetGroupArn: resources.targetGroupArn, weight: 1 }] },
    ]);
    await getMany(`${endpoints.url}/`, 1, 1);
    await admin.modifyListener(endpoints.listenerArn, [
      { type: 'forward', targetGroups: [{ targetGroupArn: endpoints.productionTargetGroupArn, weight: 1 }] },
    ]);
    const health = await waitFor('unhealthy', async () => {
      const h = await fleet.health(resources);
      return h.status === 'unhealthy' ? h : undefined;
    });
    expect(health.detail).toMatch(
      new RegExp(`^0/1 healthy; ${resources.instanceIds[0]}: process exited \\(see .*canary-0\\.log\\)$`),
    );
    const report = await fleet.teardown('run-d', [resources]);
    expect(report.alreadyGone).toEqual([`instance ${resources.instanceIds[0]}`]);
  });

  it('registers an instance that starts slowly once it listens, reporting it pending until then', async () => {
    const slow = ['sh', '-c', `sleep 4; exec ${command.map((c) => `'${c}'`).join(' ')}`];
    const resources = await launch(request('run-f', 'canary', { command: slow, instanceCount: 1 }));
    expect(await admin.describeTargetHealth(resources.targetGroupArn)).toEqual([]);
    const pending = await fleet.health(resources);
    expect(pending.status).toBe('pending');
    expect(pending.detail).toMatch(
      new RegExp(`^0/1 healthy; ${resources.instanceIds[0]}: starting, not listening on port \\d+ yet$`),
    );
    expect(await waitHealthy(resources)).toEqual({ status: 'healthy', detail: '1/1 healthy' });
  });

  it('refuses a version without a local launch spec, naming the field', async () => {
    const req = request('run-e', 'canary', { command });
    await expect(fleet.launch({ ...req, spec: { version: 'v2' } })).rejects.toThrow(
      /canary\.local: a local launch spec is required/,
    );
  });

  it('does not let instances outlive the process that launched them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cj-parent-'));
    const script = join(dir, 'parent.ts');
    writeFileSync(
      script,
      `import { LocalFleet } from ${JSON.stringify(join(__dirname, '../../../shared/fleet/local-fleet'))};
      const [routerUrl, stateDir, productionTargetGroupArn, ...command] = process.argv.slice(2);
      new LocalFleet({ routerUrl, stateDir }).launch({
        runId: 'run-orphan', service: 'shop', role: 'canary', productionTargetGroupArn,
        spec: { version: 'v2', local: { command, env: {}, instanceCount: 2 } },
        healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 60 },
      }).then((r) => { console.log(JSON.stringify(r.instanceIds)); process.exit(0); });`,
    );
    await build({
      entryPoints: [script],
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: join(dir, 'parent.js'),
      logLevel: 'error',
    });
    const parent = spawn(
      process.execPath,
      [join(dir, 'parent.js'), endpoints.adminUrl, stateDir, endpoints.productionTargetGroupArn, ...command],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    parent.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => parent.once('exit', resolve))).toBe(0);
    const pids = (JSON.parse(out) as string[]).map(pidOf);
    expect(pids).toHaveLength(2);
    await waitFor('instances gone with their parent', () => (pids.some(isAlive) ? undefined : true), 5000);
    rmSync(dir, { recursive: true, force: true });
  });
});
