import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * `shared/` (the domain, the ports and their adapters) must not depend on `local/` (the router server, the
 * sample service, the local runner): local/ builds on shared/, never the other way round. Type-only imports
 * count too; the local router's API contract lives in shared/router-api/ for this reason.
 *
 * Inside shared/, the ports and their adapters import downward only: the run's model (shared/run-model/: its
 * state, identity and tags, the log it reports to) is below them, the workflow's steps (shared/run/), analyze,
 * the run API and the adapter wiring are above them.
 */

const ROOT = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** Every module a file names: import / export ... from / import type / require() / import(). */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** `file imports specifier` for each relative import of `file` that resolves into one of the `forbidden` folders. */
function violationsIn(file: string, text: string, forbidden: string[]): string[] {
  return importsOf(text)
    .filter((specifier) => specifier.startsWith('.'))
    .filter((specifier) => {
      const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
      return forbidden.some((dir) => target === dir || target.startsWith(`${dir}/`));
    })
    .map((specifier) => `${path.relative(ROOT, file)} imports ${specifier}`);
}

/** The file a relative specifier names (`x` → `x.ts` or `x/index.ts`), or undefined for a package. */
function resolveImport(file: string, specifier: string, known: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(file), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => known.has(candidate));
}

/** Import cycles among `files` (type-only imports count: a loop of types is still a loop of concepts). */
function importCycles(files: Map<string, string>): string[][] {
  const known = new Set(files.keys());
  const edges = new Map(
    [...files].map(([file, text]) => [
      file,
      importsOf(text).flatMap((specifier) => resolveImport(file, specifier, known) ?? []),
    ]),
  );
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)).map((f) => path.relative(ROOT, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('layers', () => {
  const shared = sourceFiles(path.join(ROOT, 'shared'));

  it('sees every form of import (type-only, re-export, require, dynamic import), so it cannot pass vacuously', () => {
    const file = path.join(ROOT, 'shared/traffic/probe.ts');
    const text = [
      "import type { RuleView } from '../../local/router/views';",
      "export { RouterAdminClient } from '../../local/router/admin-client';",
      "const port = require('../../local/common/free-port');",
      "const later = import('../../local/runner/execute');",
      "import { ok } from '../router-api/client';",
      "import { localish } from './local-traffic';",
    ].join('\n');
    expect(violationsIn(file, text, ['local'])).toEqual([
      'shared/traffic/probe.ts imports ../../local/router/views',
      'shared/traffic/probe.ts imports ../../local/router/admin-client',
      'shared/traffic/probe.ts imports ../../local/common/free-port',
      'shared/traffic/probe.ts imports ../../local/runner/execute',
    ]);
  });

  it('shared/ imports nothing from local/', () => {
    expect(shared.length).toBeGreaterThan(50);
    const found = shared.flatMap((file) => violationsIn(file, readFileSync(file, 'utf8'), ['local']));
    expect(found).toEqual([]);
  });

  const PORTS = ['fleet', 'traffic', 'metrics', 'notify', 'reports', 'promote', 'aws', 'router-api', 'net'];
  const ABOVE_PORTS = ['shared/run', 'shared/analyze', 'shared/webhook', 'shared/adapters'];

  it('sees an upward import of a port, and tells shared/run/ from shared/run-model/', () => {
    const file = path.join(ROOT, 'shared/fleet/probe.ts');
    const text = [
      "import type { RunState } from '../run/run-state';",
      "import type { Role } from '../run-model/run-state';",
      "import { createAdapters } from '../adapters';",
    ].join('\n');
    expect(violationsIn(file, text, ABOVE_PORTS)).toEqual([
      'shared/fleet/probe.ts imports ../run/run-state',
      'shared/fleet/probe.ts imports ../adapters',
    ]);
  });

  it('ports and their adapters import nothing from the layers above them', () => {
    const ports = shared.filter((file) =>
      PORTS.some((dir) => file.startsWith(path.join(ROOT, 'shared', dir, path.sep))),
    );
    expect(ports.length).toBeGreaterThan(40);
    const found = ports.flatMap((file) => violationsIn(file, readFileSync(file, 'utf8'), ABOVE_PORTS));
    expect(found).toEqual([]);
  });

  it('the run model imports no port and nothing above them', () => {
    const model = shared.filter((file) => file.startsWith(path.join(ROOT, 'shared', 'run-model', path.sep)));
    expect(model.length).toBeGreaterThan(3);
    const forbidden = [...PORTS.map((dir) => `shared/${dir}`), ...ABOVE_PORTS];
    const found = model.flatMap((file) => violationsIn(file, readFileSync(file, 'utf8'), forbidden));
    expect(found).toEqual([]);
  });
  it('finds an import cycle when there is one (so the next test can fail)', () => {
    const a = path.join(ROOT, 'shared', 'a.ts');
    const b = path.join(ROOT, 'shared', 'b.ts');
    const files = new Map([
      [a, "import type { B } from './b';"],
      [b, "import { a } from './a';"],
    ]);
    expect(importCycles(files)).toEqual([['shared/a.ts', 'shared/b.ts']]);
  });

  it('has no import cycles in shared/, functions/, cli/, local/, infra/, state-machines/', () => {
    const dirs = ['shared', 'functions', 'cli', 'local', 'infra', 'state-machines'];
    const files = new Map(
      dirs.flatMap((dir) => sourceFiles(path.join(ROOT, dir))).map((file) => [file, readFileSync(file, 'utf8')]),
    );
    expect(files.size).toBeGreaterThan(200);
    expect(importCycles(files)).toEqual([]);
  });
});
