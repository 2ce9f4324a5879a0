import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ValidationError } from '../../shared/config/validation';
import { DEFAULT_RPS, runWorkflow, type ApprovalMode } from '../../local/runner/run-workflow';
import { FORCED_EXIT_AFTER_MS, handleInterrupts } from '../../local/runner/interrupts';
import { exitCodeFor, runResultJson, verdictLines } from '../../local/runner/summary';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, InputError, processIo, readJsonInput, type CliIo } from '../io';

/**
 * `canary-judge run --config FILE`: one canary run, start to finish, on this machine. The workflow is the
 * deployed state machine's definition executed locally; with --target local it runs against the local
 * stand-ins (router, sample service, load), with --target aws against real AWS (credentials from the
 * environment).
 */

export interface RunCommandOptions {
  config: string;
  target?: 'local' | 'aws';
  speed: number;
  json?: boolean;
  approve?: boolean;
  reject?: boolean;
  reportsDir?: string;
  rps: number;
}

export interface RunIo extends CliIo {
  /** Whether a person can answer an approval question on this terminal. */
  isTTY: boolean;
  signal?: AbortSignal;
  ask?: (question: string) => Promise<boolean>;
}

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0`);
  return n;
};

function approvalMode(options: RunCommandOptions, io: RunIo): ApprovalMode {
  if (options.approve) return 'approve';
  if (options.reject) return 'reject';
  return io.isTTY && io.ask ? 'ask' : 'reject';
}

/** The command's work, with its I/O passed in (tests call it directly); resolves to the exit code. */
export async function runCommand(options: RunCommandOptions, io: RunIo): Promise<number> {
  const progress = (line: string) => (options.json ? io.stderr : io.stdout)(`${line}\n`);
  try {
    const summary = await runWorkflow({
      input: readJsonInput(options.config, '--config', io),
      target: options.target,
      speed: options.speed,
      reportsDir: options.reportsDir,
      approval: approvalMode(options, io),
      ask: io.ask,
      rps: options.rps,
      progress,
      signal: io.signal,
    });
    if (options.json) io.stdout(`${JSON.stringify(runResultJson(summary))}\n`);
    else io.stdout(`${verdictLines(summary).join('\n')}\n`);
    return exitCodeFor(summary);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof InputError) {
      io.stderr(`canary-judge run: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(
      `canary-judge run: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_INTERNAL;
  }
}

const EXAMPLES = `
--config is a run input: the same JSON document a Step Functions execution takes (examples/local-run.json, or
examples/console-input.json for AWS). Progress goes to the terminal; the run ends with its decision and why, the
score, and the path (or, on AWS, the pre-signed URL) of its HTML report.

Examples:
  $ canary-judge run --config examples/local-run.json
  $ canary-judge run --config examples/local-latency.json --speed 2
  $ canary-judge run --config examples/local-run.json --json --reports-dir /tmp/reports > result.json
  $ REPORTS_BUCKET=my-reports canary-judge run --config examples/console-input.json --target aws --approve

Exit codes: 0 promoted, 1 rolled back, 2 the run could not finish cleanly (teardown or report failed, listener busy)
or could not judge the canary, 3 bad input (the message names the field), 4 internal error, 130 / 143 / 129
interrupted by SIGINT / SIGTERM / SIGHUP (the run is torn down and reported first; a second signal exits after at
most ${FORCED_EXIT_AFTER_MS / 1000} s of teardown).`;

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Run one canary: provision baseline + canary, shift traffic step by step, judge, promote or roll back, tear down, report.',
    )
    .requiredOption('--config <file>', 'run input JSON (the same document a Step Functions execution takes)')
    .addOption(
      new Option('--target <target>', 'where to run; default: the config\'s "target", else local').choices([
        'local',
        'aws',
      ]),
    )
    .option('--speed <n>', 'run N times faster: divides step durations and health intervals', positive('--speed'), 1)
    .option('--json', 'print one final JSON object on stdout (progress goes to stderr)')
    .addOption(new Option('--approve', 'answer an approval before promoting with yes').conflicts('reject'))
    .addOption(new Option('--reject', 'answer an approval before promoting with no').conflicts('approve'))
    .option('--reports-dir <dir>', 'where local reports go (reports/<run-id>/report.html)')
    .option('--rps <n>', 'local load generator: requests per second to the router', positive('--rps'), DEFAULT_RPS)
    .addHelpText('after', EXAMPLES)
    .action(async (options: RunCommandOptions) => {
      const interrupt = handleInterrupts(process.stderr);
      try {
        process.exitCode = await runCommand(options, {
          ...processIo,
          isTTY: Boolean(process.stdin.isTTY),
          signal: interrupt.signal,
          ask: askOnTerminal,
        });
      } finally {
        interrupt.dispose();
      }
    });
}
