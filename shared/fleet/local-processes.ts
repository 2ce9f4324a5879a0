import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Child processes for LocalFleet: each instance runs in its own process group (so a command that forks,
 * like `npx ts-node ...`, is stopped whole), writes its output to a log file, and is killed when this
 * process exits, so no instance outlives the process that launched it.
 */

const live = new Set<number>();
let guardInstalled = false;

function killAllSync(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/**
 * On exit, kill every instance still running. On SIGINT/SIGTERM/SIGHUP, do the same and re-raise the
 * signal, but only when nobody else handles it: an application with its own handler (e.g. one that tears
 * the run down first) keeps control, and the exit hook still runs when it exits.
 */
function installGuard(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      if (process.listenerCount(signal) > 1) return;
      killAllSync();
      process.off(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

export interface SpawnedInstance {
  pid: number;
  /** Process start time in clock ticks since boot (Linux), to tell our process from a later one with the same pid. */
  startTicks?: number;
}

export async function spawnInstance(
  command: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; logFile: string },
): Promise<SpawnedInstance> {
  installGuard();
  const log = openSync(options.logFile, 'a');
  try {
    const child = spawn(command[0], command.slice(1), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(new Error(`cannot start ${JSON.stringify(command.join(' '))}: ${error.message}`)),
      );
    });
    const pid = child.pid as number;
    live.add(pid);
    child.once('exit', () => live.delete(pid));
    // The exit guard, not the event loop, keeps instances from outliving us; do not hold the parent open.
    child.unref();
    return { pid, startTicks: startTicks(pid) };
  } finally {
    closeSync(log);
  }
}

/** Field 22 of /proc/<pid>/stat; undefined where there is no /proc. */
export function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** This process, as the owner recorded with what it starts (a sweep later tells a dead owner from a live one). */
export function thisProcess(): SpawnedInstance {
  return { pid: process.pid, startTicks: startTicks(process.pid) };
}

/** Is this pid still the process we started (not gone, not a zombie, not a reused pid)? */
export function isOurs(instance: SpawnedInstance): boolean {
  try {
    process.kill(instance.pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${instance.pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
  } catch {
    // no /proc: the kill(0) answer is all we have
  }
  const now = startTicks(instance.pid);
  return instance.startTicks === undefined || now === undefined || now === instance.startTicks;
}

/** Another process lives under the pid now (the pid was reused after ours ended). */
function reused(instance: SpawnedInstance): boolean {
  const now = startTicks(instance.pid);
  return now !== undefined && instance.startTicks !== undefined && now !== instance.startTicks;
}

/**
 * SIGTERM to the instance's process group, SIGKILL after `graceMs` if it is still there.
 * Resolves false when the process was already gone. When the instance itself has ended, what is left of
 * its group (children it started; the group keeps its id while one lives, so the id cannot be taken by
 * another group) is killed too, unless the pid now names another process.
 */
export async function stopInstance(instance: SpawnedInstance, graceMs: number): Promise<boolean> {
  if (!isOurs(instance)) {
    live.delete(instance.pid);
    if (!reused(instance)) killGroup(instance.pid);
    return false;
  }
  signalGroup(instance.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isOurs(instance) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (isOurs(instance)) {
    signalGroup(instance.pid, 'SIGKILL');
    const killDeadline = Date.now() + 2000;
    while (isOurs(instance) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 10));
  }
  // Leftovers of the group (children that ignored SIGTERM) go too.
  signalGroup(instance.pid, 'SIGKILL');
  live.delete(instance.pid);
  return true;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // no such group: nothing is left
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** Does something accept TCP connections on host:port (the instance has started listening)? */
export function portAccepts(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
