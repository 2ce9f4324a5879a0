import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { RUN_ERRORS } from '../../../state-machines/definition';
import { apiGatewayEvent, lambdaContext } from '../../support/api-gateway-event';
import { HistoryBuilder, judgment, runState } from '../../support/execution-history';
import { consoleInput, WEBHOOK_SECRET } from '../../support/webhook-requests';

/**
 * The shell step of examples/github-actions.yml, run by bash (openssl, curl, jq) against the run API's
 * real webhook and status handlers behind a local HTTP server that routes like the HTTP API. Step
 * Functions and Secrets Manager are mocked: the runs' progress is scripted per test.
 */

jest.setTimeout(60_000);

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:canary-judge-run';
const sfnMock = mockClient(SFNClient);
const secretsMock = mockClient(SecretsManagerClient);

let server: Server;
let url: string;
let work: string;
let webhook: Handler;
let status: Handler;

function step(): { run: string; env: Record<string, string> } {
  const workflow = parse(readFileSync(path.join(__dirname, '../../../examples/github-actions.yml'), 'utf8'));
  const found = workflow.jobs.canary.steps.find((s: { name?: string }) => s.name === 'Canary analysis');
  return found;
}

function routeKey(method: string, urlPath: string): { key: string; id?: string } {
  if (method === 'POST' && urlPath === '/runs') return { key: 'POST /runs' };
  const match = /^\/runs\/([^/]+)(?:\/(approve|reject))?$/.exec(urlPath);
  if (!match) return { key: 'none' };
  return { key: match[2] ? `POST /runs/{id}/${match[2]}` : `${method} /runs/{id}`, id: match[1] };
}

