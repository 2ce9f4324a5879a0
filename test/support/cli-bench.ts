import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';
import type { RunResultJson } from '../../local/runner/summary';

/**
 * `canary-judge run` as an operator's shell or a CI runner sees it: the CLI bundled (esbuild) into a
 * directory of its own with the sample service, started as a child process that can be signalled, its
 * exit code, stdout and stderr read back. Everything a run writes (state, reports) stays in that directory,
 * and the sample service's bundle path there tells this bench's service processes from any other.
 */

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The final JSON object (--json), when stdout holds one. */
  json?: RunResultJson;
}

export interface CliProcess {
  child: ChildProcess;
  stateDir: string;
  stderr(): string;
  /** Resolves once stderr or stdout matches, rejects if the process exits or `timeoutMs` passes first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<CliResult>;
}

export interface StartOptions {
  /** Extra arguments after `run --config FILE --json`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

const ROOT = path.resolve(__dirname, '../..');

export class CliBench {
  private constructor(
    readonly work: string,
    readonly cli: string,
    readonly service: string,
  ) {}

  /** `entries`: more programs to bundle next to the CLI, name → source (run them with `node bench.program(name)`). */
  static async create(name: string, entries: Record<string, string> = {}): Promise<CliBench> {
    const work = mkdtempSync(path.join(tmpdir(), `canary-judge-${name}-`));
    const bundle = (entry: string, outfile: string) =>
      build({
        entryPoints: [path.join(ROOT, entry)],
        bundle: true,
        platform: 'node',
        target: 'node20',
        outfile,
        logLevel: 'silent',
      });
    const cli = path.join(work, 'canary-judge.js');
    const service = path.join(work, 'sample-service.js');
    await Promise.all([
      bundle('cli/main.ts', cli),
      bundle('local/sample-service/main.ts', service),
      ...Object.entries(entries).map(([program, entry]) => bundle(entry, path.join(work, `${program}.js`))),
    ]);
    await stopEsbuild();
    return new CliBench(work, cli, service);
  }

  program(name: string): string {
    return path.join(this.work, `${name}.js`);
  }

  get reportsDir(): string {
    return path.join(this.work, 'reports');
  }

  /** The sample service as a version's `local.command`. */
  serviceCommand(): string[] {
    return ['node', this.service];
  }

  file(name: string, content: unknown): string {
    const file = path.join(this.work, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  /** `canary-judge run --config <name>.json --json`, its state in a directory of its own. */
  run(name: string, config: unknown, options: StartOptions = {}): CliProcess {
    const stateDir = path.join(this.work, `state-${name}`);
    const args = ['run', '--config', this.file(`${name}.json`, config), '--json', '--reports-dir', this.reportsDir];
    return this.spawn(
      [...args, ...(options.args ?? [])],
      { CANARY_JUDGE_STATE_DIR: stateDir, ...options.env },
      stateDir,
    );
  }

  /** Any canary-judge command line (judge, mann-whitney, run with odd arguments). */
  command(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
    return this.spawn(args, env, path.join(this.work, 'state'));
  }

  private spawn(args: string[], env: NodeJS.ProcessEnv, stateDir: string): CliProcess {
    const child = spawn(process.execPath, [this.cli, ...args], {
      cwd: this.work,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const waiters = new Set<() => void>();
    const changed = () => waiters.forEach((check) => check());
    child.stdout!.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), changed()));
    child.stderr!.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), changed()));
    const exited = new Promise<CliResult>((resolve) =>
      child.once('close', (code, signal) => {
        changed();
        resolve({ code, signal, stdout, stderr, json: parseJson(stdout) });
      }),
    );
    const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
        const done = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (pattern.test(stderr) || pattern.test(stdout)) done();
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    return { child, stateDir, stderr: () => stderr, waitFor, exited };
  }

  /** Processes running this bench's sample-service bundle, whoever started them. */
  servicePids(): number[] {
    try {
      return execFileSync('pgrep', ['-f', this.service], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  }

  /** The pid of a run's instance of `role`, from LocalFleet's records in the run's state directory. */
  instancePid(run: CliProcess, runId: string, role: 'baseline' | 'canary'): number {
    const dir = path.join(run.stateDir, runId);
    for (const name of readdirSync(dir).filter((n) => n.startsWith('instance-'))) {
      const record = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { pid: number; role: string };
      if (record.role === role) return record.pid;
    }
    throw new Error(`no ${role} instance recorded in ${dir}`);
  }

  dispose(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}

function parseJson(stdout: string): RunResultJson | undefined {
  try {
    return JSON.parse(stdout) as RunResultJson;
  } catch {
    return undefined;
  }
}
