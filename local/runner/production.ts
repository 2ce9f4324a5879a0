import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LocalLaunch } from '../../shared/config/run-config';
import { spawnInstance, thisProcess, type SpawnedInstance } from '../../shared/fleet/local-processes';
import {
  localInstanceId,
  recordFile,
  stopRecorded,
  writeJson,
  type ProcessRecord,
} from '../../shared/fleet/process-records';
import { freePort } from '../../shared/net/free-port';
import { httpRequest } from '../../shared/net/http-request';

/**
 * The production fleet of a local run: the baseline version's command, started before the run as the
 * router's production target group, as a service would already be running before a canary. The processes
 * are started and recorded like LocalFleet's instances (own process group, log file, killed if this process
 * exits, a record in logDir so a sweep stops them when this process was killed before it could).
 */

export interface ProductionInstance extends SpawnedInstance {
  port: number;
  record: { file: string; value: ProcessRecord };
}

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3000;

async function waitUntilServing(instance: ProductionInstance, healthPath: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const res = await httpRequest(`http://127.0.0.1:${instance.port}${healthPath}`, { timeoutMs: 1000 });
      if (res.status >= 200 && res.status < 300) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `production instance (pid ${instance.pid}) did not answer ${healthPath} within ${READY_TIMEOUT_MS / 1000}s; see ${logFile}`,
  );
}

export async function startProduction(
  spec: LocalLaunch,
  version: string,
  options: { healthPath: string; logDir: string; env?: NodeJS.ProcessEnv },
): Promise<ProductionInstance[]> {
  await mkdir(options.logDir, { recursive: true });
  const instances: ProductionInstance[] = [];
  try {
    for (let i = 0; i < spec.instanceCount; i++) {
      const port = await freePort();
      const logFile = path.join(options.logDir, `production-${i}.log`);
      const env = {
        ...(options.env ?? process.env),
        ...spec.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ROLE: 'production',
        VERSION: version,
        // The sample service exits when its launcher is gone, even after a SIGKILL that skips exit hooks.
        CANARY_JUDGE_PARENT_PID: String(process.pid),
      };
      const spawned = await spawnInstance(spec.command, { env, cwd: spec.cwd, logFile });
      const value: ProcessRecord = {
        ...spawned,
        instanceId: localInstanceId(spawned.pid),
        owner: thisProcess(),
        port,
        role: 'production',
        version,
        command: spec.command,
        logFile,
        startedAt: new Date().toISOString(),
      };
      const file = recordFile(options.logDir, spawned.pid);
      await writeJson(file, value);
      const instance = { ...spawned, port, record: { file, value } };
      instances.push(instance);
      await waitUntilServing(instance, options.healthPath, logFile);
    }
    return instances;
  } catch (error) {
    await stopProduction(instances);
    throw error;
  }
}

export async function stopProduction(instances: ProductionInstance[]): Promise<void> {
  await Promise.all(instances.map(({ record }) => stopRecorded(record.file, record.value, STOP_GRACE_MS)));
}
