import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stop as stopEsbuild } from 'esbuild';
import { bundle } from '../support/bundle';
import { writeUserService } from '../support/user-service';
import { groupMembers, processGroupOf, running, waitGone } from '../support/process-groups';
import { ERROR_RATE_METRIC, localRunInput } from '../support/run-inputs';
import { fault } from '../faults/catalog';

/**
 * Fault: after a SIGKILL of `canary-judge run` (no exit hook runs), a user's own `local.command` processes
 * (which, unlike the sample service, do not watch their parent) and whatever they started kept running,
 * and nothing ever stopped them. Now every process a run starts is recorded with its own process group and
 * the process that started it; `canary-judge cleanup` and the next run's start stop what a dead runner left.
 */

jest.setTimeout(180_000);

const work = mkdtempSync(path.join(tmpdir(), 'canary-judge-killed-'));
const stateDir = path.join(work, 'state');
const cli = path.join(work, 'canary-judge.js');
const service = path.join(work, 'user-service.js');

beforeAll(async () => {
  writeUserService(service);
  await bundle('cli/main.ts', cli);
  await stopEsbuild();
});

afterAll(() => {
  // Whatever a failed test left running goes too.
  spawnSync(process.execPath, [cli, 'cleanup', '--state-dir', stateDir], { cwd: work });
  rmSync(work, { recursive: true, force: true });
});

function config(runId: string, durationSeconds: number): string {
  const command = ['node', service];
  const input = localRunInput({
    runId,
    baseline: { version: '1.41.0', local: { command } },
    canary: { version: '1.42.0', local: { command } },
    steps: [{ weight: 10, durationSeconds }],
    canaryConfig: { metrics: [ERROR_RATE_METRIC] },
  });
  const file = path.join(work, `${runId}.json`);
  writeFileSync(file, JSON.stringify(input));
  return file;
}

interface Run {
  child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr contains `text`. */
  printed(text: string): Promise<void>;
}

function startRun(configFile: string): Run {
  const child = spawn(process.execPath, [cli, 'run', '--config', configFile, '--json', '--rps', '40'], {
    cwd: work,
    env: { ...process.env, CANARY_JUDGE_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiting.filter((x) => stderr.includes(x.text))) w.resolve();
  });
  return {
    child,
    stderr: () => stderr,
    printed: (text) =>
      new Promise((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        waiting.push({ text, resolve });
        child.once('exit', () => (stderr.includes(text) ? resolve() : reject(new Error(`exited; stderr:\n${stderr}`))));
      }),
  };
}

/** The instance records under the state directory: [directory, pid, stopped]. */
function records(): { dir: string; pid: number; stopped: boolean }[] {
  return readdirSync(stateDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(stateDir, d.name))
        .filter((f) => /^instance-\d+\.json$/.test(f))
        .map((f) => {
          const record = JSON.parse(readFileSync(path.join(stateDir, d.name, f), 'utf8')) as {
            pid: number;
            stoppedAt?: string;
          };
          return { dir: d.name, pid: record.pid, stopped: record.stoppedAt !== undefined };
        }),
    );
}

/** Starts a run, waits until it shifted traffic, SIGKILLs it: returns the run's processes (groups) left running. */
async function killMidRun(runId: string): Promise<{ leaders: number[]; all: number[] }> {
  const run = startRun(config(runId, 120));
  await run.printed('step 1/1: canary 10%');
  const live = records().filter((r) => !r.stopped && (r.dir === runId || r.dir === 'production'));
  const leaders = live.map((r) => r.pid);
  expect(live.map((r) => r.dir).sort()).toEqual(['production', runId, runId]);
  const cliGroup = processGroupOf(run.child.pid!);
  for (const pid of leaders) {
    // Each process leads its own group (not the CLI's), with the helper it started in it.
    expect(processGroupOf(pid)).toBe(pid);
    expect(pid).not.toBe(cliGroup);
    expect(groupMembers(pid)).toHaveLength(2);
  }
  const all = leaders.flatMap(groupMembers);
  run.child.kill('SIGKILL');
  await once(run.child, 'exit');
  // The fault: nothing stopped them when the runner died.
  await new Promise((r) => setTimeout(r, 500));
  expect(all.filter(running)).toEqual(all);
  return { leaders, all };
}

