import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The built `canary-judge` CLI (dist/cli/main.js, what package.json's bin points at), rebuilt with
 * `tsc -p tsconfig.build.json` when a TypeScript source is newer than it.
 */

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
const SOURCES = ['cli', 'shared', 'local', 'functions', 'state-machines'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(CLI).mtimeMs;
  } catch {
    return 0;
  }
}

/** Rebuilds dist when stale. Type errors elsewhere in the tree do not stop tsc from emitting; a missing CLI does. */
export function ensureBuiltCli(): void {
  const newest = Math.max(...SOURCES.map((d) => newestSource(join(ROOT, d))));
  if (builtAt() >= newest) return;
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (builtAt() < newest) {
    throw new Error(`tsc -p tsconfig.build.json did not produce a fresh ${CLI}:\n${build.stdout}${build.stderr}`);
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env`: the child's environment (jest's process.env is the test file's own copy, which a child does not inherit). */
export function runCli(args: string[], input?: string, env?: NodeJS.ProcessEnv): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
