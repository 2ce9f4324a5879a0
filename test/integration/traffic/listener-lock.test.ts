import {
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TrafficConfig } from '../../../shared/config/run-config';
import { runTags } from '../../../shared/aws/tags';
import { RouterAdminClient } from '../../../shared/router-api/client';
import { AlbTraffic } from '../../../shared/traffic/alb-traffic';
import { TrafficLockedError } from '../../../shared/traffic/errors';
import type { CreateRuleRequest, ListenerRule } from '../../../shared/traffic/listener-api';
import { LocalTraffic, RouterListenerApi } from '../../../shared/traffic/local-traffic';
import { RuleTraffic } from '../../../shared/traffic/rule-traffic';
import type { Traffic } from '../../../shared/traffic/traffic';
import { LocalRouter } from '../../../local/router/local-router';
import { createAlbFixtureFromEnv } from '../../support/aws-fixtures';
import { startMoto, type Moto } from '../../support/moto';
import { fault } from '../../faults/catalog';

/**
 * Fault: the listener lock was check-then-create. Two runs shifting at the same time both passed the check
 * and both created a rule (20 of 20 tries), so each judged traffic the other one moved. Now exactly one
 * run keeps the listener, the other fails with TrafficLocked naming it and leaves no rule, on ELBv2 (moto)
 * and on the local router alike.
 */

jest.setTimeout(120_000);

const TRIES = 20;

interface Backend {
  traffic: Traffic;
  config: TrafficConfig;
  groups: Record<'run-a' | 'run-b', { baseline: string; canary: string }>;
  /** The listener's non-default rules, read back from the load balancer: [ruleArn, run-id tag]. */
  runRules(): Promise<[string, string | undefined][]>;
  stop(): Promise<void>;
}

async function motoBackend(): Promise<Backend> {
  const moto: Moto = await startMoto({ env: true });
  const { elbv2, fx } = await createAlbFixtureFromEnv();
  const group = async (runId: string, role: 'baseline' | 'canary') =>
    (
      await elbv2.send(
        new CreateTargetGroupCommand({
          Name: `${runId}-${role}`,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: fx.vpcId,
          Tags: runTags(runId, { service: 'web', role }),
        }),
      )
    ).TargetGroups![0].TargetGroupArn!;
  return {
    traffic: new AlbTraffic({ elbv2 }),
    config: { listenerArn: fx.listenerArn, productionTargetGroupArn: fx.productionTargetGroupArn },
    groups: {
      'run-a': { baseline: await group('run-a', 'baseline'), canary: await group('run-a', 'canary') },
      'run-b': { baseline: await group('run-b', 'baseline'), canary: await group('run-b', 'canary') },
    },
    runRules: async () => {
      const rules = (await elbv2.send(new DescribeRulesCommand({ ListenerArn: fx.listenerArn }))).Rules!;
      const arns = rules.filter((r) => !r.IsDefault).map((r) => r.RuleArn!);
      if (arns.length === 0) return [];
      const tags = (await elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }))).TagDescriptions!;
      return arns.map((arn) => [
        arn,
        tags.find((t) => t.ResourceArn === arn)?.Tags?.find((t) => t.Key === 'canary-judge:run-id')?.Value,
      ]);
    },
    stop: () => moto.stop(),
  };
}

async function routerBackend(): Promise<Backend> {
  const router = new LocalRouter();
  const endpoints = await router.start();
  const admin = new RouterAdminClient(endpoints.adminUrl);
  const group = async (runId: string, role: string) =>
    (
      await admin.createTargetGroup({
        name: `${runId}-${role}`,
        tags: [
          { key: 'canary-judge:run-id', value: runId },
          { key: 'canary-judge:role', value: role },
        ],
      })
    ).targetGroupArn;
  return {
    traffic: new LocalTraffic({ routerUrl: endpoints.adminUrl }),
    config: { listenerArn: endpoints.listenerArn, productionTargetGroupArn: endpoints.productionTargetGroupArn },
    groups: {
      'run-a': { baseline: await group('run-a', 'baseline'), canary: await group('run-a', 'canary') },
      'run-b': { baseline: await group('run-b', 'baseline'), canary: await group('run-b', 'canary') },
    },
    runRules: async () => {
      const rules = (await admin.describeRules()).filter((r) => !r.isDefault);
      const tags = rules.length > 0 ? await admin.describeTags(rules.map((r) => r.ruleArn)) : [];
      return rules.map((r) => [
        r.ruleArn,
        tags.find((t) => t.resourceArn === r.ruleArn)?.tags.find((t) => t.key === 'canary-judge:run-id')?.value,
      ]);
    },
    stop: () => router.stop(),
  };
}

