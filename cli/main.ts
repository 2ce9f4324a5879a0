#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerAnalyzeCommand } from './commands/analyze';
import { registerCleanupCommand } from './commands/cleanup';
import { registerJudgeCommand } from './commands/judge';
import { registerMannWhitneyCommand } from './commands/mann-whitney';
import { registerPlanCommand } from './commands/plan';
import { registerRunCommand } from './commands/run';
import { registerRunsCommand } from './commands/runs';
import { EXIT_BAD_INPUT, EXIT_INTERNAL } from './io';

/** `canary-judge`: one line per subcommand below; each lives in cli/commands/<name>.ts. */

/** The package's version, from the nearest package.json above this file (cli/ under ts-node, dist/cli/ built). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'canary-judge' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
  }
  return 'unknown';
}

export function buildProgram(): Command {
  const program = new Command('canary-judge')
    .description('Automated canary analysis: Kayenta-compatible judge, and canary runs on AWS or locally')
    .version(packageVersion())
    // commander exits 1 on usage errors, which would read as "marginal": usage errors become bad input (3)
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)');
  registerMannWhitneyCommand(program);
  registerJudgeCommand(program);
  registerRunCommand(program);
  registerCleanupCommand(program);
  registerRunsCommand(program);
  registerAnalyzeCommand(program);
  registerPlanCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    // never exit 1 or 2 on a bug: for `judge` those mean marginal and fail
    process.stderr.write(
      `canary-judge: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT_INTERNAL;
  }
}

if (require.main === module) void main(process.argv);