function cleanup(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'cleanup', '--state-dir', stateDir, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a runner killed with SIGKILL mid-run (local)', () => {
  it("fault 'runner-killed-local': canary-judge cleanup stops every process it left, says what it removed, and finds nothing the second time", async () => {
    const row = fault('runner-killed-local');
    const runId = 'shop-killed';
    const { leaders, all } = await killMidRun(runId);

    const first = cleanup('--target', 'local', '--json');
    expect(first.code).toBe(row.exit);
    const result = JSON.parse(first.stdout) as {
      runs: { runId: string; removed: string[]; alreadyGone: string[]; trafficRestored: boolean; error?: string }[];
      processes: { instanceId: string; stopped: boolean }[];
      removedCount: number;
    };
    const [production, ...instances] = records()
      .filter((r) => r.dir === 'production' || r.dir === runId)
      .sort((a, b) => (a.dir === 'production' ? -1 : b.dir === 'production' ? 1 : a.pid - b.pid));
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]).toMatchObject({ runId, trafficRestored: false });
    expect(result.runs[0].error).toBeUndefined();
    // The run's instances were stopped; its router died with the runner, and its target groups with it.
    expect(result.runs[0].removed.sort()).toEqual(instances.map((r) => `instance local:${r.pid}`).sort());
    expect(result.runs[0].alreadyGone).toEqual([
      expect.stringMatching(
        /^target group .*targetgroup\/cj-.*-baseline\/.* \(local router admin API .* not reachable/,
      ),
      expect.stringMatching(/^target group .*targetgroup\/cj-.*-canary\/.* \(local router admin API .* not reachable/),
    ]);
    // The production process of the run's stand-ins.
    expect(result.processes).toEqual([
      { instanceId: `local:${production.pid}`, file: expect.any(String), stopped: true },
    ]);
    expect(result.removedCount).toBe(3);
    expect(leaders.sort()).toEqual([production.pid, ...instances.map((r) => r.pid)].sort());

    expect(await waitGone(all)).toEqual([]);
    expect(records().filter((r) => !r.stopped)).toEqual([]);
    const runRecord = JSON.parse(readFileSync(path.join(stateDir, runId, 'run.json'), 'utf8')) as {
      stoppedAt?: string;
    };
    expect(runRecord.stoppedAt).toEqual(expect.any(String));

    const again = cleanup();
    expect(again.code).toBe(row.exit);
    expect(again.stdout).toContain(row.reason);
    expect(again.stdout).toBe(
      `nothing to clean up: no local run recorded under ${stateDir} died before its teardown\n`,
    );
  });

  it('the next run cleans up after the killed one before it starts, and leaves nothing itself', async () => {
    const { all } = await killMidRun('shop-killed-before');
    const next = startRun(config('shop-next', 2));
    const [code] = (await once(next.child, 'exit')) as [number | null];
    expect([0, 1]).toContain(code);
    expect(next.stderr()).toContain('cleaning up after runs whose runner was killed:');
    expect(next.stderr()).toMatch(
      /run shop-killed-before \(local, started .*, runner pid \d+ gone\): removed instance local:\d+, instance local:\d+/,
    );
    expect(next.stderr()).toMatch(/orphaned process local:\d+ \(.*production.*\): stopped/);
    expect(await waitGone(all)).toEqual([]);
    // Every process either run started is stopped and recorded as such.
    expect(records().filter((r) => !r.stopped)).toEqual([]);
    expect(existsSync(path.join(stateDir, 'shop-next', 'run.json'))).toBe(true);
  });
});
