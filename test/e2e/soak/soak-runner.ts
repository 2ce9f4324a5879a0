import { readdirSync, readFileSync } from 'node:fs';
import { Server } from 'node:http';
import { Socket } from 'node:net';
import { queryObjects } from 'node:v8';
import { StateMachine } from 'aws-local-stepfunctions';
import { runCommand } from '../../../cli/commands/run';
import { LoadGenerator } from '../../../local/load/load-generator';
import { LocalRouter } from '../../../local/router/local-router';
import { LocalFleet } from '../../../shared/fleet/local-fleet';
import { LocalTraffic } from '../../../shared/traffic/local-traffic';

/**
 * The soak test's CLI process (bundled and started with --expose-gc by soak.slow.test.ts): `canary-judge run`
 * as the CLI's action runs it (runCommand), for each config of `sequential` one after the other, then for
 * each of `concurrent` at once (each run starts its own router). After each run or batch, with a forced
 * garbage collection: this process's open file descriptors and memory, and how many objects of the kinds a
 * run creates are still alive, one JSON line on stdout.
 */

interface Plan {
  sequential: string[];
  concurrent: string[];
  reportsDir: string;
}

export interface SoakSample {
  phase: 'sequential' | 'concurrent';
  /** 1-based run (sequential) or batch (concurrent) number. */
  index: number;
  codes: number[];
  /** The runs' final JSON objects. */
  results: unknown[];
  openFds: number;
  heapUsed: number;
  rss: number;
  /** Live objects of each kind after the GC. */
  live: Record<string, number>;
}

/** Classes of what a run creates and must let go of when it ends. */
const PER_RUN = { LocalRouter, LoadGenerator, LocalFleet, LocalTraffic, StateMachine, Server, Socket };

/**
 * Origins Node's fetch() holds a connection pool for (undici's global dispatcher, created by the first fetch):
 * it keeps one per origin for the life of the process, so fetch() to a run's new ports grows it by each run.
 */
function fetchPools(): number {
  const agent = (globalThis as Record<symbol, object | undefined>)[Symbol.for('undici.globalDispatcher.1')];
  if (!agent) return 0;
  const clients = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'clients');
  const pools = clients && (agent as Record<symbol, unknown>)[clients];
  if (!(pools instanceof Map)) throw new Error("undici's global dispatcher has no 'clients' map any more");
  return pools.size;
}

async function run(config: string, reportsDir: string): Promise<{ code: number; result: unknown }> {
  let stdout = '';
  const code = await runCommand(
    { config, json: true, speed: 1, rps: 60, reportsDir },
    { stdout: (t) => void (stdout += t), stderr: () => undefined, readStdin: () => '', isTTY: false },
  );
  return { code, result: JSON.parse(stdout) };
}

function sample(phase: SoakSample['phase'], index: number, runs: { code: number; result: unknown }[]): void {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const line: SoakSample = {
    phase,
    index,
    codes: runs.map((r) => r.code),
    results: runs.map((r) => r.result),
    openFds: readdirSync('/proc/self/fd').length,
    heapUsed: memory.heapUsed,
    rss: memory.rss,
    live: {
      ...Object.fromEntries(
        Object.entries(PER_RUN).map(([name, type]) => [name, queryObjects(type, { format: 'count' }) as number]),
      ),
      fetchPools: fetchPools(),
    },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Plan;
  for (const [i, config] of plan.sequential.entries())
    sample('sequential', i + 1, [await run(config, plan.reportsDir)]);
  const together = await Promise.all(plan.concurrent.map((config) => run(config, plan.reportsDir)));
  sample('concurrent', 1, together);
}

void main();
