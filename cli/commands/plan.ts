import { InvalidArgumentError, type Command } from 'commander';
import { runInputSchema } from '../../shared/config/run-config';
import { planRun, type LatencyAssumption, type LatencyShiftPlan, type RunPlan } from '../../shared/plan/run-plan';
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
  latency?: string;
  latencyIncrease: number;
  buckets?: string;
  json?: boolean;
}

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected ${what}`);
  return n;
};

const aboveOne = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !(n > 1) || !Number.isFinite(n))
    throw new InvalidArgumentError('expected a ratio above 1');
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

/** "80ms" or "0.32s" in seconds. */
function seconds(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
}

/** `--latency 80ms,320ms` (p50, p99) and `--buckets 0.05,0.1,0.25` (seconds) into the plan's latency assumption. */
function latencyAssumption(options: PlanCommandOptions): LatencyAssumption | undefined {
  if (options.latency === undefined) {
    if (options.buckets !== undefined)
      throw new InputError('--buckets: give --latency too (the p50 and p99 they count)');
    return undefined;
  }
  const [p50, p99, ...rest] = options.latency.split(',').map(seconds);
  if (p50 === undefined || p99 === undefined || rest.length > 0 || !(p50 > 0 && p99 > p50)) {
    throw new InputError(
      `--latency ${options.latency}: expected the p50 and the p99, larger, in ms or s, e.g. --latency 80ms,320ms`,
    );
  }
  if (options.buckets === undefined) return { p50Seconds: p50, p99Seconds: p99, increase: options.latencyIncrease };
  const texts = options.buckets.split(',');
  const bounds = texts.map((b) => (b.trim() === '' ? NaN : Number(b)));
  const bad = bounds.findIndex((b, i) => !(b > 0 && Number.isFinite(b) && (i === 0 || b > bounds[i - 1])));
  if (bad >= 0) {
    throw new InputError(
      `--buckets ${options.buckets}: bound ${bad + 1} ("${texts[bad]}") is not a positive number of seconds above ` +
        'the one before it (upper bounds, increasing, e.g. 0.05,0.1,0.25)',
    );
  }
  return { p50Seconds: p50, p99Seconds: p99, increase: options.latencyIncrease, bucketsSeconds: bounds };
}

const milliseconds = (s: number) => `${Number((1000 * s).toPrecision(3))} ms`;

const percent = (x: number) => `${Number((100 * x).toPrecision(3))} %`;
/** "80 s" under two minutes, "35 min" from there on. */
const duration = (seconds: number) =>
  seconds < 120 ? `${Number(seconds.toFixed(1))} s` : `${Number((seconds / 60).toFixed(1))} min`;
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

function latencyShiftLine(shift: LatencyShiftPlan, latency: LatencyAssumption): string {
  const buckets =
    shift.bucketsFrom === 'query'
      ? `its ${shift.bounds} bounds`
      : latency.bucketsSeconds
        ? `its ${shift.bounds} bounds (--buckets)`
        : `the client libraries' ${shift.bounds} default bounds (--buckets to give yours)`;
  const when =
    shift.medianMinutes === null
      ? `in only ${percent(shift.probability)} of runs by the end`
      : `by ${duration(shift.medianMinutes * 60)} after the first shift in half the runs (${percent(shift.probability)} by then)`;
  return (
    `latency ×${shift.increase} (p50 ${milliseconds(latency.p50Seconds)}, p99 ${milliseconds(latency.p99Seconds)}, ` +
    `log-normal): ${buckets} keep ${percent(shift.informationShare)} of what every request tells of a shift; ` +
    `a test that knew the distribution would roll it back ${when}`
  );
}

function render(plan: RunPlan, latency: LatencyAssumption | undefined): string {
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
      if (m.latencyShift && latency) lines.push(`    ${latencyShiftLine(m.latencyShift, latency)}`);
    }
    if (!latency && plan.continuousMetrics.some((m) => m.kind === 'histogram' && m.earliest)) {
      lines.push('  (--latency P50,P99: how soon a histogram metric could catch a latency regression, at best)');
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
    const latency = latencyAssumption(options);
    const plan = planRun(run, {
      requestsPerSecond: options.rps,
      eventRates: rates,
      ratio: options.ratio,
      ...(latency ? { latency } : {}),
    });
    const counted = new Set(plan.countMetrics.map((m) => m.name));
    const unknown = Object.keys(rates.byMetric).filter((name) => !counted.has(name));
    if (unknown.length > 0) {
      const known = counted.size > 0 ? [...counted].join(', ') : 'none';
      throw new InputError(
        `--event-rate ${unknown.join(', ')}: not a count metric of the run (count metrics: ${known})`,
      );
    }
    io.stdout(`${options.json ? JSON.stringify(plan) : render(plan, latency)}\n`);
    return 0;
  });
}

const EXAMPLES = `
--config is a run input (the same JSON document a run takes). Count metrics are the ones judged from counts
(presets error-rate-5xx, latency-slow-share, or a *-counts query); their baseline rate is --event-rate.
Histogram metrics (latency-histogram, a *-histogram query) are planned against a latency × --latency-increase when
--latency gives the service's p50 and p99 (taken as log-normal); CloudWatch's bounds come from the query, a
Prometheus histogram's from --buckets (default: the client libraries' 0.005 … 10 s).

Examples:
  $ canary-judge plan --config examples/console-input.json --rps 200
  $ canary-judge plan --config run.json --rps 50 --event-rate 0.001 --event-rate slow-requests=0.01 --ratio 1.5
  $ canary-judge plan --config run.json --rps 100 --latency 80ms,320ms
  $ canary-judge plan --config run.json --latency 20ms,90ms --buckets 0.01,0.02,0.03,0.05,0.1,0.25 --latency-increase 1.2
  $ canary-judge plan --config run.json --json

Exit codes: 0 done, 3 bad input (unreadable file, bad JSON, a field of the run input, a bad flag).`;

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      "What a run's design can catch at best, before it runs: count tests' power, earliest failing looks, latency regressions",
    )
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
    .option('--latency <p50,p99>', "the service's latency, e.g. 80ms,320ms: plans the histogram metrics")
    .option('--latency-increase <x>', 'the latency regression to catch: canary / baseline', aboveOne, 1.1)
    .option('--buckets <bounds>', "a Prometheus histogram's upper bounds in seconds, e.g. 0.05,0.1,0.25")
    .option('--json', 'print the plan as one JSON object')
    .addHelpText('after', EXAMPLES)
    .action((options: PlanCommandOptions) => {
      process.exitCode = planCommand(options, processIo);
    });
}
