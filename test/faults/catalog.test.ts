import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FAULTS } from './catalog';
import { FAULTS_DOC, REGENERATE, renderFaultsDoc } from './faults-doc';

/** The catalogue is the one source: docs/faults.md is rendered from it and every row has a test. */

describe('fault catalogue', () => {
  it('docs/faults.md is the rendered catalogue', () => {
    const expected = renderFaultsDoc();
    const actual = readFileSync(FAULTS_DOC, 'utf8');
    if (actual !== expected) throw new Error(`docs/faults.md differs from test/faults/catalog.ts; run: ${REGENERATE}`);
  });

  it('has unique ids, and each row is provoked by a test in test/faults/ (slow rows in *.slow.test.ts)', () => {
    expect(new Set(FAULTS.map((f) => f.id)).size).toBe(FAULTS.length);
    const tests = readdirSync(__dirname)
      .filter((name) => name.endsWith('.test.ts') && name !== path.basename(__filename))
      .map((name) => ({ name, text: readFileSync(path.join(__dirname, name), 'utf8') }));
    const untested = FAULTS.filter((f) => {
      if (f.tests) return false;
      const files = tests.filter((t) => t.text.includes(`'${f.id}'`));
      return files.length === 0 || files.some((t) => t.name.endsWith('.slow.test.ts') !== f.slow);
    });
    expect(untested.map((f) => f.id)).toEqual([]);
  });

  it('a row tested outside test/faults/ names test files that exist and name the row', () => {
    const root = path.resolve(__dirname, '../..');
    const unlinked = FAULTS.flatMap((f) =>
      (f.tests ?? [])
        .filter(
          (file) =>
            !existsSync(path.join(root, file)) || !readFileSync(path.join(root, file), 'utf8').includes(`'${f.id}'`),
        )
        .map((file) => `${f.id}: ${file}`),
    );
    expect(unlinked).toEqual([]);
    expect(FAULTS.filter((f) => f.tests?.length === 0).map((f) => f.id)).toEqual([]);
  });

  it('only a workflow step provoked on its own has no exit code', () => {
    const wrong = FAULTS.filter((f) => (f.exit === null) !== (f.area === 'workflow step'));
    expect(wrong.map((f) => f.id)).toEqual([]);
  });

  it('states a reason for every fault that does not end in a started run', () => {
    const silent = FAULTS.filter(
      (f) => f.reason === '' && !f.absorbed && !(f.area === 'run API' && f.exit !== null && f.exit < 300),
    );
    expect(silent.map((f) => f.id)).toEqual([]);
    // and an absorbed fault states none: nothing failed, so nobody is told
    expect(FAULTS.filter((f) => f.absorbed && f.reason !== '').map((f) => f.id)).toEqual([]);
  });
});
