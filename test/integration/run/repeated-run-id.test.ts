import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { runInputSchema, type RunInput, type RunInputRaw } from '../../../shared/config/run-config';
import { ValidationError } from '../../../shared/config/validation';
import { Ec2Fleet } from '../../../shared/fleet/ec2-fleet';
import type { Fleet } from '../../../shared/fleet/fleet';
import { LocalFleet } from '../../../shared/fleet/local-fleet';
import { teardown } from '../../../shared/run/finish';
import { provision } from '../../../shared/run/provision';
import type { RunState } from '../../../shared/run-model/run-state';
import { startRun } from '../../../shared/run/start';
import { forwardWeights } from '../../../shared/traffic/alb-rule';
import { AlbTraffic } from '../../../shared/traffic/alb-traffic';
import { LocalTraffic } from '../../../shared/traffic/local-traffic';
import type { Traffic } from '../../../shared/traffic/traffic';
import { RouterAdminClient } from '../../../shared/router-api/client';
import { LocalRouter } from '../../../local/router/local-router';
import { createAlbFixtureFromEnv, runLeftovers } from '../../support/aws-fixtures';
import { isAlive } from '../../support/local-process';
import { startMoto } from '../../support/moto';
import { localRunInput } from '../../support/run-inputs';
import { sampleServiceCommand } from '../../support/sample-service-binary';
import { fault } from '../../faults/catalog';

/**
 * Fault: a run started again under an explicit runId that is still in use took over the first run's rule and
 * target groups, and the first run's teardown then deleted them under the second (or the other way round).
 * Now Validate refuses the run id, naming the field and what still exists, and nothing of the first run is
 * touched: on AWS (moto) and locally (router, processes).
 */

jest.setTimeout(90_000);

interface Backend {
  input: RunInput;
  deps: { traffic: Traffic; fleet: Fleet };
  /** What of the run exists, read back from the load balancer / router and the processes. */
  snapshot(runId: string): Promise<unknown>;
  stop(): Promise<void>;
}

async function motoBackend(): Promise<Backend> {
  const moto = await startMoto({ env: true });
  const { ec2, elbv2, fx } = await createAlbFixtureFromEnv();
  const launch = (version: string) => ({ launchTemplate: { launchTemplateId: fx.launchTemplateId, version } });
  const input = runInputSchema.parse({
    runId: 'web-repeated',
    service: 'web',
    baseline: { version: 'v1', aws: launch('1') },
    canary: { version: 'v2', aws: launch('2') },
    traffic: { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn },
    steps: [{ weight: 5, durationSeconds: 60 }],
    metricsSource: { type: 'cloudwatch' },
    canaryConfig: { metrics: [{ name: 'p99', preset: 'latency-p99' }] },
  });
  return {
    input,
    deps: { traffic: new AlbTraffic({ elbv2 }), fleet: new Ec2Fleet({ ec2, elbv2 }) },
    snapshot: async (runId) => {
      const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!;
      return {
        tagged: (await runLeftovers(ec2, elbv2, fx.listenerArn, runId)).sort(),
        weights: rules.map((r) => Object.fromEntries(forwardWeights(r.Actions))),
      };
    },
    stop: () => moto.stop(),
  };
}

async function localBackend(): Promise<Backend> {
  const router = new LocalRouter();
  const endpoints = await router.start();
  const admin = new RouterAdminClient(endpoints.adminUrl);
  const stateDir = mkdtempSync(join(tmpdir(), 'cj-repeated-'));
  const command = await sampleServiceCommand();
  const raw = localRunInput({
    runId: 'shop-repeated',
    traffic: { listenerArn: endpoints.listenerArn, productionTargetGroupArn: endpoints.productionTargetGroupArn },
  }) as RunInputRaw & { baseline: { local: object }; canary: { local: object } };
  raw.baseline.local = { command };
  raw.canary.local = { command };
  const fleet = new LocalFleet({ routerUrl: endpoints.adminUrl, stateDir, killGraceMs: 2000, drainTimeoutMs: 500 });
  return {
    input: runInputSchema.parse(raw),
    deps: { traffic: new LocalTraffic({ routerUrl: endpoints.adminUrl }), fleet },
    snapshot: async (runId) => {
      const tagged = await admin.findResources([{ key: 'canary-judge:run-id', value: runId }]);
      const rules = await admin.describeRules();
      const instances = (await fleet.existing(runId)).filter((what) => what.startsWith('instance '));
      return {
        tagged: tagged.map((r) => r.resourceArn).sort(),
        weights: rules.map((r) => r.actions[0].targetGroups.map((t) => [t.targetGroupArn, t.weight])),
        alive: instances.map((what) => isAlive(Number(what.replace('instance local:', '')))),
      };
    },
    stop: async () => {
      await fleet.teardown('shop-repeated', []).catch(() => undefined);
      await router.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

describe.each([
  ['on AWS (moto)', motoBackend],
  ['locally (router, processes)', localBackend],
])('a run id that is still in use %s', (_where, start) => {
  let backend: Backend;

  beforeAll(async () => {
    backend = await start();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it("fault 'repeated-run-id': refused at Validate naming what exists; the first run is not touched", async () => {
    const { input, deps } = backend;
    const log = { warn: () => undefined };
    const first = await startRun(input, { ...deps, notifiers: [], log });
    const provisioned: RunState = await provision(first, deps);
    const { baseline, canary, ruleArn } = provisioned.resources;
    const before = await backend.snapshot(first.runId);

    const refused = await startRun(input, { ...deps, notifiers: [], log }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as Error).message).toContain(fault('repeated-run-id').reason);
    const fleet = [
      ...[baseline!, canary!].map((v) => `target group ${v.targetGroupArn}`),
      ...[...baseline!.instanceIds, ...canary!.instanceIds].map((id) => `instance ${id}`),
    ].sort();
    expect((refused as Error).message).toBe(
      `invalid run input: runId: run id "${first.runId}" is already in use: listener rule ${ruleArn}, ` +
        `${fleet.join(', ')} still exist; a run id names one run, so give a new one (or remove the old run's resources with ` +
        `canary-judge cleanup)`,
    );
    expect(await backend.snapshot(first.runId)).toEqual(before);

    // The first run's own teardown still removes all of it.
    await teardown(provisioned, deps);
    expect(await deps.fleet.existing(first.runId)).toEqual([]);
    expect(await deps.traffic.describe(first.runId, input.traffic)).toBeUndefined();
  });
});
