import path from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_STATE_DIR } from '../../shared/adapters';
import { ValidationError } from '../../shared/config/validation';
import type { CleanupResult, Target } from '../../shared/run/dead-runs';
import { cleanupAfterDeadRuns, cleanupLines, removedCount } from '../../local/runner/dead-runs';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, processIo, type CliIo } from '../io';

/**
 * `canary-judge cleanup`: what runs whose runner died (SIGKILL, a crash, a closed laptop) left behind,
 * found by their run record and run-id tag, removed: traffic back to production, instances and target
 * groups, locally also orphaned processes. Runs that still run are never touched; a second call finds
 * nothing.
 */

export interface CleanupCommandOptions {
  target: Target;
  stateDir?: string;
  runId?: string[];
  json?: boolean;
}

/** Exit code when something could not be removed (the rest was, and the run stays recorded for another try). */
export const EXIT_CLEANUP_INCOMPLETE = 2;

export async function cleanupCommand(
  options: CleanupCommandOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const stateDir = path.resolve(options.stateDir ?? env.CANARY_JUDGE_STATE_DIR ?? DEFAULT_STATE_DIR);
  let result: CleanupResult;
  try {
    result = await cleanupAfterDeadRuns(stateDir, options.target, env, options.runId);
  } catch (error) {
    if (error instanceof ValidationError) {
      io.stderr(`canary-judge cleanup: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(
      `canary-judge cleanup: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_INTERNAL;
  }
  const failed = result.runs.filter((r) => r.error);
  if (options.json) {
    io.stdout(`${JSON.stringify({ stateDir, ...result, removedCount: removedCount(result) })}\n`);
  } else {
    const lines = cleanupLines(result);
    const summary =
      lines.length === 0
        ? `nothing to clean up: no ${options.target} run recorded under ${stateDir} died before its teardown`
        : `removed ${removedCount(result)} resource(s) and process(es) left by ${result.runs.length} run(s)`;
    io.stdout(`${[...lines, summary].join('\n')}\n`);
  }
  return failed.length > 0 ? EXIT_CLEANUP_INCOMPLETE : 0;
}

const HELP = `
A run is recorded under the state directory (<dir>/<run-id>/run.json) by "canary-judge run" before it creates
anything, and marked once its teardown finished. When the runner was killed (SIGKILL, a crash) before that,
cleanup removes what the run left: its listener rule (traffic back to 100% production), its target groups and
instances (found by the canary-judge:run-id tag) and, locally, its processes and the production processes of
its stand-ins. A run whose runner is still alive is never touched. "canary-judge run" does the same for local
runs every time it starts. Running cleanup again finds nothing more.

Examples:
  $ canary-judge cleanup                                   # local runs recorded under .canary-judge/state
  $ canary-judge cleanup --target aws                      # AWS runs started from this machine (AWS env as for run)
  $ canary-judge cleanup --target aws --run-id web-1-42-0-20261122170629 --json
  $ canary-judge cleanup --state-dir /tmp/ci-state

Exit codes: 0 everything found was removed (or nothing was left), 2 something could not be removed (the message
says what; the run stays recorded, run cleanup again), 3 bad input (bad flag, a --run-id that is not
recorded), 4 internal error.`;

export function registerCleanupCommand(program: Command): void {
  program
    .command('cleanup')
    .description(
      'Remove what runs whose runner was killed left behind (listener rule, target groups, instances, processes)',
    )
    .addOption(
      new Option('--target <target>', 'which runs: local (processes, local router) or aws (ELBv2, EC2)')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option('--state-dir <dir>', 'where runs are recorded (default: $CANARY_JUDGE_STATE_DIR or .canary-judge/state)')
    .option('--run-id <id...>', 'only these runs (default: every recorded run whose runner is gone)')
    .option('--json', 'print one JSON object: the runs cleaned up with what was removed, orphaned processes')
    .addHelpText('after', HELP)
    .action(async (options: CleanupCommandOptions) => {
      process.exitCode = await cleanupCommand(options, processIo);
    });
}
