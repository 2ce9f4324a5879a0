import { Option, type Command } from 'commander';
import { canaryConfigSchema, scoreThresholdsSchema } from '../../shared/judge/canary-config';
import { judge } from '../../shared/judge/judge';
import { metricDataSchema } from '../../shared/judge/metric-data';
import type { Verdict } from '../../shared/judge/types';
import { ValidationError } from '../../shared/config/validation';
import { InputError, parseInput, processIo, readJsonInput, withBadInputHandling, type CliIo } from '../io';
import { metricUnits } from '../../shared/judge/units';
import { metricLevelWarnings } from '../attainable-level';
import { judgeTable } from '../judge-table';
import { verdictReason } from '../verdict-reason';
import { confidenceOption, parseScore } from '../options';

/** `canary-judge judge`: one judgment of canary against baseline from a canary config and metric samples. */

export interface JudgeCommandOptions {
  config: string;
  data: string;
  marginal: number;
  pass: number;
  confidence: number;
  countTest: 'anytime-valid' | 'conditional-binomial';
  json?: boolean;
}

export const VERDICT_EXIT_CODES: Record<Verdict, number> = { pass: 0, marginal: 1, fail: 2 };

export function judgeCommand(options: JudgeCommandOptions, io: CliIo): number {
  return withBadInputHandling('judge', io, () => {
    if (options.config === '-' && options.data === '-') {
      throw new InputError('only one of --config and --data can be - (stdin)');
    }
    const config = parseInput(
      canaryConfigSchema,
      readJsonInput(options.config, '--config', io),
      options.config,
      'canary config',
    );
    const data = parseInput(metricDataSchema, readJsonInput(options.data, '--data', io), options.data, 'metric data');
    const thresholds = parseInput(
      scoreThresholdsSchema,
      { marginal: options.marginal, pass: options.pass },
      '--marginal/--pass',
      'thresholds',
    );
    let result;
    try {
      result = judge(config, data, thresholds, { confidenceLevel: options.confidence, countTest: options.countTest });
    } catch (error) {
      // config and data are valid on their own: what is left is data for a metric the config does not have
      if (error instanceof ValidationError)
        throw new InputError(`${options.data === '-' ? 'stdin' : options.data}: ${error.message}`);
      throw error;
    }
    const output = options.json
      ? JSON.stringify(
          { ...result, reason: verdictReason(result), levelWarnings: metricLevelWarnings(result) },
          null,
          2,
        )
      : judgeTable(result, metricUnits(config));
    io.stdout(`${output}\n`);
    return VERDICT_EXIT_CODES[result.verdict];
  });
}

const EXAMPLES = `
--config is a canary config in Kayenta's canary-config JSON shape (metrics with groups and
analysisConfigurations.canary, classifier.groupWeights); --data maps each metric name to its samples:
{"latency-p99": {"baseline": [0.21, 0.25, ...], "canary": [0.24, 0.31, ...]}, ...} (null = missing point);
a count metric gives events and exposures per period instead:
{"errors-5xx": {"baseline": {"events": [1, 0, ...], "totals": [3000, 2990, ...]}, "canary": {...}}};
a histogram metric gives requests per bucket (one more than bounds: the last is above the top bound) and the
sum of the values per period: {"latency": {"baseline": {"bounds": [0.05, 0.1, 0.25], "counts": [[120, 300, 80,
2], ...], "sums": [41.3, ...]}, "canary": {...}}}.

Examples:
  $ canary-judge judge --config examples/canary-config.json --data examples/judge-data.json
  $ canary-judge judge --config examples/canary-config.json --data examples/judge-data.json --json
  $ canary-judge judge --config examples/canary-config.json --data - --marginal 60 --pass 90 < samples.json
  $ canary-judge judge --config my-config.json --data counts.json --count-test conditional-binomial

Exit codes: 0 pass, 1 marginal, 2 fail, 3 bad input (unreadable file, bad JSON, invalid config or data:
the message on stderr names the file and the field path).`;

export function registerJudgeCommand(program: Command): void {
  program
    .command('judge')
    .description(
      "Judge canary against baseline: Kayenta's Mann-Whitney classification per metric, score 0-100, verdict",
    )
    .requiredOption('--config <file>', "canary config JSON (Kayenta's canary-config shape), or - for stdin")
    .requiredOption(
      '--data <file>',
      'metric samples JSON {"<metric>": {"baseline": [...], "canary": [...]}}, or - for stdin',
    )
    .addOption(new Option('--marginal <score>', 'score threshold for "marginal"').argParser(parseScore).default(50))
    .addOption(new Option('--pass <score>', 'score threshold for "pass"').argParser(parseScore).default(75))
    .addOption(confidenceOption("each metric's interval"))
    .addOption(
      new Option(
        '--count-test <test>',
        'count metrics: anytime-valid (valid however often a run looks) or conditional-binomial (exact for this one ' +
          'judgment, more power)',
      )
        .choices(['anytime-valid', 'conditional-binomial'])
        .default('anytime-valid'),
    )
    .option(
      '--json',
      'print the whole judge result as JSON (score, verdict and its reason, groups, metrics with numbers and ' +
        'reasons, levelWarnings: metrics compared at a confidence level their sample sizes cannot reach)',
    )
    .addHelpText('after', EXAMPLES)
    .action((options: JudgeCommandOptions) => {
      process.exitCode = judgeCommand(options, processIo);
    });
}
