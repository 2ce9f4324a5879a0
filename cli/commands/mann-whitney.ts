import type { Command } from 'commander';
import { z } from 'zod';
import { percentile } from '../../shared/judge/descriptive';
import { formatNumber, formatSigned } from '../../shared/judge/format';
import { mannWhitney } from '../../shared/judge/mann-whitney';
import type { MannWhitneyResult } from '../../shared/judge/types';
import { levelAttainability } from '../attainable-level';
import { InputError, parseInput, processIo, readJsonInput, withBadInputHandling, type CliIo } from '../io';
import { confidenceOption } from '../options';

/** `canary-judge mann-whitney`: the interval, estimate and p-value of canary - baseline for two samples. */

export interface MannWhitneyCommandOptions {
  baseline: string;
  canary: string;
  confidence: number;
  json?: boolean;
}

const sampleSchema = z.array(z.number()).min(1, 'needs at least one number');
const stdinSchema = z.object({ baseline: sampleSchema.optional(), canary: sampleSchema.optional() }).strict();

function readSamples(options: MannWhitneyCommandOptions, io: CliIo): { baseline: number[]; canary: number[] } {
  let fromStdin: z.infer<typeof stdinSchema> | undefined;
  const read = (side: 'baseline' | 'canary'): number[] => {
    const file = options[side];
    if (file !== '-') return parseInput(sampleSchema, readJsonInput(file, `--${side}`, io), file, `${side} sample`);
    fromStdin ??= parseInput(stdinSchema, readJsonInput('-', `--${side}`, io), '-', 'samples');
    const sample = fromStdin[side];
    if (!sample) throw new InputError(`stdin: no "${side}" array (expected {"baseline": [...], "canary": [...]})`);
    return sample;
  };
  return { baseline: read('baseline'), canary: read('canary') };
}

function verdictLine(r: MannWhitneyResult): string {
  if (r.lower > 0) return 'canary is higher than baseline (the interval is above 0)';
  if (r.upper < 0) return 'canary is lower than baseline (the interval is below 0)';
  return 'no shift detected (the interval contains 0)';
}

function summary(r: MannWhitneyResult, baseline: number[], canary: number[], warning: string | null): string {
  const pct = `${Number((r.confidenceLevel * 100).toPrecision(6))}%`;
  const lines = [
    `Mann-Whitney comparison, shift = canary - baseline, ${pct} confidence`,
    `  baseline  ${r.baselineCount} points, median ${formatNumber(percentile(baseline, 50))}`,
    `  canary    ${r.canaryCount} points, median ${formatNumber(percentile(canary, 50))}`,
    `  estimate  ${formatSigned(r.estimate)} (Hodges-Lehmann: median of all pairwise differences)`,
    `  interval  [${formatSigned(r.lower)}, ${formatSigned(r.upper)}]`,
    `  p-value   ${formatNumber(r.pValue)} (shift 0, two-sided)`,
    `  ${verdictLine(r)}`,
  ];
  if (warning) lines.push(`  warning   ${warning}`);
  return lines.join('\n');
}

/** The command's work with its I/O passed in; returns the exit code. */
export function mannWhitneyCommand(options: MannWhitneyCommandOptions, io: CliIo): number {
  return withBadInputHandling('mann-whitney', io, () => {
    const { baseline, canary } = readSamples(options, io);
    const r = mannWhitney(baseline, canary, { confidenceLevel: options.confidence });
    const level = levelAttainability(r.baselineCount, r.canaryCount, r.confidenceLevel);
    if (options.json) {
      const { estimate, lower, upper, pValue, baselineCount, canaryCount, confidenceLevel } = r;
      const out = { estimate, lower, upper, pValue, baselineCount, canaryCount, confidenceLevel, ...level };
      io.stdout(`${JSON.stringify(out)}\n`);
    } else {
      io.stdout(`${summary(r, baseline, canary, level.warning)}\n`);
    }
    return 0;
  });
}

const EXAMPLES = `
Each FILE holds a JSON array of numbers; - reads {"baseline": [...], "canary": [...]} from stdin.

Examples:
  $ canary-judge mann-whitney --baseline baseline.json --canary canary.json
  $ canary-judge mann-whitney --baseline baseline.json --canary canary.json --confidence 0.95 --json
  $ echo '{"baseline":[1,2,3,4,5],"canary":[3,4,5,6,7]}' | canary-judge mann-whitney --baseline - --canary - --json

A --confidence the sample sizes cannot reach (e.g. 98% with 2 and 3 points: the exact test's smallest
p-value is 0.2) is said in a warning line ("warning" in --json); the exit code stays 0.

Exit codes: 0 done, 3 bad input (unreadable file, bad JSON, not an array of numbers, bad flag).`;

export function registerMannWhitneyCommand(program: Command): void {
  program
    .command('mann-whitney')
    .description('Compare two samples: Hodges-Lehmann shift of canary - baseline, exact confidence interval, p-value')
    .requiredOption('--baseline <file>', 'baseline sample: JSON array of numbers, or - for stdin')
    .requiredOption('--canary <file>', 'canary sample: JSON array of numbers, or - for stdin')
    .addOption(confidenceOption('the interval of the shift (canary - baseline)'))
    .option(
      '--json',
      'print {"estimate","lower","upper","pValue","baselineCount","canaryCount","confidenceLevel","levelAttainable",' +
        '"smallestAttainablePValue","highestAttainableConfidenceLevel","warning"}',
    )
    .addHelpText('after', EXAMPLES)
    .action((options: MannWhitneyCommandOptions) => {
      process.exitCode = mannWhitneyCommand(options, processIo);
    });
}
