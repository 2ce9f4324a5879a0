import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_REPORTS_DIR } from '../../shared/adapters';
import { errorMessage } from '../../shared/aws/errors';
import { FileReportStore } from '../../shared/reports/file-report-store';
import { REPORT_NAME } from '../../shared/reports/report-names';
import { readRunRecords } from '../../shared/reports/run-index';
import { newestFirst } from '../../shared/reports/run-record';
import { listExecutionRuns } from '../../shared/run/execution-runs';
import { displayPath } from '../../local/runner/summary';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, InputError, processIo, type CliIo } from '../io';
import { runsTable, type ListedRun } from '../runs-table';

/**
 * `canary-judge runs`: the canary runs so far, newest first. Locally from the reports directory (each run's
 * run.json, written by Notify); on AWS from the state machine's executions and their histories.
 */

export interface RunsCommandOptions {
  target: 'local' | 'aws';
  reportsDir?: string;
  stateMachine?: string;
  limit: number;
  json?: boolean;
}

/** The runs could not be read (an AWS call failed, the directory is unreadable). */
export const EXIT_UNREADABLE = 2;

class RunsUnreadable extends Error {
  override readonly name = 'RunsUnreadable';
}

/** A read from the store or the AWS API; whatever it throws means the runs could not be read. */
async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new RunsUnreadable(errorMessage(error));
  }
}

const DEFAULT_LIMIT = 50;

async function localRuns(options: RunsCommandOptions, io: CliIo, env: NodeJS.ProcessEnv): Promise<ListedRun[]> {
  const dir = path.resolve(options.reportsDir ?? env.CANARY_JUDGE_REPORTS_DIR ?? DEFAULT_REPORTS_DIR);
  const { records, unreadable } = await reading(() => readRunRecords(new FileReportStore(dir)));
  for (const { runId, problem } of unreadable) io.stderr(`canary-judge runs: skipped ${runId}: ${problem}\n`);
  return newestFirst(records)
    .slice(0, options.limit)
    .map((r) => ({ ...r, report: r.reportKey ? (displayPath(path.join(dir, r.runId, REPORT_NAME)) ?? null) : null }));
}

async function awsRuns(options: RunsCommandOptions, env: NodeJS.ProcessEnv, sfn?: SFNClient): Promise<ListedRun[]> {
  const stateMachineArn = options.stateMachine ?? env.STATE_MACHINE_ARN;
  if (!stateMachineArn) {
    throw new InputError('--target aws needs --state-machine ARN (or STATE_MACHINE_ARN): the run state machine');
  }
  const client = sfn ?? new SFNClient({});
  const records = await reading(() => listExecutionRuns(client, { stateMachineArn, limit: options.limit }));
  return newestFirst(records).map((r) => ({ ...r, report: r.reportUrl }));
}

/** The command's work with its I/O passed in (tests call it directly); resolves to the exit code. */
export async function runsCommand(
  options: RunsCommandOptions,
  io: CliIo,
  deps: { env?: NodeJS.ProcessEnv; sfn?: SFNClient } = {},
): Promise<number> {
  const env = deps.env ?? process.env;
  let runs: ListedRun[];
  try {
    runs = options.target === 'aws' ? await awsRuns(options, env, deps.sfn) : await localRuns(options, io, env);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`canary-judge runs: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof RunsUnreadable) {
      io.stderr(`canary-judge runs: could not read the runs: ${error.message}\n`);
      return EXIT_UNREADABLE;
    }
    io.stderr(
      `canary-judge runs: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_INTERNAL;
  }
  io.stdout(options.json ? `${JSON.stringify({ runs })}\n` : `${runsTable(runs)}\n`);
  return 0;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

const EXAMPLES = `
Local runs are read from the reports directory (each run's run.json, written when the run ends); AWS runs from
the run state machine's executions (credentials and region from the usual AWS environment).

Examples:
  $ canary-judge runs
  $ canary-judge runs --reports-dir /tmp/reports --json
  $ canary-judge runs --target aws --state-machine arn:aws:states:us-east-1:123456789012:stateMachine:canary-judge
  $ STATE_MACHINE_ARN=arn:aws:states:... canary-judge runs --target aws --limit 10

Each run: id, service, baseline → canary, start (UTC), duration, decision, score, then why (one sentence) and
its report (a path locally; on AWS the pre-signed link made when the run ended, valid for 7 days).

Exit codes: 0 listed (also when there are none), 2 the runs could not be read (an AWS call failed, the
directory is unreadable), 3 bad input (a bad flag, no state machine for --target aws), 4 internal error.`;

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('List the canary runs, newest first: decision, score, why, and a link to each report')
    .addOption(
      new Option('--target <target>', 'local: the reports directory; aws: the state machine')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option('--reports-dir <dir>', 'local: where the reports are (as for run; default reports)')
    .option('--state-machine <arn>', 'aws: the run state machine (default: $STATE_MACHINE_ARN)')
    .option('--limit <n>', 'at most this many runs, newest first', positiveInteger, DEFAULT_LIMIT)
    .option('--json', 'print {"runs": [...]}: every field of each run, with "report" the link to open')
    .addHelpText('after', EXAMPLES)
    .action(async (options: RunsCommandOptions) => {
      process.exitCode = await runsCommand(options, processIo);
    });
}
