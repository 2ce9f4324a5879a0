import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isOurs, stopInstance, type SpawnedInstance } from './local-processes';

/**
 * Every process a local run starts (its instances, the production fleet of its stand-ins) is written to
 * disk as it starts, with the process that started it (its owner, the CLI), and marked `stoppedAt` when
 * stopped. A process whose owner died without stopping it (SIGKILL, a crash) is an orphan: `sweepOrphans`
 * finds and stops those at the next start or on `canary-judge cleanup`, never touching a live run's.
 */

export interface ProcessRecord extends SpawnedInstance {
  instanceId: string;
  /** The process that started this one; absent in records written before owners were recorded. */
  owner?: SpawnedInstance;
  port: number;
  role: string;
  version: string;
  command: string[];
  logFile: string;
  startedAt: string;
  stoppedAt?: string;
}

export interface SweptProcess {
  instanceId: string;
  /** Where its record is. */
  file: string;
  /** true: it was running and was stopped now; false: it had ended by itself. */
  stopped: boolean;
}

export const RECORD_PREFIX = 'instance-';

export const localInstanceId = (pid: number): string => `local:${pid}`;

export const recordFile = (dir: string, pid: number): string => join(dir, `${RECORD_PREFIX}${pid}.json`);

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The JSON records in `dir` whose names start with `prefix`, in name order; none when `dir` does not exist. */
export async function readRecords<T>(dir: string, prefix: string): Promise<{ file: string; record: T }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: { file: string; record: T }[] = [];
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    out.push({ file, record: JSON.parse(await readFile(file, 'utf8')) as T });
  }
  return out;
}

/** Stops the recorded process (its whole group) and marks the record; true when it was still running. */
export async function stopRecorded(file: string, record: ProcessRecord, graceMs: number): Promise<boolean> {
  const stopped = await stopInstance(record, graceMs);
  await writeJson(file, { ...record, stoppedAt: new Date().toISOString() });
  return stopped;
}

/** The owner is gone (a record without an owner predates owners and counts as orphaned). */
export function ownerGone(record: { owner?: SpawnedInstance }): boolean {
  return record.owner === undefined || !isOurs(record.owner);
}

/** Stops every recorded process under `stateDir/<dir>/` whose owner is gone without stopping it. */
export async function sweepOrphans(stateDir: string, graceMs: number): Promise<SweptProcess[]> {
  let dirs: string[];
  try {
    dirs = (await readdir(stateDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  const swept: SweptProcess[] = [];
  for (const dir of dirs.sort()) {
    for (const { file, record } of await readRecords<ProcessRecord>(join(stateDir, dir), RECORD_PREFIX)) {
      if (record.stoppedAt || !ownerGone(record)) continue;
      swept.push({ instanceId: record.instanceId, file, stopped: await stopRecorded(file, record, graceMs) });
    }
  }
  return swept;
}
