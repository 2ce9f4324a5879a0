import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../local/common/free-port';

/**
 * moto_server (the AWS API emulator in the machine's python) on a free port on 127.0.0.1, one per test
 * file. With `env`, the SDK's default configuration points at it through AWS_ENDPOINT_URL (the same way an
 * operator would) until stop(), so adapters built without injected clients are tested too.
 */

export interface Moto {
  endpoint: string;
  /** The server's process group (moto_server and the python it starts): freeze it with SIGSTOP to make AWS hang. */
  processGroup: number;
  /** Client config for tests that build their own clients. */
  config: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  reset(): Promise<void>;
  /** Stops the server; with `env`, first puts the environment back as it was. */
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Set AWS_ENDPOINT_URL, region and fake credentials in process.env until stop(). */
  env?: boolean;
}

const REGION = 'us-east-1';
const READY_TIMEOUT_MS = 30_000;

async function waitReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server not ready at ${endpoint} after ${READY_TIMEOUT_MS} ms: ${output()}`);
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
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its own process group, so stopServer() ends the pyenv shim and the python it starts together.
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stopServer = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  };
  try {
    await waitReady(endpoint, child, () => log);
  } catch (error) {
    await stopServer();
    throw error;
  }
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  let restoreEnv = options.env ? pointEnvAt(endpoint, credentials) : undefined;
  return {
    endpoint,
    processGroup: child.pid!,
    config: { region: REGION, endpoint, credentials },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop() {
      restoreEnv?.();
      restoreEnv = undefined;
      await stopServer();
    },
  };
}
