import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { runsCommand, type RunsCommandOptions } from '../../../cli/commands/runs';
import type { ListedRun } from '../../../cli/runs-table';
import { FileReportStore } from '../../../shared/reports/file-report-store';
import { ensureBuiltCli, runCli } from '../../support/built-cli';
import { finishRun } from '../../support/finished-runs';
import { waitFor } from '../../support/local-http';
import { startMoto, type Moto } from '../../support/moto';
import { smallPages } from '../../support/small-pages';
import { buildRunReportFixture } from '../../support/run-report-fixture';

jest.setTimeout(120_000);

/**
 * `canary-judge runs`: locally from a reports folder Notify wrote; on AWS from the state machine's executions in
 * moto's Step Functions, which runs the executions' definitions (each ends as the workflow's Finished state would).
 */

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), readStdin: () => '' },
  };
}

async function createStateMachine(sfn: SFNClient, name: string, definition: object): Promise<string> {
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name,
      roleArn: 'arn:aws:iam::123456789012:role/canary-judge-states',
      definition: JSON.stringify(definition),
    }),
  );
  return machine.stateMachineArn!;
}

const options = (over: Partial<RunsCommandOptions>): RunsCommandOptions => ({ target: 'local', limit: 50, ...over });

describe('canary-judge runs --target local', () => {
  let dir: string;

  beforeAll(async () => {
    ensureBuiltCli();
    dir = mkdtempSync(path.join(tmpdir(), 'cj-runs-'));
    const store = new FileReportStore(dir);
    await finishRun(store, { runId: 'shop-1-0-0-1', startedAt: '2026-11-20T10:00:00.000Z', promoted: true });
    await finishRun(store, { runId: 'shop-1-1-0-2', startedAt: '2026-11-21T10:00:00.000Z' });
    await store.put('shop-1-2-0-3', 'run.json', '{"runId":"shop-1-2-0-3"}', 'application/json');
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each run newest first: the short columns, then why and its report; skips an unreadable record', async () => {
    const { io: streams, out, err } = io();
    expect(await runsCommand(options({ reportsDir: dir }), streams)).toBe(0);
    const lines = out.join('').split('\n');
    expect(lines[0]).toMatch(/^RUN +SERVICE +BASELINE → CANARY +STARTED \(UTC\) +DURATION +DECISION +SCORE$/);
    expect(lines[1]).toMatch(
      /^shop-1-1-0-2 +checkout-api +1\.4\.2 → 1\.5\.0 +2026-11-21 10:00:00 +2m 22s +ROLLED BACK +0$/,
    );
    expect(lines[2]).toMatch(/^ {2}why: critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher/);
    expect(lines[3]).toBe(`  report: ${path.join(dir, 'shop-1-1-0-2', 'report.html')}`);
    expect(lines[4]).toMatch(
      /^shop-1-0-0-1 +checkout-api +1\.4\.2 → 1\.5\.0 +2026-11-20 10:00:00 +2m 22s +PROMOTED +100$/,
    );
    expect(err.join('')).toMatch(/^canary-judge runs: skipped shop-1-2-0-3: run\.json: service: /);
  });

  it('--json and --limit: the records with the link to open, from the built CLI', () => {
    const r = runCli(['runs', '--reports-dir', dir, '--json', '--limit', '1']);
    expect(r.code).toBe(0);
    const { runs } = JSON.parse(r.stdout) as { runs: ListedRun[] };
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      runId: 'shop-1-1-0-2',
      decision: 'ROLLED BACK',
      score: 0,
      verdict: 'fail',
      durationSeconds: 142,
      report: path.join(dir, 'shop-1-1-0-2', 'report.html'),
    });
  });

  it('an empty or missing folder has no runs; a bad flag is bad input', () => {
    expect(runCli(['runs', '--reports-dir', path.join(dir, 'none')])).toMatchObject({ code: 0, stdout: 'no runs\n' });
    expect(runCli(['runs', '--limit', '0']).code).toBe(3);
    expect(runCli(['runs', '--target', 'gcp']).code).toBe(3);
  });

  it('--help shows examples and exit codes', () => {
    const r = runCli(['runs', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: canary-judge runs [options]');
    expect(r.stdout).toContain('$ canary-judge runs --reports-dir /tmp/reports --json');
    expect(r.stdout).toContain('Exit codes: 0 listed (also when there are none), 2 the runs could not be read');
  });
});

/**
 * moto 5.2.1 runs one execution's definition, then fails every later StartExecution until it is reset (a deepcopy
 * of the live execution: getmoto/moto#10077, fixed by #10093 in a later release). So each executed run starts from a
 * reset here, and listing many executions (paging, --limit, newest first) is tested on moto's plain backend, whose
 * executions stay RUNNING with a placeholder history.
 */
