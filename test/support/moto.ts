import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../shared/net/free-port';
import { isAlive } from './local-process';

/**
 * moto_server (the AWS API emulator in the machine's python) on a free port on 127.0.0.1. Starting one
 * takes about 10 s of python imports on a loaded machine, so under jest (test/support/global-setup.ts) each
 * worker keeps one and every test file gets it freshly reset: a worker runs one file at a time, so a file
 * has its server to itself. Outside jest's global setup, each call starts its own server.
 *
 * With `env`, the SDK's default configuration points at it through AWS_ENDPOINT_URL (the same way an
 * operator would) until stop(), so adapters built without injected clients are tested too.
 */

export interface Moto {
  endpoint: string;
  /** The server's process group (moto_server and the python it starts): freeze it with SIGSTOP to make AWS hang. */
  processGroup: number;
  /** Client config for tests that build their own clients. */
  config: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  reset(): Promise<void>;
  /** With `env`, puts the environment back as it was; stops the server unless it is the worker's. */
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Set AWS_ENDPOINT_URL, region and fake credentials in process.env until stop(). */
  env?: boolean;
  /** Step Functions executions run their definition (moto's `execute_state_machine`) instead of staying RUNNING. */
  executeStateMachines?: boolean;
}

/** Set by test/support/global-setup.ts: where each worker records its server for the global teardown. */
export const SERVERS_DIR_ENV = 'CANARY_JUDGE_TEST_SERVERS';

const REGION = 'us-east-1';
const READY_TIMEOUT_MS = 30_000;

async function waitReady(endpoint: string, pid: number, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`moto_server exited: ${output()}`);
    if (await answers(endpoint)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server not ready at ${endpoint} after ${READY_TIMEOUT_MS} ms: ${output()}`);
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/`)).ok;
  } catch {
    return false; // not listening (yet, or any more)
  }
}

interface MotoServer {
  pid: number;
  endpoint: string;
}

/**
 * Starts a server in its own process group (so stopping it ends the pyenv shim and the python it starts
 * together), logging to `logFile`, not tied to this process's event loop.
 */
async function startServer(logFile: string): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = openSync(logFile, 'a');
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('cannot start moto_server');
  const output = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4000) : '');
  try {
    await waitReady(endpoint, pid, output);
  } catch (error) {
    await stopServer(pid);
    throw error;
  }
  return { pid, endpoint };
}

/** SIGTERM to the server's process group, SIGKILL after 5 s; resolves once it is gone. */
export async function stopServer(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) signal('SIGKILL');
}

/** This jest worker's server (started on first use, recorded in the run's directory), or undefined outside jest's setup. */
async function workerServer(): Promise<MotoServer | undefined> {
  const dir = process.env[SERVERS_DIR_ENV];
  if (!dir) return undefined;
  const record = join(dir, `moto-${process.env.JEST_WORKER_ID ?? '1'}.json`);
  if (existsSync(record)) {
    const server = JSON.parse(readFileSync(record, 'utf8')) as MotoServer;
    if (isAlive(server.pid) && (await answers(server.endpoint))) return server;
  }
  const server = await startServer(record.replace(/\.json$/, '.log'));
  writeFileSync(record, JSON.stringify(server));
  return server;
}

/** Sets the variables; returns a function that puts the old values back. */
function pointEnvAt(endpoint: string, credentials: Moto['config']['credentials']): () => void {
  const values: Record<string, string> = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  const shared = await workerServer();
  const ownDir = shared ? undefined : await mkdtemp(join(tmpdir(), 'canary-judge-moto-'));
  const server = shared ?? (await startServer(join(ownDir!, 'moto.log')));
  const { endpoint } = server;
  const reset = async () => {
    const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
  };
  // A shared server comes with the previous file's resources, and maybe another file's configuration.
  if (shared) await reset();
  const config = { stepfunctions: { execute_state_machine: options.executeStateMachines ?? false } };
  const configured = await fetch(`${endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify(config) });
  if (!configured.ok) throw new Error(`moto config failed: HTTP ${configured.status}`);
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  let restoreEnv = options.env ? pointEnvAt(endpoint, credentials) : undefined;
  return {
    endpoint,
    processGroup: server.pid,
    config: { region: REGION, endpoint, credentials },
    reset,
    async stop() {
      restoreEnv?.();
      restoreEnv = undefined;
      // The worker's server stays for its next file (reset then) and is stopped by the global teardown.
      if (shared) return;
      await stopServer(server.pid);
      await rm(ownDir!, { recursive: true, force: true });
    },
  };
}