describe.each([
  ['ELBv2 (moto)', motoBackend],
  ['the local router', routerBackend],
])('the listener lock on %s', (_name, start) => {
  let backend: Backend;

  beforeAll(async () => {
    backend = await start();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const shift = (runId: 'run-a' | 'run-b', config: TrafficConfig) =>
    backend.traffic.shift({
      runId,
      traffic: config,
      baselineTargetGroupArn: backend.groups[runId].baseline,
      canaryTargetGroupArn: backend.groups[runId].canary,
      weights: { production: 100, baseline: 0, canary: 0 },
    });

  /** Both runs create their rule at once: exactly one keeps the listener, read back from the load balancer. */
  async function race(id: string, configs: Record<'run-a' | 'run-b', TrafficConfig>): Promise<void> {
    const [a, b] = await Promise.allSettled([shift('run-a', configs['run-a']), shift('run-b', configs['run-b'])]);
    const won = [a, b].filter((r) => r.status === 'fulfilled');
    const lost = [a, b].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect({ won: won.length, lost: lost.length }).toEqual({ won: 1, lost: 1 });
    const winner = a.status === 'fulfilled' ? 'run-a' : 'run-b';
    const loser = winner === 'run-a' ? 'run-b' : 'run-a';
    const error = lost[0].reason as Error;
    expect(error).toBeInstanceOf(TrafficLockedError);
    expect(error.message).toContain(`in use by canary-judge run "${winner}"`);
    expect(error.message).toContain(fault(id).reason);
    // Read back: only the winner's rule is on the listener; the loser took its own away.
    const rules = await backend.runRules();
    expect(rules.map(([, runId]) => runId)).toEqual([winner]);
    expect(rules[0][0]).toBe((won[0] as PromiseFulfilledResult<{ ruleArn: string }>).value.ruleArn);
    expect(await backend.traffic.restore(loser, backend.config)).toEqual({ removed: false });
    expect(await backend.traffic.restore(winner, backend.config)).toEqual({ removed: true });
  }

  it(`fault 'listener-race': exactly one of two runs with different priorities keeps the listener (${TRIES} tries)`, async () => {
    for (let i = 0; i < TRIES; i++) {
      await race('listener-race', {
        'run-a': { ...backend.config, rulePriority: 5 },
        'run-b': { ...backend.config, rulePriority: 6 },
      });
    }
  });

  it(`fault 'priority-in-use': a priority taken by the other run is TrafficLocked, never bad input (${TRIES} tries)`, async () => {
    for (let i = 0; i < TRIES; i++) await race('priority-in-use', { 'run-a': backend.config, 'run-b': backend.config });
  });
});

/**
 * The protocol's cases, made deterministic: another run's rule appears right after this run created its
 * own (between this run's check and its read-back), with a stamp saying it asked before or after.
 */
describe('the listener lock when another run creates its rule at the same moment (local router)', () => {
  let router: LocalRouter;
  let admin: RouterAdminClient;
  let config: TrafficConfig;
  let groups: { baseline: string; canary: string };

  beforeAll(async () => {
    router = new LocalRouter();
    const endpoints = await router.start();
    admin = new RouterAdminClient(endpoints.adminUrl);
    config = { listenerArn: endpoints.listenerArn, productionTargetGroupArn: endpoints.productionTargetGroupArn };
    const group = async (role: string) => (await admin.createTargetGroup({ name: `run-a-${role}` })).targetGroupArn;
    groups = { baseline: await group('baseline'), canary: await group('canary') };
  });

  afterAll(async () => {
    await router?.stop();
  });

  afterEach(async () => {
    for (const rule of await admin.describeRules()) if (!rule.isDefault) await admin.deleteRule(rule.ruleArn);
  });

  /** A RuleTraffic whose rule creation is followed at once by run-b's (stamped `requestedAt`, if given). */
  function contendedTraffic(requestedAt: string | undefined, lock: { settleMs: number }) {
    let contender: string | undefined;
    class Contended extends RouterListenerApi {
      override async createRule(request: CreateRuleRequest): Promise<ListenerRule> {
        const rule = await super.createRule(request);
        const tags = [{ key: 'canary-judge:run-id', value: 'run-b' }];
        if (requestedAt) tags.push({ key: 'canary-judge:requested-at', value: requestedAt });
        contender = (
          await admin.createRule({
            listenerArn: config.listenerArn,
            priority: 40,
            conditions: [{ field: 'path-pattern', values: ['/b/*'] }],
            actions: [{ type: 'forward', targetGroups: [{ targetGroupArn: config.productionTargetGroupArn }] }],
            tags,
          })
        ).ruleArn;
        return rule;
      }
    }
    const traffic = new RuleTraffic(new Contended(admin), { ...lock, pollMs: 20 });
    const shift = () =>
      traffic.shift({
        runId: 'run-a',
        traffic: config,
        baselineTargetGroupArn: groups.baseline,
        canaryTargetGroupArn: groups.canary,
        weights: { production: 100, baseline: 0, canary: 0 },
      });
    return { shift, contender: () => contender as string };
  }

  const remaining = async () => (await admin.describeRules()).filter((r) => !r.isDefault).map((r) => r.ruleArn);

  it('a run that asked first waits for the later run to take its rule away, then keeps the listener', async () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    const { shift, contender } = contendedTraffic(later, { settleMs: 10_000 });
    const started = Date.now();
    const kept = shift();
    // The later run sees the first one's rule and backs off (here: 300 ms after it created its rule).
    setTimeout(() => void admin.deleteRule(contender()), 300);
    const rule = await kept;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(await remaining()).toEqual([rule.ruleArn]);
  });

  it("fault 'vanishing-rule': reads the rules again when a rule is deleted between listing the rules and reading their tags", async () => {
    const other = await admin.createRule({
      listenerArn: config.listenerArn,
      priority: 40,
      conditions: [{ field: 'path-pattern', values: ['/b/*'] }],
      actions: [{ type: 'forward', targetGroups: [{ targetGroupArn: config.productionTargetGroupArn }] }],
      tags: [{ key: 'canary-judge:run-id', value: 'run-b' }],
    });
    let vanished = 0;
    // run-b backs off exactly between the router's describeRules and describeTags: the tags call fails with RuleNotFound
    class Vanishing extends RouterListenerApi {
      override async describeTags(arns: string[]) {
        if (vanished === 0 && arns.includes(other.ruleArn)) {
          vanished++;
          await admin.deleteRule(other.ruleArn);
        }
        return super.describeTags(arns);
      }
    }
    const rule = await new RuleTraffic(new Vanishing(admin), { settleMs: 10_000, pollMs: 20 }).shift({
      runId: 'run-a',
      traffic: config,
      baselineTargetGroupArn: groups.baseline,
      canaryTargetGroupArn: groups.canary,
      weights: { production: 100, baseline: 0, canary: 0 },
    });
    expect(vanished).toBe(1);
    expect(await remaining()).toEqual([rule.ruleArn]);
  });

  it('a run that asked later takes its own rule away and fails with TrafficLocked naming the first', async () => {
    const { shift, contender } = contendedTraffic('2000-01-01T00:00:00.000Z', { settleMs: 10_000 });
    const error = await shift().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficLockedError);
    expect((error as Error).message).toContain(`run "run-b" (rule ${contender()})`);
    expect(await remaining()).toEqual([contender()]);
  });

  it("counts a rule without a stamp (an older run's) as first", async () => {
    const { shift, contender } = contendedTraffic(undefined, { settleMs: 10_000 });
    await expect(shift()).rejects.toThrow(TrafficLockedError);
    expect(await remaining()).toEqual([contender()]);
  });

  it('gives up after settleMs when the later rule never goes (its run died), taking its own rule away', async () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    const { shift, contender } = contendedTraffic(later, { settleMs: 400 });
    const started = Date.now();
    await expect(shift()).rejects.toThrow(/in use by canary-judge run "run-b"/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(await remaining()).toEqual([contender()]);
  });
});
