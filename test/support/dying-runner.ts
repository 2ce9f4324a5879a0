import { LocalFleet } from '../../shared/fleet/local-fleet';
import { runInputSchema } from '../../shared/config/run-config';
import { provision } from '../../shared/run/provision';
import { RunRecords } from '../../shared/run/run-records';
import type { RunState } from '../../shared/run-model/run-state';
import { LocalTraffic } from '../../shared/traffic/local-traffic';
import type { TaskStateName } from '../../state-machines/definition';
import type { TaskFunction } from '../../local/runner/execute';
import { recordingRuns } from '../../local/runner/dead-runs';

/**
 * A runner that tests kill: started as a child process, it provisions one local run against the router at
 * ROUTER_URL (instances, target groups, the listener rule), recorded under STATE_DIR as `canary-judge run`
 * records it, prints "provisioned" and waits. RUN_INPUT is the run input (JSON).
 */
async function main(): Promise<void> {
  const { ROUTER_URL: routerUrl = '', STATE_DIR: stateDir = '', RUN_INPUT: raw = '{}' } = process.env;
  const input = runInputSchema.parse(JSON.parse(raw));
  const deps = { fleet: new LocalFleet({ routerUrl, stateDir }), traffic: new LocalTraffic({ routerUrl }) };
  const tasks = { Provision: (state: unknown) => provision(state as RunState, deps) } as Record<
    TaskStateName,
    TaskFunction
  >;
  const state: RunState = {
    runId: input.runId ?? 'dying-run',
    input,
    startedAt: new Date().toISOString(),
    resources: {},
    judgments: [],
  };
  await recordingRuns(tasks, new RunRecords(stateDir), routerUrl).Provision(state);
  process.stdout.write('provisioned\n');
  setInterval(() => undefined, 60_000);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
