import type { RunInput } from '../../shared/config/run-config';
import type { RunState } from '../../shared/run-model/run-state';
import { LoadGenerator, type LoadStats } from '../load/load-generator';
import { cloudWatchDimensionValue } from '../router/arn';
import { LocalRouter } from '../router/local-router';
import { startProduction, stopProduction, type ProductionInstance } from './production';
import type { ServedRequests } from './progress';

/**
 * What a local run stands on: the router (in-process, the ALB stand-in) whose production target group runs
 * the baseline version, and a load generator offering a bounded request rate to the listener for the whole
 * run. The run's own baseline and canary are launched by the workflow (LocalFleet), not here.
 */

export interface StandInOptions {
  /** Requests per second offered to the listener. */
  rps: number;
  /** Upper bound of the load's duration; it is stopped earlier when the run ends. */
  maxSeconds: number;
  /** Where the production instances' logs go. */
  logDir: string;
  env?: NodeJS.ProcessEnv;
}

/** What the router looks like after a run: anything but production left means teardown missed something. */
export interface RouterAfterRun {
  /** Every rule (the default one included) forwards to production only. */
  productionOnly: boolean;
  /** Listener rules besides the default one. */
  extraRules: string[];
  /** Target groups besides production. */
  extraTargetGroups: string[];
}

export interface StandIns {
  /** The router's admin API: CANARY_JUDGE_ROUTER_URL for the handlers. */
  adminUrl: string;
  listenerUrl: string;
  listenerArn: string;
  productionTargetGroupArn: string;
  /** Requests and 5xx each target group served since `since`. */
  served(state: RunState, since: Date): ServedRequests | undefined;
  loadStats(): LoadStats;
  routerAfterRun(): RouterAfterRun;
  stop(): Promise<void>;
}

const ROUTER_HEALTH = { intervalSeconds: 1, timeoutSeconds: 0.5, healthyThresholdCount: 2, unhealthyThresholdCount: 2 };

function countSince(router: LocalRouter, targetGroupArn: string | undefined, since: Date) {
  if (!targetGroupArn) return { requests: 0, errors: 0 };
  const from = Math.floor(since.getTime() / 1000);
  const to = Math.floor(Date.now() / 1000) + 1;
  let requests = 0;
  let errors = 0;
  for (const second of router.metrics.read(cloudWatchDimensionValue(targetGroupArn), from, to)) {
    requests += second.counts.get('RequestCount') ?? 0;
    // 5xx from the target itself, and from the router when the target is gone (502/503/504).
    errors +=
      (second.counts.get('HTTPCode_Target_5XX_Count') ?? 0) + (second.counts.get('HTTPCode_ELB_5XX_Count') ?? 0);
  }
  return { requests, errors };
}

export async function startStandIns(input: RunInput, options: StandInOptions): Promise<StandIns> {
  const spec = input.baseline.local;
  if (!spec) throw new Error('a local run needs baseline.local (it also runs production)');
  let production: ProductionInstance[] = [];
  let router: LocalRouter | undefined;
  let load: LoadGenerator | undefined;
  const stop = async () => {
    load?.stop();
    await router?.stop();
    await stopProduction(production);
  };
  try {
    production = await startProduction(spec, input.baseline.version, {
      healthPath: input.healthCheck.path,
      logDir: options.logDir,
      env: options.env,
    });
    router = new LocalRouter({
      loadBalancerName: `${input.service}-local`.slice(0, 32),
      production: {
        targets: production.map((p) => ({ id: '127.0.0.1', port: p.port })),
        healthCheck: { ...ROUTER_HEALTH, path: input.healthCheck.path },
        deregistrationDelaySeconds: 1,
      },
    });
    const endpoints = await router.start();
    load = new LoadGenerator({ url: `${endpoints.url}/`, rps: options.rps, durationSeconds: options.maxSeconds });
    void load.run();
    const started = router;
    const generator = load;
    return {
      adminUrl: endpoints.adminUrl,
      listenerUrl: endpoints.url,
      listenerArn: endpoints.listenerArn,
      productionTargetGroupArn: endpoints.productionTargetGroupArn,
      served: (state, since) => ({
        baseline: countSince(started, state.resources.baseline?.targetGroupArn, since),
        canary: countSince(started, state.resources.canary?.targetGroupArn, since),
        production: countSince(started, endpoints.productionTargetGroupArn, since),
      }),
      loadStats: () => generator.stats(),
      routerAfterRun: () => {
        const production = endpoints.productionTargetGroupArn;
        const rules = started.state.allRules();
        return {
          productionOnly: rules.every((r) =>
            r.action.targetGroups.every((t) => t.targetGroupArn === production || t.weight === 0),
          ),
          extraRules: rules.filter((r) => r.priority !== 'default').map((r) => r.arn),
          extraTargetGroups: started.state
            .allTargetGroups()
            .filter((g) => g.arn !== production)
            .map((g) => g.arn),
        };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
