import { InvalidArgumentError, type Command } from 'commander';
import { analysisReportStore, createMetricSource, DEFAULT_REPORTS_DIR } from '../../shared/adapters';
import { analyze, parseAnalyzeInput } from '../../shared/analyze/analyze';
import type { AnalysisResult } from '../../shared/run-model/analysis-result';
import { DEFAULT_ANALYSIS_INTERVAL_SECONDS, type AnalyzeInput } from '../../shared/config/analyze-input';
import { ValidationError } from '../../shared/config/validation';
import { metricInfo, metricRowFromBrief, resultWords, valuesText } from '../../shared/reports/metric-rows';
import { formatSpan, formatTime } from '../../shared/reports/format';
import { displayPath, EXIT } from '../../local/runner/summary';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, InputError, processIo, readJsonInput, type CliIo } from '../io';
import { alignColumns } from '../text-table';

/**
 * `canary-judge analyze`: judge a canary someone else deployed (CodeDeploy, an Auto Scaling group, by hand) from its
 * metrics over a past window, with a run's judge and decision rule. Reads metrics, writes a report, changes nothing.
 */

export interface AnalyzeCommandOptions {
  config: string;
  baseline?: string;
  canary?: string;
  from?: string;
  to?: string;
  interval?: number;
  loadBalancer?: string;
  id?: string;
  reportsDir?: string;
  json?: boolean;
}

/** `10m`, `1h`, `90s` or plain seconds. */
export function parseInterval(value: string): number {
  const match = /^(\d+)\s*(s|m|h)?$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new InvalidArgumentError('expected a duration such as 10m, 1h, 90s or seconds');
  }
  return seconds;
}

/** The config file's fields, with each flag given in place of its field. */
function inputOf(options: AnalyzeCommandOptions, io: CliIo): unknown {
  const config = readJsonInput(options.config, '--config', io);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InputError(`--config ${options.config}: expected a JSON object (metricsSource, canaryConfig, ...)`);
  }
  const flags = {
    baseline: options.baseline,
    canary: options.canary,
    from: options.from,
    to: options.to,
    intervalSeconds: options.interval,
    loadBalancer: options.loadBalancer,
    analysisId: options.id,
  };
  return { ...config, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
}

export function analysisExitCode(result: Pick<AnalysisResult, 'label'>): number {
  if (result.label === 'WOULD PROMOTE') return EXIT.promote;
  if (result.label === 'WOULD ROLL BACK') return EXIT.rollback;
  return EXIT.runError;
}

const clock = (iso: string) => formatTime(iso).slice(11, 19);

/** "14:00:00–14:10:00" (the dates are in the line above the table); with dates when the window spans days. */
const windowText = (start: string, end: string) =>
  formatTime(start).slice(0, 10) === formatTime(end).slice(0, 10)
    ? `${clock(start)}–${clock(end)}`
    : formatSpan(start, end);

/** The decision first, then the intervals, the deciding interval's metrics, the score and the report. */
export function analysisLines(result: AnalysisResult, config: AnalyzeInput['canaryConfig']): string[] {
  const intervals = alignColumns([
    ['interval', 'window (UTC)', 'score', 'verdict', 'action', 'reason'],
    ...result.intervals.map((j) => [
      `${j.step}/${result.intervalCount}`,
      windowText(j.window.start, j.window.end),
      String(j.score),
      j.verdict,
      j.action,
      j.reason,
    ]),
  ]);
  const last = result.intervals.at(-1);
  const info = metricInfo(config);
  const metrics = last
    ? [
        '',
        `metrics at interval ${last.step}:`,
        ...alignColumns([
          ['metric', 'result', 'baseline → canary', 'reason'],
          ...last.metrics.map((m) => {
            const row = metricRowFromBrief(m, info.get(m.name));
            return [m.name, resultWords(row), valuesText(row), m.reason ?? ''];
          }),
        ]),
      ]
    : [];
  const report = displayPath(result.report?.url);
  return [
    result.headline,
    `baseline ${result.baseline.target} · canary ${result.canary.target} · ${formatTime(result.from)} – ${formatTime(result.to)} in ${result.intervalCount} interval(s) of ${result.intervalSeconds}s`,
    '',
    ...intervals,
    ...metrics,
    '',
    `score ${result.score ?? '-'}/100 (judge: ${result.verdict}) · analysis ${result.analysisId}`,
    ...(report ? [`report: ${report}`] : []),
  ];
}