describe('canary-judge runs --target aws (moto Step Functions runs the definitions)', () => {
  let moto: Moto;
  let sfn: SFNClient;

  /** Stands in for the workflow's last states: the execution's input is the RunState Notify would have returned. */
  const definition = {
    StartAt: 'Validate',
    States: {
      Validate: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.outcome', IsPresent: true, Next: 'Notify' },
          { Variable: '$.runId', IsPresent: true, Next: 'Bake' },
        ],
        Default: 'NotStarted',
      },
      NotStarted: { Type: 'Fail', Error: 'ValidationError', Cause: 'invalid run input: steps: Required' },
      Bake: { Type: 'Wait', Seconds: 3600, End: true },
      Notify: { Type: 'Pass', Next: 'Finished' },
      Finished: {
        Type: 'Choice',
        Choices: [{ Variable: '$.outcome.decision', StringEquals: 'promote', Next: 'Promoted' }],
        Default: 'RolledBack',
      },
      Promoted: { Type: 'Succeed' },
      RolledBack: { Type: 'Fail', Error: 'CanaryRolledBack', CausePath: '$.outcome.reason' },
    },
  };

  /** A state machine with one execution of `input`, once it ended or (`holds`) waits in Bake; its ARN. */
  async function executed(name: string, input: unknown, holds = false): Promise<string> {
    await moto.reset();
    const stateMachineArn = await createStateMachine(sfn, name, definition);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    await waitFor(`execution ${name}`, async () => {
      if (holds) {
        const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
        return history.events?.some((e) => e.type === 'WaitStateEntered') ? true : undefined;
      }
      return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status !== 'RUNNING' ? true : undefined;
    });
    return stateMachineArn;
  }

  async function listed(stateMachine: string): Promise<ListedRun[]> {
    const { io: streams, out, err } = io();
    expect(await runsCommand(options({ target: 'aws', stateMachine, json: true }), streams)).toBe(0);
    expect(err).toEqual([]);
    return (JSON.parse(out.join('')) as { runs: ListedRun[] }).runs;
  }

  const { state } = buildRunReportFixture();

  beforeAll(async () => {
    moto = await startMoto({ env: true, executeStateMachines: true });
    sfn = new SFNClient(moto.config);
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('a rolled-back run (FAILED, no output): decision, why and report from its history', async () => {
    const reportUrl = 'https://reports.example/web-2/report.html?X-Amz-Signature=abc';
    const arn = await executed('web-2', { ...state, runId: 'web-2', outcome: { ...state.outcome!, reportUrl } });
    const [run] = await listed(arn);
    expect(run).toMatchObject({
      runId: 'web-2',
      service: 'checkout-api',
      baselineVersion: '1.4.2',
      canaryVersion: '1.5.0',
      startedAt: '2026-11-22T14:00:00.000Z',
      durationSeconds: 142,
      decision: 'ROLLED BACK',
      verdict: 'fail',
      score: 0,
      report: reportUrl,
    });
    expect(run.summary).toMatch(/^critical metric latency-p99 failed at step 2 of 3: latency-p99 is higher/);
  });

  it('a promoted run, a run still going, and one Validate refused', async () => {
    const promoted = await executed('web-1', {
      ...state,
      runId: 'web-1',
      outcome: { decision: 'promote', verdict: 'pass', score: 100, reason: 'step 3/3: final score 100 >= pass 75' },
    });
    expect((await listed(promoted)).map((r) => [r.runId, r.decision, r.score])).toEqual([['web-1', 'PROMOTED', 100]]);
    const going = await executed('web-3', { ...state, runId: 'web-3', outcome: undefined }, true);
    expect((await listed(going)).map((r) => [r.runId, r.decision, r.finishedAt])).toEqual([
      ['web-3', 'IN PROGRESS', null],
    ]);
    const refused = await executed('web-4', {
      service: 'web',
      baseline: { version: '1.0.0' },
      canary: { version: '1.1.0' },
    });
    const [run] = await listed(refused);
    expect(run).toMatchObject({
      runId: 'web-4',
      service: 'web',
      baselineVersion: '1.0.0',
      canaryVersion: '1.1.0',
      decision: 'NOT STARTED',
      summary: 'ValidationError: invalid run input: steps: Required',
      score: null,
      report: null,
    });
  });

  it('needs a state machine (bad input, 3); an unknown one cannot be read (2)', async () => {
    const missing = io();
    const env = { ...process.env, STATE_MACHINE_ARN: '' };
    expect(await runsCommand(options({ target: 'aws' }), missing.io, { env })).toBe(3);
    expect(missing.err.join('')).toContain('--target aws needs --state-machine ARN (or STATE_MACHINE_ARN)');
    const unknown = io();
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:no-such-machine';
    expect(await runsCommand(options({ target: 'aws', stateMachine: arn }), unknown.io)).toBe(2);
    expect(unknown.err.join('')).toMatch(/^canary-judge runs: could not read the runs: StateMachineDoesNotExist/);
  });
});

describe('canary-judge runs --target aws (moto Step Functions, many executions)', () => {
  let moto: Moto;

  beforeAll(async () => {
    moto = await startMoto({ env: true });
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('pages through the executions, newest first, up to --limit, with the state machine from STATE_MACHINE_ARN', async () => {
    const sfn = new SFNClient(moto.config);
    // Two executions a page, so listing has to follow nextToken.
    const pages = smallPages(sfn, 'ListExecutionsCommand', 'maxResults', 2);
    const stateMachineArn = await createStateMachine(sfn, 'canary-judge-run', {
      StartAt: 'Wait',
      States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    for (const name of ['e1', 'e2', 'e3', 'e4', 'e5']) {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: '{}' }));
      await new Promise((r) => setTimeout(r, 20)); // distinct start times
    }
    const { io: streams, out } = io();
    const env = { ...process.env, STATE_MACHINE_ARN: stateMachineArn };
    expect(await runsCommand(options({ target: 'aws', limit: 3, json: true }), streams, { env, sfn })).toBe(0);
    const { runs } = JSON.parse(out.join('')) as { runs: ListedRun[] };
    expect(runs.map((r) => [r.runId, r.decision])).toEqual([
      ['e5', 'IN PROGRESS'],
      ['e4', 'IN PROGRESS'],
      ['e3', 'IN PROGRESS'],
    ]);
    expect(pages).toHaveLength(2);
  });
});