/** Like API Gateway: route, build the payload 2.0 event, call the function, send its answer. */
function startApi(): Promise<void> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    const answer = async (): Promise<void> => {
      const urlPath = new URL(req.url!, 'http://x').pathname;
      const { key, id } = routeKey(req.method!, urlPath);
      const handler = key === 'GET /runs/{id}' ? status : webhook;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const event = apiGatewayEvent({
        routeKey: key,
        method: req.method!,
        path: urlPath,
        headers,
        body: Buffer.concat(chunks),
        pathParameters: id ? { id } : {},
      });
      const result = await handler(event, lambdaContext(key));
      res.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json' }).end(result.body);
    };
    // A handler that throws breaks the connection (as API Gateway answers 500): the step under test sees it.
    req.on('end', () => {
      answer().catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

function runStep(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { run } = step();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', run], {
      env: { PATH: process.env.PATH ?? '', HOME: work, ...env },
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const stepEnv = () => ({
  CANARY_JUDGE_URL: url,
  CANARY_JUDGE_SECRET: WEBHOOK_SECRET,
  RUN_CONFIG: path.join(work, 'canary-run.json'),
  CANARY_VERSION: '3f2c9e1',
  DELIVERY_ID: 'gh-777-1',
  POLL_SECONDS: '0',
  TIMEOUT_SECONDS: '30',
});

/** Step Functions as the runs see it: each DescribeExecution advances one scripted step. */
function scriptRun(polls: { status: string; error?: string; cause?: string; history: HistoryBuilder }[]) {
  let startedName = '';
  let at = 0;
  sfnMock.on(StartExecutionCommand).callsFake((input: { name: string }) => {
    startedName = input.name;
    return {
      executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${input.name}`,
      startDate: new Date(),
    };
  });
  sfnMock
    .on(DescribeExecutionCommand)
    .callsFake((input: { executionArn: string }): Partial<DescribeExecutionCommandOutput> => {
      const poll = polls[Math.min(at, polls.length - 1)];
      return {
        executionArn: input.executionArn,
        name: startedName,
        status: poll.status as 'RUNNING',
        startDate: new Date(),
        error: poll.error,
        cause: poll.cause,
      };
    });
  sfnMock.on(GetExecutionHistoryCommand).callsFake(() => {
    const poll = polls[Math.min(at, polls.length - 1)];
    at += 1;
    return { events: poll.history.events };
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'canary-judge-gha-'));
  writeFileSync(path.join(work, 'canary-run.json'), JSON.stringify(consoleInput(), null, 2));
  process.env.WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook';
  process.env.STATE_MACHINE_ARN = STATE_MACHINE;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_REGION = 'eu-west-1';
  webhook = (await import('../../../functions/webhook/handler')).handler as unknown as Handler;
  status = (await import('../../../functions/status/handler')).handler as unknown as Handler;
  await startApi();
});

afterAll(async () => {
  for (const k of ['WEBHOOK_SECRET_ARN', 'STATE_MACHINE_ARN', 'POWERTOOLS_LOG_LEVEL', 'AWS_REGION'])
    delete process.env[k];
  await new Promise((r) => server?.close(r));
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  sfnMock.reset();
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK_SECRET });
});

const s0 = runState();
const JUDGMENTS = [judgment(0, 92, 'continue'), judgment(1, 81, 'continue'), judgment(2, 88, 'promote')];
/** The run baking step `index` (weights 5, 10, 25), with the judgments of the steps before it. */
const bake = (index: number) => ({
  ...s0,
  step: { index, weight: [5, 10, 25][index], appliedAt: '2026-01-01T00:10:00Z', waitSeconds: 600 },
  judgments: JUDGMENTS.slice(0, index),
});

describe('examples/github-actions.yml', () => {
  it('starts the run with the commit as canary version, prints progress, succeeds when promoted', async () => {
    const done = {
      ...bake(2),
      judgments: JUDGMENTS,
      outcome: { decision: 'promote' as const, verdict: 'pass' as const, score: 88, reason: 'passed all steps' },
    };
    scriptRun([
      {
        status: 'RUNNING',
        history: new HistoryBuilder().started({}).task('ShiftWeight', s0, bake(0)).enter('Bake', bake(0), 'Wait'),
      },
      {
        status: 'RUNNING',
        history: new HistoryBuilder().started({}).task('ShiftWeight', bake(0), bake(1)).enter('Bake', bake(1), 'Wait'),
      },
      {
        status: 'SUCCEEDED',
        history: new HistoryBuilder().started({}).task('Notify', done, done).enter('Promoted', done, 'Succeed'),
      },
    ]);

    const { code, stdout, stderr } = await runStep(stepEnv());

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const start = sfnMock.commandCalls(StartExecutionCommand);
    expect(start).toHaveLength(1);
    expect(start[0].args[0].input.name).toBe('checkout_3f2c9e1_gh-777-1');
    expect(JSON.parse(start[0].args[0].input.input!).canary.version).toBe('3f2c9e1');
    expect(stdout.trim().split('\n')).toEqual([
      `canary run checkout_3f2c9e1_gh-777-1: ${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:checkout_3f2c9e1_gh-777-1`,
      'running state=Bake step=1/3 weight=5% score=- verdict=-',
      'running state=Bake step=2/3 weight=10% score=92 verdict=pass',
      'promoted state=Promoted step=3/3 weight=25% score=88 verdict=pass',
      'canary promoted: passed all steps',
    ]);
  });

  it('fails the job when the canary is rolled back, with the reason', async () => {
    const rolledBack = {
      ...bake(1),
      judgments: [JUDGMENTS[0], judgment(1, 31, 'rollback')],
      outcome: {
        decision: 'rollback' as const,
        verdict: 'fail' as const,
        score: 31,
        reason: 'error-rate failed (critical)',
      },
    };
    scriptRun([
      {
        status: 'FAILED',
        error: RUN_ERRORS.rolledBack,
        cause: 'error-rate failed (critical)',
        history: new HistoryBuilder()
          .started({})
          .task('Notify', rolledBack, rolledBack)
          .enter('RolledBack', rolledBack, 'Fail'),
      },
    ]);
    const { code, stdout } = await runStep(stepEnv());
    expect(code).toBe(1);
    expect(stdout).toContain('rolled-back state=RolledBack step=2/3 weight=10% score=31 verdict=fail');
    expect(stdout).toContain('::error::canary rolled-back: error-rate failed (critical)');
  });

  it('fails at the start, starting nothing, when the signing secret is wrong', async () => {
    scriptRun([{ status: 'RUNNING', history: new HistoryBuilder() }]);
    const { code, stderr } = await runStep({ ...stepEnv(), CANARY_JUDGE_SECRET: 'not-the-secret' });
    expect(code).toBe(1);
    expect(stderr).toContain('::error::POST /runs failed: {"error":"bad-signature"');
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
