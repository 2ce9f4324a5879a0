import { InvalidArgumentError, type Command } from 'commander';
import { runInputSchema } from '../../shared/config/run-config';
import { planRun, type RunPlan } from '../../shared/plan/run-plan';
import { InputError, parseInput, processIo, readJsonInput, withBadInputHandling, type CliIo } from '../io';

/**
 * `canary-judge plan --config FILE`: what a run's design can catch at best, before it runs, from the run input and
 * what the operator knows of the traffic. Ceilings computed exactly, no simulation (shared/plan).
 */

export interface PlanCommandOptions {
  config: string;
  rps: number;
  eventRate: string[];
  ratio: number;
  json?: boolean;
}

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected ${what}`);
  return n;
};

/** `0.002` for every count metric, `errors-5xx=0.01` for one: the baseline's share of requests that are events. */
function eventRates(values: string[]): { default: number; byMetric: Record<string, number> } {
  const rates = { default: DEFAULT_EVENT_RATE, byMetric: {} as Record<string, number> };
  for (const value of values) {
    const [name, rate] = value.includes('=') ? value.split(/=(.*)/s, 2) : [undefined, value];
    const n = Number(rate);
    if (rate.trim() === '' || !(n > 0 && n < 1)) {
      throw new InputError(`--event-rate ${value}: the rate must be a share strictly between 0 and 1, e.g. 0.002`);
    }
    if (name === undefined) rates.default = n;
    else rates.byMetric[name] = n;
  }
  return rates;
}

const DEFAULT_EVENT_RATE = 0.002;

const percent = (x: number) => `${Number((100 * x).toPrecision(3))} %`;
/** "80 s" under two minutes, "35 min" from there on. */
const duration = (seconds: number) =>
  seconds < 120 ? `${Number(seconds.toFixed(1))} s` : `${Number((seconds / 60).toFixed(1))} min`;
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

function render(plan: RunPlan): string {
  const { timing } = plan;
  const lines = [
    `Plan: ${duration(plan.runSeconds)}, ${plan.looks} looks; data in ${timing.periodSeconds}-s periods, ` +
      `${timing.delaySeconds} s late at the source${timing.warmupSeconds ? `, ${timing.warmupSeconds} s warm-up skipped` : ''}`,
    `Each version is judged on about ${thousands(plan.requestsPerVersion)} requests; one-sided level ${percent(plan.alpha)} per metric and direction.`,
  ];
  if (plan.countMetrics.length > 0) {
    lines.push('', `Count metrics: the chance of catching a rate ×${plan.ratio}, at best`);
    for (const m of plan.countMetrics) {
      const everyLook =
        m.everyLookPower === null ? '' : `; a count test at every look's level: ${percent(m.everyLookPower)}`;
      lines.push(
        `  ${m.name}: baseline ${percent(m.eventRate)} of requests, ${Number(m.baselineEvents.toFixed(1))} events ` +
          `expected; floor ×${m.allowedIncrease}; any test, one look at the end: ${percent(m.bestPower)}${everyLook}`,
      );
      if (m.minimumEvents !== null) {
        const lastLook =
          m.minimumEventsLastLook === null
            ? ''
            : ` (${m.minimumEventsLastLook} at the run's last look, by its exact test)`;
        lines.push(
          `    the run's count test proves a rise only from ${m.minimumEvents} events${lastLook}, all on the canary ` +
            `(fewer prove nothing, however bad the canary); expected on the canary at ×${plan.ratio}: ` +
            `${Number(m.canaryEvents.toFixed(1))}`,
        );
      }
    }
  }
  if (plan.continuousMetrics.length > 0) {
    lines.push('', 'Continuous metrics (Mann-Whitney): the first look that can fail them, whatever the data');
    for (const m of plan.continuousMetrics) {
      const unit = m.kind === 'histogram' ? 'period' : 'point';
      const plural = (n: number) => `${n} ${unit}${n === 1 ? '' : 's'}`;
      const when = m.earliest
        ? `${duration(m.earliest.minutes * 60)} after the first shift (${plural(m.earliest.points)} per side, level ` +
          `${Number((100 * m.earliest.confidenceLevel).toFixed(2))} %)`
        : 'no look has a level of its own (Kayenta mode, or no run budget)';
      const kind = m.kind === 'histogram' ? ', the requests in its histogram' : '';
      lines.push(`  ${m.name} (minimum ${plural(m.minDataPoints)}${kind}): ${when}`);
    }
  }
  lines.push(
    '',
    'Ceilings, not predictions: the default anytime-valid count test catches less than the count test at every look',
    "(docs/statistical-quality.md, Limits). Raise the traffic share or the steps' length to see more.",
  );
  return lines.join('\n');
}

/** The command's work with its I/O passed in; returns the exit code. */
export function planCommand(options: PlanCommandOptions, io: CliIo): number {
  return withBadInputHandling('plan', io, () => {
    const run = parseInput(runInputSchema, readJsonInput(options.config, '--config', io), options.config, 'run input');
    const rates = eventRates(options.eventRate);
    const plan = planRun(run, { requestsPerSecond: options.rps, eventRates: rates, ratio: options.ratio });
    const counted = new Set(plan.countMetrics.map((m) => m.name));
    const unknown = Object.keys(rates.byMetric).filter((name) => !counted.has(name));
    if (unknown.length > 0) {
      const known = counted.size > 0 ? [...counted].join(', ') : 'none';
      throw new InputError(
        `--event-rate ${unknown.join(', ')}: not a count metric of the run (count metrics: ${known})`,
      );
    }
    io.stdout(`${options.json ? JSON.stringify(plan) : render(plan)}\n`);
    return 0;
  });
}

const EXAMPLES = `
--config is a run input (the same JSON document a run takes). Count metrics are the ones judged from counts
(presets error-rate-5xx, latency-slow-share, or a *-counts query); their baseline rate is --event-rate.

Examples:
  $ canary-judge plan --config examples/console-input.json --rps 200
  $ canary-judge plan --config run.json --rps 50 --event-rate 0.001 --event-rate slow-requests=0.01 --ratio 1.5
  $ canary-judge plan --config run.json --json

Exit codes: 0 done, 3 bad input (unreadable file, bad JSON, a field of the run input, a bad flag).`;

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description("What a run's design can catch at best, before it runs: count tests' power, earliest failing looks")
    .requiredOption('--config <file>', 'run input JSON (the same a run takes), or - for stdin')
    .option('--rps <n>', 'requests per second on the listener, all versions', positive('a positive number'), 150)
    .option(
      '--event-rate <[metric=]rate>',
      `the baseline's share of requests that are events (5xx, slow requests): for every count metric, or metric=rate ` +
        `for one (default ${DEFAULT_EVENT_RATE})`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--ratio <x>', 'the regression to catch: rate ratio canary / baseline', positive('a rate ratio above 0'), 2)
    .option('--json', 'print the plan as one JSON object')
    .addHelpText('after', EXAMPLES)
    .action((options: PlanCommandOptions) => {
      process.exitCode = planCommand(options, processIo);
    });
}