export async function analyzeCommand(options: AnalyzeCommandOptions, io: CliIo, env = process.env): Promise<number> {
  try {
    const raw = inputOf(options, io);
    const input = parseAnalyzeInput(raw);
    const result = await analyze(input, {
      metrics: createMetricSource(input.metricsSource, env),
      reports: analysisReportStore(env, options.reportsDir ?? DEFAULT_REPORTS_DIR),
    });
    const report = displayPath(result.report?.url);
    if (options.json) io.stdout(`${JSON.stringify({ ...result, report: report ?? null })}\n`);
    else io.stdout(`${analysisLines(result, input.canaryConfig).join('\n')}\n`);
    return analysisExitCode(result);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof InputError) {
      io.stderr(`canary-judge analyze: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(
      `canary-judge analyze: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_INTERNAL;
  }
}

const EXAMPLES = `
--config holds what a run input says about judging: metricsSource, canaryConfig, and optionally thresholds,
analysis, judgment, service and loadBalancer (the flags below override the same fields). A target is an ALB
target group (targetgroup/<name>/<id> or its ARN; CloudWatch, with the load balancer from --load-balancer or the
config) or a Prometheus label set ({version="v1"} or version=v1,job=shop). The window from..to is judged in
intervals of --interval (cumulative windows from --from, as a run judges its steps); the first interval that
would roll back decides. Nothing is changed: no traffic, no instances.

Examples:
  $ canary-judge analyze --config judge.json --load-balancer app/web/50dc6c495c0c9188 \\
      --baseline targetgroup/shop-blue/1111111111111111 --canary targetgroup/shop-green/2222222222222222 \\
      --from 2026-05-04T14:00:00Z --to 2026-05-04T15:00:00Z --interval 10m
  $ canary-judge analyze --config prometheus.json --baseline '{version="1.41.0"}' --canary '{version="1.42.0"}' \\
      --from 2026-05-04T14:00:00Z --to 2026-05-04T14:30:00Z --interval 5m --json > analysis.json

Exit codes: 0 would promote, 1 would roll back, 2 could not judge the canary (the metrics source failed for every
metric, or no data in the window: verdict inconclusive), 3 bad input (the message names the field), 4 internal
error.`;

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description(
      'Judge a canary deployed by other means from its metrics over a past window, interval by interval, with the judge and decision rule of a run; changes nothing.',
    )
    .requiredOption('--config <file>', 'JSON with metricsSource and canaryConfig (and thresholds, analysis, judgment)')
    .option('--baseline <target>', 'the baseline: targetgroup/<name>/<id> (or its ARN), or a label set {version="v1"}')
    .option('--canary <target>', 'the canary, in the same form as --baseline')
    .option('--from <time>', 'start of the window, ISO 8601 (2026-05-04T14:00:00Z)')
    .option('--to <time>', 'end of the window, ISO 8601; not in the future')
    .option(
      '--interval <duration>',
      `length of each judged interval, e.g. 10m, 1h, 90s (default ${DEFAULT_ANALYSIS_INTERVAL_SECONDS / 60}m)`,
      parseInterval,
    )
    .option('--load-balancer <alb>', 'CloudWatch: the ALB of both target groups, app/<name>/<id> or its ARN')
    .option('--id <id>', 'the analysis id (names the report folder); default <service>-analysis-<time>')
    .option('--reports-dir <dir>', `where the report goes (<dir>/<id>/report.html; default ${DEFAULT_REPORTS_DIR})`)
    .option('--json', 'print one JSON object: decision, verdict, score, summary, reason, intervals, report')
    .addHelpText('after', EXAMPLES)
    .action(async (options: AnalyzeCommandOptions) => {
      process.exitCode = await analyzeCommand(options, processIo);
    });
}
