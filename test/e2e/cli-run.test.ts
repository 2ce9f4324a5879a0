import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';
import { runCommand, type RunCommandOptions, type RunIo } from '../../cli/commands/run';
import { localRunInput } from '../support/run-inputs';

/** `canary-judge run` as a CI job sees it: exit code, one JSON object on stdout, messages on stderr. */

jest.setTimeout(60_000);

const work = mkdtempSync(path.join(tmpdir(), 'canary-judge-cli-'));
const serviceBundle = path.join(work, 'sample-service.js');
const cliBundle = path.join(work, 'canary-judge.js');

beforeAll(async () => {
  const bundle = (entry: string, outfile: string) =>
    build({
      entryPoints: [path.join(__dirname, '../..', entry)],
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile,
      logLevel: 'silent',
    });
  await Promise.all([bundle('local/sample-service/main.ts', serviceBundle), bundle('cli/main.ts', cliBundle)]);
  await stopEsbuild();
});

/** Processes running this test's sample-service bundle, wherever their parent is. */
function servicePids(): number[] {
  try {
    return execFileSync('pgrep', ['-f', serviceBundle], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(): RunIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readStdin: () => '',
    isTTY: false,
  };
}

function configFile(name: string, content: unknown): string {
  const file = path.join(work, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const options = (config: string, extra: Partial<RunCommandOptions> = {}): RunCommandOptions => ({
  config,
  speed: 1,
  rps: 150,
  reportsDir: path.join(work, 'reports'),
  ...extra,
});

describe('canary-judge run', () => {
  it('exits 3 naming the field for bad input, before starting anything', async () => {
    const { service: _s, ...noService } = localRunInput();
    const cases: [string, RegExp][] = [
      [configFile('no-service.json', noService), /invalid run input: service: /],
      [
        configFile('bad-step.json', localRunInput({ steps: [{ weight: 60, durationSeconds: 5 }] })),
        /steps\[0\]\.weight/,
      ],
      [configFile('not-json.json', '{"service": '), /not-json\.json is not valid JSON/],
      [path.join(work, 'missing.json'), /cannot read --config .*missing\.json/],
    ];
    for (const [file, message] of cases) {
      const streams = io();
      const started = Date.now();
      expect(await runCommand(options(file, { json: true }), streams)).toBe(3);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(streams.out).toEqual([]);
      expect(streams.err.join('')).toMatch(message);
    }
  });

  it('--json prints one final object and exits 1 for a rolled-back canary', async () => {
    const command = ['node', serviceBundle];
    const input = localRunInput({
      baseline: { version: '1.41.0', local: { command } },
      canary: { version: '1.42.0', local: { command, env: { ERROR_RATE: '0.25' } } },
      steps: [
        { weight: 20, durationSeconds: 8 },
        { weight: 50, durationSeconds: 8 },
      ],
    });
    const streams = io();
    const code = await runCommand(options(configFile('errors.json', input), { json: true }), streams);
    expect(code).toBe(1);
    expect(streams.out).toHaveLength(1);
    const result = JSON.parse(streams.out[0]) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['verdict', 'score', 'decision', 'steps', 'report']));
    expect(result).toMatchObject({
      decision: 'rollback',
      verdict: 'fail',
      score: 0,
      status: 'FAILED',
      error: 'CanaryRolledBack',
    });
    expect(result.steps).toEqual([expect.objectContaining({ step: 1, weight: 20, action: 'rollback' })]);
    expect(result.report).toMatch(/reports\/checkout-1-42-0-\d{14}\/report\.html$/);
    // progress went to stderr, line by line
    expect(streams.err.join('')).toMatch(/step 1\/2: canary 20% · baseline 20% · production 60%/);
  });

  it('on Ctrl-C restores production, stops every process it started and exits 130', async () => {
    const command = ['node', serviceBundle];
    const input = localRunInput({
      baseline: { version: '1.41.0', local: { command } },
      canary: { version: '1.42.0', local: { command } },
      steps: [{ weight: 20, durationSeconds: 60 }],
    });
    const child = spawn(process.execPath, [cliBundle, 'run', '--config', configFile('long.json', input), '--json'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const baking = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('step 1/1: canary 20%')) resolve();
      }),
    );
    await baking;
    expect(servicePids()).toHaveLength(3); // production, baseline, canary
    const started = Date.now();
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(stderr).toContain('interrupted by SIGINT: restoring production traffic, tearing down and reporting');
    expect(stderr).toContain('torn down: traffic 100% production');
    expect(servicePids()).toEqual([]);
  });
});
