import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunResultJson } from '../../local/runner/summary';
import { CliBench } from '../support/cli-bench';
import { startReceiver, type Receiver } from '../support/receiver';
import { ERROR_RATE_METRIC, localRunInput } from '../support/run-inputs';
import type { SoakSample } from './soak/soak-runner';

/**
 * Soak: 20 short local runs back to back in one CLI process, then 3 at once (each on its own router). Every
 * run must end as a single one does (promoted, the router left with production only, no process left, a
 * report, one Slack message), and the process must not grow between runs: the same open file descriptors,
 * nothing of a finished run alive after garbage collection, the heap within what code compilation adds.
 * Slow: 166-187 s on 2 cores; bounded by the timeout below.
 */

const SEQUENTIAL = 20;
const CONCURRENT = 3;
jest.setTimeout(480_000);

let bench: CliBench;
let receiver: Receiver;

beforeAll(async () => {
  [bench, receiver] = await Promise.all([
    CliBench.create('soak', { 'soak-runner': 'test/e2e/soak/soak-runner.ts' }),
    // fetch() keeps an idle connection per concurrent request for seconds: not what this test looks for
    startReceiver({ keepAlive: false }),
  ]);
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  bench?.dispose();
});

function config(runId: string): string {
  const command = bench.serviceCommand();
  return bench.file(
    `${runId}.json`,
    localRunInput({
      runId,
      baseline: { version: '1.41.0', local: { command } },
      canary: { version: '1.42.0', local: { command } },
      steps: [{ weight: 20, durationSeconds: 2 }],
      // The error rate alone, 0 on both sides: the same judgment every time, so every run promotes.
      canaryConfig: { metrics: [ERROR_RATE_METRIC], classifier: { groupWeights: { errors: 100 } } },
      notifications: { slack: { webhookUrl: `${receiver.url}/slack/${runId}` }, events: false },
    }),
  );
}

function soak(plan: { sequential: string[]; concurrent: string[] }): Promise<SoakSample[]> {
  const file = bench.file('plan.json', { ...plan, reportsDir: bench.reportsDir });
  const flags = ['--expose-gc', '--disable-warning=ExperimentalWarning']; // v8.queryObjects is experimental
  const child = spawn(process.execPath, [...flags, bench.program('soak-runner'), file], {
    cwd: bench.work,
    env: { ...process.env, CANARY_JUDGE_STATE_DIR: path.join(bench.work, 'state') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('close', (code) =>
      code === 0
        ? resolve(
            stdout
              .trim()
              .split('\n')
              .map((line) => JSON.parse(line) as SoakSample),
          )
        : reject(new Error(`soak runner exited ${code}:\n${stdout}`)),
    ),
  );
}

describe('soak', () => {
  it(`${SEQUENTIAL} runs back to back, then ${CONCURRENT} at once: every run ends cleanly, the process does not grow`, async () => {
    const sequential = Array.from({ length: SEQUENTIAL }, (_, i) => config(`soak-${i + 1}`));
    const concurrent = Array.from({ length: CONCURRENT }, (_, i) => config(`soak-together-${i + 1}`));
    const samples = await soak({ sequential, concurrent });
    expect(samples.map((s) => `${s.phase} ${s.index}`)).toEqual([
      ...sequential.map((_, i) => `sequential ${i + 1}`),
      'concurrent 1',
    ]);

    const results = samples.flatMap((s) => s.results as RunResultJson[]);
    expect(samples.flatMap((s) => s.codes)).toEqual(Array(SEQUENTIAL + CONCURRENT).fill(0));
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        routerAfterRun: { productionOnly: true, extraRules: [], extraTargetGroups: [] },
      });
      expect(existsSync(path.join(bench.reportsDir, result.runId!, 'report.html'))).toBe(true);
      expect(receiver.at(`/slack/${result.runId}`)).toHaveLength(1);
    }
    // Three at once really ran on three routers (three listeners, three production target groups).
    expect(new Set(samples.at(-1)!.results.map((r) => (r as RunResultJson).runId)).size).toBe(CONCURRENT);
    expect(bench.servicePids()).toEqual([]);

    // Nothing a run creates outlives it: no router, load generator, fleet, traffic client, state machine or
    // server; the sockets and fetch's connection pools (one per origin ever reached, so one per run's port
    // when a run's clients use fetch) are as many after the last run as after the first.
    const [first] = samples;
    for (const s of samples) {
      expect({ run: `${s.phase} ${s.index}`, ...s.live }).toEqual({
        run: `${s.phase} ${s.index}`,
        LocalRouter: 0,
        LoadGenerator: 0,
        LocalFleet: 0,
        LocalTraffic: 0,
        StateMachine: 0,
        Server: 0,
        Socket: first.live.Socket,
        fetchPools: first.live.fetchPools,
      });
    }
    // Open file descriptors come back to the same count after every run and after the three at once.
    const fds = samples.map((s) => s.openFds);
    expect(Math.max(...fds) - Math.min(...fds)).toBeLessThanOrEqual(1);
    // The heap after GC still grows while V8 compiles and tiers up code over the first ~20 runs (about 1.5 MB
    // from run 5 to run 20 here); a leak of a megabyte or more in 15 runs is beyond that.
    const heap = (index: number) => samples.find((s) => s.phase === 'sequential' && s.index === index)!.heapUsed;
    console.log(
      `soak: open fds ${fds.join(' ')}; heap after GC (MB) ${samples.map((s) => (s.heapUsed / 2 ** 20).toFixed(1)).join(' ')}`,
    );
    expect(heap(SEQUENTIAL) - heap(5)).toBeLessThan(4 * 2 ** 20);
  });
});
