import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuiltCli, ROOT } from '../support/built-cli';

/**
 * `npm start --silent -- --json`, the README's way to pipe the demo's result: npm prints its "> script"
 * banner on stdout unless --silent, so this is what a pipe reads. One scenario, four times faster.
 */

// A guard against hangs: the crash scenario at --speed 4 takes about 15 s, much longer on a loaded machine.
jest.setTimeout(240_000);

const work = mkdtempSync(path.join(tmpdir(), 'canary-judge-demo-'));

beforeAll(() => ensureBuiltCli()); // npm start runs dist/local/demo.js
afterAll(() => rmSync(work, { recursive: true, force: true }));

function npmStart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--silent', '--', ...args], {
      cwd: ROOT,
      // Reports and run state go to the test's directory, not the repository's.
      env: {
        ...process.env,
        CANARY_JUDGE_REPORTS_DIR: path.join(work, 'reports'),
        CANARY_JUDGE_STATE_DIR: path.join(work, 'state'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('npm start --silent -- --json: stdout is exactly one JSON object, the progress is on stderr', async () => {
  const { code, stdout, stderr } = await npmStart(['--scenario', 'crash', '--json', '--speed', '4']);
  expect(code).toBe(0);
  expect(stdout.endsWith('}\n')).toBe(true);
  expect(stdout.trim().split('\n')).toHaveLength(1);
  const result = JSON.parse(stdout) as { runs: { scenario: string; expected: string; decision: string }[] };
  expect(result.runs).toHaveLength(1);
  expect(result.runs[0]).toMatchObject({ scenario: 'crash', expected: 'rollback', decision: 'rollback' });
  expect(stderr).toContain('=== scenario crash');
  expect(stderr).toMatch(/torn down: traffic 100% production/);
  // The report went where the environment said, beside the runs index.
  expect(readdirSync(path.join(work, 'reports')).sort()).toEqual(['index.html', expect.stringMatching(/^shop-/)]);
});
